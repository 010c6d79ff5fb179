// Vendor chaining (docs/ORDERS.md "Derived artifacts"): a vendor who held a
// copy of the data runs its own deletion and sends its own certificate
// bundle. The server checks it the way a regulator would, against the trust
// root the vendor is pinned to here (registered on the server's machine,
// `shredproof vendor add`), and against this order: its certificate must be
// for an order whose reference names ours. Accepted, the bundle is kept with
// the order and becomes the evidence of a `held-by-vendor` disposition;
// finalize copies it into our bundle as vendors/<artifact>/, and our signed
// statement binds it by SHA-256 (docs/FORMAT.md section 5.10).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACT_NAME_RE,
  ARTIFACT_NAME_RULE,
  checkVendorBinding,
  type DerivedArtifactEntry,
  isStatementV2,
  LIST_NAMES,
  parseTrustRoot,
  RECEIPT_FILE,
  referenceNames,
  resolveTrust,
  ValidationError,
  VerificationError,
  vendorBundleDir,
  type VendorEvidence,
  verifyCertificate,
  verifyListFile,
  verifyOrderFile,
  verifyTrusted,
} from '@shredproof/verify';
import { verifyRecordsFile } from '@shredproof/verify/node';
import type { EngineDeps } from './deps.js';
import { openArtifact } from './dispositions.js';
import { appendToLog } from './transparency-log.js';
import { NotFoundError, RuleError } from './errors.js';
import { type PlannedArtifact, plannedArtifacts } from './plan-targets.js';
import type { VendorRow } from './ports/artifacts.js';

type VendorDeps = Pick<EngineDeps, 'ledger' | 'clock' | 'dataDir'>;

/** The files of a vendor bundle the server accepts; only certificate.json and trust.json are required. */
export const VENDOR_BUNDLE_FILES = ['certificate.json', 'records.ndjson', ...LIST_NAMES.map((l) => `${l}.ndjson`), 'order.json', 'trust.json', 'public-key.pem', RECEIPT_FILE] as const;
const VENDOR_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._&-]{0,199}$/;
/** How deep vendors of vendors are followed (docs/FORMAT.md section 5.10). */
const MAX_DEPTH = 4;
/**
 * How many levels of vendors/ a vendor's bundle may carry: ours carries it as vendors/<artifact>/, one level
 * more, and verifiers follow MAX_DEPTH levels (verifyVendorBundle refuses a deeper one).
 */
export const MAX_VENDOR_LEVELS = MAX_DEPTH - 1;
const VENDORS = 'vendors';

/** What a vendor's certificate says of its own run, kept with the artifact (PlannedArtifact.vendorStatus). */
export type VendorStatus = NonNullable<PlannedArtifact['vendorStatus']>;

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The paths vendorBundlePathProblem takes, as one regular expression's source (for the API's document). */
export const VENDOR_BUNDLE_PATH_PATTERN = `^(${VENDORS}/${ARTIFACT_NAME_RE.source.slice(1, -1)}/){0,${MAX_VENDOR_LEVELS}}(${VENDOR_BUNDLE_FILES.map(literal).join('|')})$`;

/**
 * The problem with `path` as the place of a file in a vendor's bundle, or
 * undefined when it is one: a file of VENDOR_BUNDLE_FILES, under at most
 * MAX_VENDOR_LEVELS directories vendors/<artifact>/ (docs/FORMAT.md section
 * 10). The path is attacker controlled (an API parameter; names in a
 * directory): every segment is checked against what it must be, so that no
 * path names anything outside the bundle.
 */
