// A bundle's vendors (docs/FORMAT.md section 5.10, step 11 of section 8):
// for each held-by-vendor artifact of the statement, vendors/<name>/ holds the
// vendor's own certificate bundle. It must be the one the statement binds
// (its certificate.json and trust.json by SHA-256), verify as a bundle of its
// own with that trust.json pinned, and be signed by the key, be the
// certificate and be for the order the statement names. Each vendor file is
// reported on its own line, by its path inside our bundle; a vendor's
// vendors are checked the same way, to a depth of four.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AnyCertificateStatement,
  checkVendorBinding,
  type DerivedArtifactEntry,
  isStatementV2,
  VerificationError,
  vendorBundleDir,
} from '../core/index.js';
import { type TrustOptions, unreadable } from './trust-input.js';

/** How deep vendors of vendors are followed: our bundle is depth 0, its vendors 1. */
export const MAX_VENDOR_DEPTH = 4;

/** What was verified of one vendor: its bundle's directory (in ours), certificate and key. */
export interface VerifiedVendor {
  artifact: string;
  dir: string;
  certificateId: string;
  keyid: string;
}

/** One file of a bundle and its verdict (verify-bundle.ts lists them). */
export interface FileReport {
  file: string;
  status: 'valid' | 'invalid' | 'not checked' | 'ignored';
  detail?: string;
  code?: string;
}

/** What verify-bundle.ts gives of a bundle it checked, and what this file adds to: the vendors' lines and verdict. */
export interface CheckedBundle {
  files: FileReport[];
  /** The first invalid file's error, in the order of the files. */
  failure?: { file: string; error: VerificationError };
  statement?: AnyCertificateStatement;
  keyid?: string;
  /** The vendor bundles verified and bound (section 5.10), when the statement has held-by-vendor artifacts. */
  vendors?: VerifiedVendor[];
}

/** verifyBundle of verify-bundle.ts, given here so that neither file imports the other. */
export type BundleVerifier = (dir: string, opts: TrustOptions, depth: number) => Promise<CheckedBundle>;

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** The bytes of a file the binding names, or undefined when it is not there (a mismatch, not an unreadable input). */
async function boundFile(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable('vendor file', path, e);
  }
}

/** The error again, its message led by the file's path in our bundle (once: a vendor's own messages name their file). */
function located(file: string, e: VerificationError, own: string): VerificationError {
  const message = e.message.startsWith(`${own}: `) ? e.message.slice(own.length + 2) : e.message;
  return new VerificationError(e.code, `${file}: ${message}`, { cause: e });
}

/**
 * Checks vendors/ of the bundle in `dir` (at `depth`) against the statement,
 * adding each vendor file's line to result.files and the first failure to
 * result.failure, with paths relative to `dir`.
 */
export async function checkVendors(dir: string, statement: AnyCertificateStatement, depth: number, result: CheckedBundle, verify: BundleVerifier): Promise<void> {
  const held = isStatementV2(statement) ? (statement.derivedArtifacts ?? []).filter((e) => e.disposition === 'held-by-vendor') : [];
  const vendors: VerifiedVendor[] = [];
  for (const entry of held) {
    const v = await checkVendor(dir, entry, statement.order.id, depth, result, verify);
    if (v) vendors.push(v);
  }
  if (held.length > 0) result.vendors = vendors;
  const root = join(dir, 'vendors');
  if (!(await isDirectory(root))) {
    if ((await stat(root).catch(() => undefined)) !== undefined) result.files.push({ file: 'vendors', status: 'ignored', detail: 'not a directory' });
    return;
  }
  const bound = new Set(held.map((e) => e.name));
  for (const n of (await readdir(root)).sort()) {
    if (!bound.has(n)) result.files.push({ file: `vendors/${n}`, status: 'ignored', detail: 'no held-by-vendor artifact of the statement names it' });
  }
}

async function checkVendor(dir: string, entry: DerivedArtifactEntry, ourOrderId: string, depth: number, result: CheckedBundle, verify: BundleVerifier): Promise<VerifiedVendor | undefined> {
  // entry.name is attacker controlled, but the statement's rules hold it to a-z 0-9 . _ - with a letter or digit
  // first (checkDerivedArtifacts): no '/', no '..', so the path stays inside vendors/.
  const at = `${vendorBundleDir(entry.name)}/`;
  const vd = join(dir, vendorBundleDir(entry.name));
  const vendor = entry.vendor!; // the statement's rules: a held-by-vendor entry has one
  const mismatch = (file: string, why: string) => {
    const error = new VerificationError('VENDOR_CERTIFICATE_MISMATCH', `${file}: ${why}`);
    result.files.push({ file, status: 'invalid', code: error.code, detail: why });
    result.failure ??= { file, error };
  };
  if (depth + 1 > MAX_VENDOR_DEPTH) return void mismatch(at, `vendors nest deeper than ${MAX_VENDOR_DEPTH}: this verifier follows them no further`);
  if (!(await isDirectory(vd))) return void mismatch(at, `is missing: the statement says ${entry.name} is held by a vendor, whose certificate bundle must be here`);
  // 1. The very bundle the statement binds, by the SHA-256 of its two files; only then is it worth verifying.
  const digests: string[] = [];
  for (const [f, want, what] of [['certificate.json', vendor.certificateSha256, 'binds'], ['trust.json', vendor.trustSha256, 'pins']] as const) {
    const bytes = await boundFile(join(vd, f));
    const got = bytes && sha256Hex(bytes);
    digests.push(got ?? '');
    if (got !== want) {
      mismatch(`${at}${f}`, bytes ? `has SHA-256 ${got}; the statement ${what} ${want}` : `is missing; the statement ${what} one with SHA-256 ${want}`);
      for (const n of (await readdir(vd)).sort()) if (n !== f) result.files.push({ file: `${at}${n}`, status: 'not checked', detail: 'not the vendor bundle the statement binds' });
      return undefined;
    }
  }
  // 2. A bundle of its own, its trust root pinned by the statement.
  const inner = await verify(vd, { trustSha256: vendor.trustSha256 }, depth + 1);
  result.files.push(...inner.files.map((f): FileReport => ({ ...f, file: `${at}${f.file}` })));
  if (inner.failure) {
    const file = `${at}${inner.failure.file}`;
    result.failure ??= { file, error: located(file, inner.failure.error, inner.failure.file) };
    return undefined;
  }
  // 3. Signed by the key, the certificate and for the order the statement names.
  const line = result.files.find((f) => f.file === `${at}certificate.json`)!;
  const s = inner.statement!;
  try {
    checkVendorBinding(entry, ourOrderId, { certificateSha256: digests[0]!, trustSha256: digests[1]!, keyid: inner.keyid!, certificateId: s.certificateId, orderReference: s.order.reference });
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    const error = located(line.file, e, vendorBundleDir(entry.name));
    Object.assign(line, { status: 'invalid', code: error.code, detail: error.message.slice(line.file.length + 2) });
    result.failure ??= { file: line.file, error };
    return undefined;
  }
  line.detail = `${line.detail ?? ''}; the vendor certificate the statement binds for ${entry.name}, for the vendor's order ${JSON.stringify(s.order.reference)}`;
  return { artifact: entry.name, dir: at, certificateId: s.certificateId, keyid: inner.keyid! };
}
