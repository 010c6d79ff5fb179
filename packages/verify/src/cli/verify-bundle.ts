// `verify --bundle DIR`: every file of a certificate bundle that is present
// (docs/FORMAT.md section 10), each with its own verdict. The certificate is
// checked first, with the keys the options and the bundle give
// (trust-input.ts); without it nothing else can be checked. Files the format
// does not define are listed as ignored. A held-by-vendor artifact's bundle,
// vendors/<name>/, is checked after the others, as a bundle of its own
// (verify-vendors.ts); then the receipt, against the trust root's log
// (verify-receipt.ts).
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AnyCertificateStatement,
  type ApprovalVerdict,
  canonicalize,
  isStatementV2,
  type ListName,
  parseCertificate,
  type Pin,
  type ResolvedTrust,
  VerificationError,
  verifyCertificate,
  verifyListFile,
  verifyObjectProof,
  verifyOrderFile,
  verifyTrusted,
  trustedKey,
  publicKeyFromPem,
  RECEIPT_FILE,
} from '../core/index.js';
import { verifyRecordsFile } from '../node/fast-verify.js';
import { nodeHasher } from '../node/merkle-hasher.js';
import { bundleTrustFiles, loadTrust, readInput, type TrustOptions, unreadable } from './trust-input.js';
import { CliExit, EXIT_USAGE } from './exit.js';
import { checkReceipt, type ReceiptOutcome } from './verify-receipt.js';
import { type CheckedBundle, checkVendors, type FileReport } from './verify-vendors.js';

export type { FileReport };

export interface BundleResult extends CheckedBundle {
  pinned: boolean;
  pin?: Pin;
  trustSha256?: string;
  /** The approvals checked against the trust root (absent without one). */
  approvalCheck?: ApprovalVerdict;
  /** What the receipt proved, or why it was not checked; absent with neither a receipt nor a log in the trust root, or when it failed. */
  receipt?: ReceiptOutcome;
}

const LISTS: readonly ListName[] = ['retained', 'exceptions', 'rescan'];
const KNOWN = new Set(['certificate.json', 'records.ndjson', 'order.json', 'trust.json', 'public-key.pem', 'proofs', 'vendors', RECEIPT_FILE, ...LISTS.map((l) => `${l}.ndjson`)]);

async function entriesOf(dir: string): Promise<Set<string>> {
  try {
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    return new Set(await readdir(dir));
  } catch (e) {
    throw unreadable('bundle', dir, e);
  }
}