export function vendorBundlePathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.includes('\\')) return 'has a backslash: separate directories with /';
  if (path.startsWith('/')) return 'is absolute: give the path inside the bundle, such as vendors/<artifact>/certificate.json';
  const parts = path.split('/');
  if (parts.includes('..')) return 'has a .. segment: a path stays inside the bundle';
  if (parts.includes('')) return 'has an empty segment: no // and no / at the end';
  const file = parts.pop()!;
  for (let i = 0; i < parts.length; i += 2) {
    const under = parts.slice(0, i).join('/');
    if (parts[i] !== VENDORS) return `has the directory ${JSON.stringify(parts[i])}${under ? ` in ${under}/` : ''}: the only directories of a bundle are ${VENDORS}/<artifact>/`;
    const name = parts[i + 1];
    if (name === undefined) return `has ${parts.join('/')}/ with no artifact's directory in it: a vendor's bundle is in ${VENDORS}/<artifact>/`;
    if (!ARTIFACT_NAME_RE.test(name)) return `has ${JSON.stringify(name)} in ${parts.slice(0, i + 1).join('/')}/, not an artifact name (${ARTIFACT_NAME_RULE})`;
  }
  const levels = parts.length / 2;
  if (levels > MAX_VENDOR_LEVELS) {
    return `nests ${VENDORS}/ ${levels} levels deep, at most ${MAX_VENDOR_LEVELS}: our certificate carries the bundle as ${VENDORS}/<artifact>/, and verifiers follow vendors ${MAX_DEPTH} levels deep`;
  }
  if (!(VENDOR_BUNDLE_FILES as readonly string[]).includes(file)) return `names ${JSON.stringify(file)}, not a file of a certificate bundle: one of ${VENDOR_BUNDLE_FILES.join(', ')}`;
  return undefined;
}

