// The vendors' own bundles (docs/FORMAT.md section 5.10), in the worker,
// after every other file of the bundle: each held-by-vendor artifact's
// evidence is the vendor's certificate bundle in vendors/<artifact>/. It is
// verified as a bundle of its own, recursively (a vendor may have vendors,
// to a depth of four), with its trust.json pinned by the SHA-256 our signed
// statement gives; then the core's checkVendorBinding holds its certificate
// to the one our statement names. Every failure is reported with its path:
// VENDOR_CERTIFICATE_MISMATCH, or the vendor bundle's own code.
import {
  type CertificateStatementV2,
  checkVendorBinding,
  type DerivedArtifactEntry,
  isStatementV2,
  isVerificationError,
  VerificationError,
  vendorBundleDir,
} from '@shredproof/verify';
import { Run } from './bundle-run.js';
import { readBytes, sha256Hex } from './job-io.js';
import { MAX_VENDOR_DEPTH, type VendorBundleInput, type VendorShown } from './protocol.js';

const mismatch = (why: string) => new VerificationError('VENDOR_CERTIFICATE_MISMATCH', why);

const digestOf = async (file: File | undefined, what: string): Promise<string | undefined> => (file ? sha256Hex(await readBytes(file, what)) : undefined);

/**
 * The bytes our statement binds, compared before anything is read from
 * them: the vendor's trust.json is pinned by its SHA-256 (section 5.8), and
 * a certificate.json of other bytes is not the vendor's certificate we name,
 * however well it verifies. The file that differs, and why; or nothing.
 */
function bytesMismatch(e: DerivedArtifactEntry, certificateSha256: string | undefined, trustSha256: string | undefined): [string, VerificationError] | undefined {
  const v = e.vendor!;
  if (certificateSha256 === undefined) return ['certificate.json', mismatch(`missing; the statement binds the vendor's certificate ${v.certificateId} of SHA-256 ${v.certificateSha256}`)];
  if (certificateSha256 !== v.certificateSha256) return ['certificate.json', mismatch(`has SHA-256 ${certificateSha256}; the statement binds ${v.certificateSha256}`)];
  if (trustSha256 === undefined) return ['trust.json', mismatch(`missing; the statement pins the vendor's trust root by SHA-256 ${v.trustSha256}`)];
  if (trustSha256 !== v.trustSha256) return ['trust.json', mismatch(`has SHA-256 ${trustSha256}; the statement pins ${v.trustSha256}`)];
  return undefined;
}

/**
 * The rest of section 5.10's binding, once the vendor's bundle verified: its
 * certificate was signed by the key our statement names, is the certificate
 * it names, and is for an order whose reference names ours. The message
 * without the folder's name: the page reports it with the file's path.
 */
function checkBinding(inner: Run, e: DerivedArtifactEntry, s: CertificateStatementV2, digests: { certificateSha256: string; trustSha256: string }): VerificationError | undefined {
  const theirs = inner.statement!;
  try {
    checkVendorBinding(e, s.order.id, { ...digests, keyid: inner.facts.signer!.keyid, certificateId: theirs.certificateId, orderReference: theirs.order.reference });
    return undefined;
  } catch (err) {
    if (!isVerificationError(err)) throw err;
    const where = `${vendorBundleDir(e.name)}: `;
    return new VerificationError(err.code, err.message.startsWith(where) ? err.message.slice(where.length) : err.message, { cause: err });
  }
}

async function checkVendor(run: Run, s: CertificateStatementV2, e: DerivedArtifactEntry, given: VendorBundleInput | undefined, check: (inner: Run) => Promise<void>): Promise<void> {
  const dir = `${vendorBundleDir(e.name)}/`;
  const shown: VendorShown = { artifact: e.name, dir: run.prefix + dir, status: 'verified' };
  run.vendors.push(shown);
  const failed = (status: VendorShown['status'], file: string, error: VerificationError) => {
    run.fail(file, error);
    Object.assign(shown, { status, code: error.code, file: run.prefix + file });
  };
  if (run.depth >= MAX_VENDOR_DEPTH) {
    failed('invalid', dir, mismatch(`vendors nest deeper than ${MAX_VENDOR_DEPTH}: a vendor’s bundle this deep is not checked (docs/FORMAT.md section 5.10)`));
    return;
  }
  if (!given) {
    failed('missing', dir, mismatch(`missing: the statement says ${e.name} is held by a vendor, whose own certificate bundle must be here; nothing shows the vendor destroyed it`));
    return;
  }
  const b = given.bundle;
  const [certificateSha256, trustSha256] = [await digestOf(b.certificate, 'vendor’s certificate'), await digestOf(b.trust, 'vendor’s trust.json')];
  const inner = new Run(b, { trustSha256: e.vendor!.trustSha256 }, run.prefix + dir, run.depth + 1);
  // 1. The very bundle the statement binds, by the SHA-256 of its two files; only then is it worth verifying.
  const wrong = bytesMismatch(e, certificateSha256, trustSha256);
  if (wrong) {
    inner.fail(...wrong);
    inner.notCheckedRest(wrong[0], 'not the vendor’s bundle the certificate binds');
  } else {
    // 2. A bundle of its own, its trust.json pinned by our statement; 3. then signed by the key, the certificate and for the order it names.
    await check(inner);
    const unbound = inner.failure ? undefined : checkBinding(inner, e, s, { certificateSha256: certificateSha256!, trustSha256: trustSha256! });
    if (unbound) inner.failLater('certificate.json', unbound);
    const row = inner.failure ? undefined : inner.files.find((r) => r.file === `${inner.prefix}certificate.json`);
    if (row) row.detail = `${row.detail ?? ''}; the vendor’s certificate this certificate binds for ${e.name}, for the vendor’s order ${JSON.stringify(inner.statement!.order.reference)}`;
  }
  run.adopt(inner);
  if (inner.failure) Object.assign(shown, { status: 'invalid', code: inner.failure.error.code, file: inner.failure.file });
  else run.checked.push(`the vendor’s bundle ${shown.dir} (certificate ${e.vendor!.certificateId})`);
}

/**
 * Each held-by-vendor artifact of the verified statement, in its order,
 * against its folder in vendors/; a folder that no such artifact names is
 * listed as ignored, being no one's evidence.
 */
export async function checkVendors(run: Run, check: (inner: Run) => Promise<void>): Promise<void> {
  const s = run.statement;
  const v2 = s && isStatementV2(s) ? s : undefined;
  const held = (v2?.derivedArtifacts ?? []).filter((e) => e.disposition === 'held-by-vendor');
  for (const e of held) await checkVendor(run, v2!, e, run.bundle.vendors.find((v) => v.artifact === e.name), check);
  for (const v of run.bundle.vendors) {
    if (held.some((e) => e.name === v.artifact)) continue;
    if (s) run.note(`vendors/${v.artifact}`, 'ignored', 'no held-by-vendor artifact of the statement names it');
    else run.note(`vendors/${v.artifact}`, 'not checked', 'no certificate verified to say whose evidence it is');
  }
}