/** `depth`: 0 for the bundle given, 1 for its vendors' bundles, and so on. */
export async function verifyBundle(dir: string, opts: TrustOptions, depth = 0): Promise<BundleResult> {
  const names = await entriesOf(dir);
  if (!names.has('certificate.json')) throw new CliExit(EXIT_USAGE, `verify: ${dir} has no certificate.json: it is not a certificate bundle`);
  const files: FileReport[] = [];
  const result: BundleResult = { files, pinned: false };
  const fail = (file: string, e: unknown) => {
    if (!(e instanceof VerificationError)) throw e;
    files.push({ file, status: 'invalid', code: e.code, detail: e.message });
    result.failure ??= { file, error: e };
  };
  const trustFiles = await bundleTrustFiles(dir, names);
  if (trustFiles.trustJson) result.trustSha256 = createHash('sha256').update(trustFiles.trustJson).digest('hex');
  let trust: ResolvedTrust;
  try {
    trust = await loadTrust(opts, trustFiles);
  } catch (e) {
    fail(names.has('trust.json') ? 'trust.json' : 'certificate.json', e);
    for (const n of [...names].sort()) if (n !== 'trust.json') files.push({ file: n, status: 'not checked', detail: 'no key to check it with' });
    return result;
  }
  const certificateBytes = await readInput(join(dir, 'certificate.json'), 'certificate');
  let statement: AnyCertificateStatement;
  try {
    const v = verifyTrusted(trust, (keys) => verifyCertificate(certificateBytes, keys));
    statement = v.statement;
    Object.assign(result, { statement, keyid: v.keyid, pinned: v.pinned, ...(v.pin ? { pin: v.pin } : {}), ...(v.approvalCheck ? { approvalCheck: v.approvalCheck } : {}) });
    files.push({ file: 'certificate.json', status: 'valid', detail: `certificate ${v.statement.certificateId}, version ${v.statement.version}, signed by key ${v.keyid}` });
  } catch (e) {
    fail('certificate.json', e);
    for (const n of [...names].sort()) if (n !== 'certificate.json') files.push({ file: n, status: 'not checked', detail: 'the certificate is not valid' });
    return result;
  }
  const check = async (file: string, run: () => Promise<string> | string) => {
    if (!names.has(file)) return;
    try {
      files.push({ file, status: 'valid', detail: await run() });
    } catch (e) {
      if (e instanceof VerificationError) fail(file, e);
      else throw e;
    }
  };
  await check('records.ndjson', async () => {
    const s = await verifyRecordsFile(statement, join(dir, 'records.ndjson'));
    return `${s.count} records, ${s.bytes} bytes, root ${statement.merkle.rootHash}`;
  });
  for (const list of LISTS) {
    const file = `${list}.ndjson`;
    if (!isStatementV2(statement)) {
      if (names.has(file)) files.push({ file, status: 'ignored', detail: 'a version 1 certificate holds this list in its statement' });
      continue;
    }
    const v2 = statement;
    await check(file, async () => {
      const n = verifyListFile(list, v2, await readInput(join(dir, file), file), { hasher: nodeHasher }).count;
      return `${n} ${n === 1 ? 'entry' : 'entries'}`;
    });
  }
  await check('order.json', async () => {
    const o = verifyOrderFile(await readInput(join(dir, 'order.json'), 'order.json'), statement);
    return `order ${JSON.stringify(o.reference)}${o.deadline ? `, deadline ${o.deadline}` : ''}, ${o.targets.length} target(s), ${o.holds} hold(s); its SHA-256 is order.sha256`;
  });
  if (trustFiles.trustJson) {
    const people = trust.bundleRoot?.approvalKeys.length ?? 0;
    const approvers = people > 0 ? ` and ${people} approval key(s) of people` : '';
    files.push({ file: 'trust.json', status: 'valid', detail: `${trust.bundleRoot?.certificateKeys.length ?? 0} certificate key(s)${approvers}; ${trust.keySource === 'bundle-root' ? 'the keys were taken from it' : 'checked against the pinned trust root'}` });
  }
  await check('public-key.pem', async () => {
    const key = trustedKey(publicKeyFromPem(Buffer.from(await readInput(join(dir, 'public-key.pem'), 'public key')).toString('utf8')));
    if (key.keyid !== result.keyid) throw new VerificationError('KEY_UNTRUSTED', `public-key.pem is key ${key.keyid}, not the key that signed (${result.keyid})`);
    return `the signing key ${key.keyid}`;
  });
  if (names.has('proofs')) await checkProofs(dir, trust, certificateBytes, files, fail);
  await checkVendors(dir, statement, depth, result, verifyBundle);
  const receipt = await checkReceipt(dir, names, trust.root, certificateBytes, statement, files, fail);
  if (receipt) result.receipt = receipt;
  for (const n of [...names].sort()) if (!KNOWN.has(n)) files.push({ file: n, status: 'ignored', detail: 'not a file of a certificate bundle' });
  return result;
}

/** proofs/*.json: each a per-object proof that carries exactly this certificate. */
async function checkProofs(dir: string, trust: ResolvedTrust, certificateBytes: Uint8Array, files: FileReport[], fail: (file: string, e: unknown) => void): Promise<void> {
  const proofsDir = join(dir, 'proofs');
  const ours = canonicalize(parseCertificate(certificateBytes));
  for (const name of [...(await entriesOf(proofsDir))].sort()) {
    const file = `proofs/${name}`;
    if (!name.endsWith('.json')) {
      files.push({ file, status: 'ignored', detail: 'not a .json file' });
      continue;
    }
    const bytes = await readInput(join(proofsDir, name), file);
    try {
      const v = verifyTrusted(trust, (keys) => verifyObjectProof(bytes, keys, { hasher: nodeHasher }));
      if (canonicalize(v.proof.certificate) !== ours) throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', 'the proof carries another certificate than certificate.json');
      files.push({ file, status: 'valid', detail: `${v.list} leaf ${v.entry.index}: ${v.entry.target}:${v.entry.locator}` });
    } catch (e) {
      fail(file, e);
    }
  }
}