/** What `path` is, following links; 'other' for anything else, a dangling link included. */
function kindOf(path: string): 'file' | 'dir' | 'other' {
  try {
    const s = statSync(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'other';
  }
}

/**
 * The files of the bundle in `dir` that a vendor's bundle may have (each a
 * path vendorBundlePathProblem takes: VENDOR_BUNDLE_FILES in that order, then
 * each vendors/<artifact>/ by name, recursively), and everything else in it,
 * each named once (a directory with its /) and never entered: a directory
 * given by mistake is not walked whole.
 */
export function vendorBundleEntries(dir: string): { files: string[]; others: string[] } {
  const files: string[] = [];
  const others: string[] = [];
  const walk = (prefix: string, levels: number) => {
    const names = readdirSync(join(dir, prefix)).sort();
    const ours = VENDOR_BUNDLE_FILES.filter((f) => names.includes(f) && kindOf(join(dir, prefix, f)) === 'file');
    files.push(...ours.map((f) => prefix + f));
    for (const n of names) {
      if ((ours as string[]).includes(n)) continue;
      const kind = kindOf(join(dir, prefix, n));
      if (n !== VENDORS || kind !== 'dir' || levels >= MAX_VENDOR_LEVELS) {
        others.push(`${prefix}${n}${kind === 'dir' ? '/' : ''}`);
        continue;
      }
      for (const v of readdirSync(join(dir, prefix, n)).sort()) {
        const at = `${prefix}${n}/${v}`;
        const vkind = kindOf(join(dir, at));
        if (vkind === 'dir' && ARTIFACT_NAME_RE.test(v)) walk(`${at}/`, levels + 1);
        else others.push(`${at}${vkind === 'dir' ? '/' : ''}`);
      }
    }
  };
  walk('', 0);
  return { files, others };
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Pins a vendor to its trust root (its trust.json, exactly as the vendor publishes it), audited. */
export function addVendor(deps: Pick<EngineDeps, 'ledger' | 'clock'>, input: { name: string; trustJson: string }, actor: string): VendorRow {
  const problems = [];
  if (!VENDOR_NAME.test(input.name)) problems.push({ path: '$.name', problem: 'must be 1-200 characters: letters, digits, spaces and . _ & - (not first)' });
  else if (deps.ledger.artifacts.vendor(input.name)) problems.push({ path: '$.name', problem: `a vendor named ${input.name} is registered already` });
  try {
    parseTrustRoot(input.trustJson, "the vendor's trust root");
  } catch (e) {
    problems.push({ path: '$.trust', problem: e instanceof Error ? e.message : String(e) });
  }
  if (problems.length > 0) throw new ValidationError('invalid vendor', problems);
  const at = deps.clock.now().toISOString();
  return deps.ledger.atomically(() => {
    const row = deps.ledger.artifacts.addVendor({ name: input.name, trustJson: input.trustJson, trustSha256: sha256(Buffer.from(input.trustJson, 'utf8')), addedAt: at, addedBy: actor });
    deps.ledger.access.appendAudit({ at, actor, action: 'vendor.add', detail: `vendor ${row.name} pinned to trust root ${row.trustSha256}` });
    return row;
  });
}

/** Where an order keeps the vendor bundles it accepted, one directory per artifact. */
export function vendorBundlesDir(dataDir: string, orderId: string): string {
  return join(dataDir, 'vendor-bundles', orderId);
}

/** One accepted vendor bundle, named by the SHA-256 of its certificate.json: what the order's evidence binds. */
export function vendorEvidenceDir(dataDir: string, orderId: string, artifact: string, certificateSha256: string): string {
  return join(vendorBundlesDir(dataDir, orderId), artifact, certificateSha256);
}

/**
 * Verifies a certificate bundle in `dir` as a regulator would, with its
 * trust.json pinned by `trustSha256`: the certificate (and its signing key's
 * window and approvals, against that trust root), order.json, the lists, the
 * records, and its own vendors, recursively. Returns the facts checkVendorBinding
 * holds against the entry that binds it, and what the certificate says of the
 * vendor's run. Throws VerificationError with the file's path in the message.
 */
export async function verifyVendorBundle(
  dir: string,
  trustSha256: string,
  depth = 0,
): Promise<{ facts: Parameters<typeof checkVendorBinding>[2]; statementOrderId: string; status: VendorStatus }> {
  const at = (f: string) => join(dir, f);
  const read = (f: string) => readFileSync(at(f));
  // A vendor's bundle is checked whole: every file of a version 2 bundle but public-key.pem and order.json (checked when there).
  for (const f of ['certificate.json', 'trust.json', 'records.ndjson', ...LIST_NAMES.map((l) => `${l}.ndjson`)]) {
    if (!existsSync(at(f))) throw new VerificationError('VENDOR_CERTIFICATE_MISMATCH', `${f} is missing from the vendor's bundle`);
  }
  const where = (f: string, e: unknown) =>
    e instanceof VerificationError ? new VerificationError(e.code, `${f}: ${e.message}`, { cause: e }) : e;
  const certificateBytes = read('certificate.json');
  const trustBytes = read('trust.json');
  let verified;
  try {
    verified = verifyTrusted(resolveTrust({ bundleRoot: trustBytes, trustSha256 }), (keys) => verifyCertificate(certificateBytes, keys));
  } catch (e) {
    throw where('certificate.json', e);
  }
  const { statement, keyid } = verified;
  if (!isStatementV2(statement)) throw new VerificationError('VENDOR_CERTIFICATE_MISMATCH', 'certificate.json: a vendor certificate must be of version 2');
  try {
    if (existsSync(at('order.json'))) verifyOrderFile(read('order.json'), statement);
  } catch (e) {
    throw where('order.json', e);
  }
  for (const list of LIST_NAMES) {
    try {
      verifyListFile(list, statement, read(`${list}.ndjson`));
    } catch (e) {
      throw where(`${list}.ndjson`, e);
    }
  }
  try {
    await verifyRecordsFile(statement, at('records.ndjson'));
  } catch (e) {
    throw where('records.ndjson', e);
  }
  for (const entry of statement.derivedArtifacts ?? []) {
    if (entry.disposition !== 'held-by-vendor' || !entry.vendor) continue;
    if (depth + 1 >= MAX_DEPTH) throw new VerificationError('VENDOR_CERTIFICATE_MISMATCH', `${vendorBundleDir(entry.name)}/: vendors nest deeper than ${MAX_DEPTH}`);
    await checkVendorDir(join(dir, vendorBundleDir(entry.name)), entry, statement.order.id, depth + 1);
  }
  const c = statement.completeness;
  return {
    facts: { certificateSha256: sha256(certificateBytes), trustSha256: sha256(trustBytes), keyid, certificateId: statement.certificateId, orderReference: statement.order.reference },
    statementOrderId: statement.order.id,
    // Only the members the statement's schema fixes, as they are (verifyCertificate validated them).
    status: { status: statement.status, completeness: { planned: c.planned, destroyed: c.destroyed, retained: c.retained, exceptions: c.exceptions } },
  };
}

/** A held-by-vendor entry's bundle in `dir`: verified, then bound to the entry (docs/FORMAT.md section 5.10). */
export async function checkVendorDir(dir: string, entry: DerivedArtifactEntry, ourOrderId: string, depth = 0): Promise<void> {
  if (!existsSync(dir)) throw new VerificationError('VENDOR_CERTIFICATE_MISMATCH', `${vendorBundleDir(entry.name)}/ is missing: the statement says ${entry.name} is held by a vendor, whose certificate must come with it`);
  // The files our statement binds first (VENDOR_CERTIFICATE_MISMATCH), then the bundle they make (docs/FORMAT.md section 5.10).
  for (const [file, want] of [['certificate.json', entry.vendor!.certificateSha256], ['trust.json', entry.vendor!.trustSha256]] as const) {
    const got = existsSync(join(dir, file)) ? sha256(readFileSync(join(dir, file))) : 'none (the file is missing)';
    if (got !== want) throw new VerificationError('VENDOR_CERTIFICATE_MISMATCH', `${vendorBundleDir(entry.name)}/${file} has SHA-256 ${got}; the statement binds ${want}`);
  }
  let facts;
  try {
    ({ facts } = await verifyVendorBundle(dir, entry.vendor!.trustSha256, depth));
  } catch (e) {
    // Its messages start with the file's path in its bundle: here, in ours (vendors/<name>/records.ndjson: ...).
    throw e instanceof VerificationError ? new VerificationError(e.code, `${vendorBundleDir(entry.name)}/${e.message}`, { cause: e }) : e;
  }
  checkVendorBinding(entry, ourOrderId, facts);
}

/** attachVendorCertificateWithStatus, for a caller that needs only the evidence (the demo attaches from disk). */
export async function attachVendorCertificate(deps: VendorDeps, orderId: string, name: string, dir: string, actor: string): Promise<VendorEvidence> {
  return (await attachVendorCertificateWithStatus(deps, orderId, name, dir, actor)).evidence;
}

/**
 * Attaches a vendor's certificate bundle (the files in `dir`, its vendors'
 * bundles in vendors/ included) to an order's artifact at that vendor: the
 * artifact is the plan's and at a vendor; the vendor is registered here, and
 * the bundle's trust.json is the one it is pinned to; the bundle verifies;
 * its order's reference names ours. Then the bundle is kept with the order,
 * its digests recorded (the evidence our statement binds) and what it says of
 * the vendor's run (vendorStatus, shown to the approver, never certified),
 * audited. VENDOR_CERTIFICATE_REFUSED naming what failed; nothing changes then.
 */
export async function attachVendorCertificateWithStatus(
  deps: VendorDeps,
  orderId: string,
  name: string,
  dir: string,
  actor: string,
): Promise<{ evidence: VendorEvidence; vendorStatus: VendorStatus }> {
  const order = deps.ledger.getOrder(orderId);
  if (!order) throw new NotFoundError(`no order ${orderId}`);
  const artifact = openArtifact(order, name);
  const refuse = (why: string) => new RuleError('VENDOR_CERTIFICATE_REFUSED', `the vendor certificate for ${name} is refused: ${why}`);
  if (!('vendor' in artifact.location)) throw refuse('the artifact is not at a vendor'); // openArtifact saw to it
  const vendorName = artifact.location.vendor;
  const vendor = deps.ledger.artifacts.vendor(vendorName);
  if (!vendor) throw refuse(`no vendor named ${JSON.stringify(vendorName)} is registered: pin it to its trust root first (shredproof vendor add --name ${JSON.stringify(vendorName)} --trust FILE)`);
  const unknown = vendorBundleEntries(dir).others;
  if (unknown.length > 0) throw refuse(`the bundle has files a certificate bundle does not: ${unknown.join(', ')}`);
  if (!existsSync(join(dir, 'trust.json'))) throw refuse('the bundle has no trust.json');
  const got = sha256(readFileSync(join(dir, 'trust.json')));
  if (got !== vendor.trustSha256) {
    throw refuse(`its trust.json (SHA-256 ${got}) is not the trust root ${vendorName} is pinned to (${vendor.trustSha256}): another key, or a changed trust root; if the vendor changed it, pin the new one knowingly`);
  }
  let facts;
  let vendorStatus: VendorStatus;
  try {
    ({ facts, status: vendorStatus } = await verifyVendorBundle(dir, vendor.trustSha256));
  } catch (e) {
    if (e instanceof VerificationError) throw refuse(`it does not verify: ${e.code}: ${e.message}`);
    throw e;
  }
  if (!referenceNames(facts.orderReference, orderId)) {
    throw refuse(`it certifies the vendor's order ${JSON.stringify(facts.orderReference)}, whose reference does not name ours (${orderId}): it covers another scope`);
  }
  const evidence: VendorEvidence = { name: vendorName, certificateId: facts.certificateId, certificateSha256: facts.certificateSha256, keyid: facts.keyid, trustSha256: facts.trustSha256 };
  // Kept under the certificate's own digest: a second attach, or finalize copying the evidence meanwhile, never
  // sees files that disagree with the digests the order records (a directory, once written, is never rewritten).
  const keep = vendorEvidenceDir(deps.dataDir, orderId, name, evidence.certificateSha256);
  if (!existsSync(keep)) {
    const staging = `${keep}.${process.pid}-${Date.now()}.tmp`;
    mkdirSync(staging, { recursive: true });
    cpSync(dir, staging, { recursive: true });
    renameSync(staging, keep);
  }
  const at = deps.clock.now().toISOString();
  deps.ledger.atomically(() => {
    const now = deps.ledger.getOrder(orderId)!;
    openArtifact(now, name);
    // A new certificate replaces the old one, and any held-by-vendor decision made over the old one.
    const derived = plannedArtifacts(now).map((a) => {
      if (a.artifact !== name) return a;
      const { disposition, ...rest } = a;
      return disposition?.disposition === 'held-by-vendor' ? { ...rest, vendorEvidence: evidence, vendorStatus } : { ...a, vendorEvidence: evidence, vendorStatus };
    });
    deps.ledger.patch(orderId, { derived: JSON.stringify(derived) }, at);
    const { status, completeness: n } = vendorStatus;
    const run = `${status}: planned ${n.planned}, destroyed ${n.destroyed}, retained ${n.retained}, exceptions ${n.exceptions}`;
    deps.ledger.access.appendAudit({ at, actor, action: 'order.vendor-certificate', orderId, detail: `${name}: certificate ${evidence.certificateId} of ${vendorName}, key ${evidence.keyid}, SHA-256 ${evidence.certificateSha256}, ${run}` });
    const { certificateId, certificateSha256, trustSha256, keyid } = evidence;
    appendToLog(deps.ledger, [{ event: { type: 'vendor-certificate', orderId, artifact: name, vendor: evidence.name, certificateId, certificateSha256, trustSha256, keyid } }], at);
  });
  return { evidence, vendorStatus };
}
