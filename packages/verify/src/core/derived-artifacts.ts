// The certificate's derived section (docs/FORMAT.md section 5.10): each
// artifact derived from the ordered data (a model, embeddings, a cache, a
// vendor's copy), its lineage back to the data, and what became of it. A
// version 2 statement may carry it as `derivedArtifacts`; certificates issued
// before it existed have none (and their `derived[]` is free text, proving
// nothing).
//
// What a verifier can check here is the statement's own consistency: every
// lineage starts at one of the order's targets and runs through artifacts
// the section lists; a destroyed artifact names the target whose records
// (section 3) are its objects, so the record checks and the per-target sums
// cover it like any target.
import { tryBase64Decode } from './bytes.js';
import { VerificationError } from './errors.js';
import { PERSON_NAME_RE } from './person.js';
import type { Checker } from './validate.js';

/**
 * not-in-plan: derived from the ordered data by the registry as it stood at
 * the certificate, but registered after the plan: this order did not reach
 * it, and says so (as the re-scan reports unplanned objects); a new order must.
 */
export const DISPOSITIONS = ['destroyed', 'retained-with-justification', 'held-by-vendor', 'not-in-plan'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** The prefix of a derived artifact's target name; no other target name has it. */
export const DERIVED_TARGET_PREFIX = 'derived:';

/** A vendor's certificate bundle, bound into ours (vendors/<name>/ in the bundle, section 10). */
export interface VendorEvidence {
  /** The vendor, as the artifact's registration names it. */
  name: string;
  certificateId: string;
  /** SHA-256 of the vendor's certificate.json bytes. */
  certificateSha256: string;
  /** The key id that signed the vendor's certificate. */
  keyid: string;
  /** SHA-256 of the vendor's trust.json bytes: our signed statement pins the vendor's trust root. */
  trustSha256: string;
}

/** An approver's signature over a disposition (section 5.10), made with their own key as an approval is (section 5.9). */
export interface DispositionSignature {
  person: string;
  keyid: string;
  signedAt: string;
  signature: string;
}

export interface DerivedArtifactEntry {
  name: string;
  /** model, checkpoint, embeddings, vector-index, feature-table, cache, export, vendor-copy. */
  kind: string;
  description: string;
  /** From the order's data to this artifact: one of the order's targets, then each artifact in turn, this one last. */
  lineage: string[];
  disposition: Disposition;
  /**
   * The target (`derived:<name>`) that lists the artifact's objects: for
   * destroyed, its records; for an artifact the plan found here and an
   * approver retained before execution, its entries of retained.ndjson.
   */
  target?: string;
  /** retained-with-justification: why, in the approver's words. */
  justification?: string;
  /** held-by-vendor: the vendor's own certificate. */
  vendor?: VendorEvidence;
  /** Every disposition but destroyed: the approver who decided it, signed. */
  signedBy?: DispositionSignature;
}

/**
 * An artifact's name: 1-100 lowercase letters, digits and . _ - (not first).
 * It is a directory's name in a bundle (vendors/<name>/, section 10) and a
 * segment of a URL, so it holds no '/' and is never '.' or '..': whoever
 * makes a path of a name read from an unverified statement checks it first.
 */
export const ARTIFACT_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,99}$/;
/** ARTIFACT_NAME_RE in words, for messages. */
export const ARTIFACT_NAME_RULE = '1-100 characters: lowercase letters, digits, and . _ - not first';

function checkVendor(c: Checker, v: unknown, at: string): void {
  const o = c.object(v, at);
  if (!o) return;
  c.string(o.name, `${at}.name`, { max: 200 });
  c.string(o.certificateId, `${at}.certificateId`, { max: 200 });
  c.hex(o.certificateSha256, `${at}.certificateSha256`, 32);
  c.hex(o.keyid, `${at}.keyid`, 32);
  c.hex(o.trustSha256, `${at}.trustSha256`, 32);
}

function checkSignedBy(c: Checker, v: unknown, at: string): void {
  const o = c.object(v, at);
  if (!o) return;
  c.string(o.person, `${at}.person`, { pattern: PERSON_NAME_RE });
  c.hex(o.keyid, `${at}.keyid`, 32);
  c.time(o.signedAt, `${at}.signedAt`);
  const sig = typeof o.signature === 'string' ? tryBase64Decode(o.signature) : undefined;
  if (!sig || sig.length !== 64) c.add(`${at}.signature`, 'must be the base64 of a 64-byte Ed25519 signature');
}

/**
 * Field problems of `derivedArtifacts` against the statement's targets.
 * Returns the entries when their shape holds (for the caller's own use).
 */
export function checkDerivedArtifacts(c: Checker, value: unknown, targets: ReadonlyArray<{ name: string; destroyed: { count: number } }>): DerivedArtifactEntry[] | undefined {
  const targetNames = targets.map((t) => t.name);
  const list = c.array(value, '$.derivedArtifacts');
  if (!list) return undefined;
  const before = c.problems.length;
  const names = new Map<string, number>();
  list.forEach((v, i) => {
    const at = `$.derivedArtifacts[${i}]`;
    const o = c.object(v, at);
    if (!o) return;
    const name = c.string(o.name, `${at}.name`, { pattern: ARTIFACT_NAME_RE });
    c.string(o.kind, `${at}.kind`, { max: 50 });
    c.string(o.description, `${at}.description`, { max: 2000 });
    c.literal(o.disposition, `${at}.disposition`, DISPOSITIONS);
    const lineage = c.stringArray(o.lineage, `${at}.lineage`);
    if (lineage && lineage.length < 2) c.add(`${at}.lineage`, 'must run from one of the order\'s targets to this artifact: two names at least');
    if (name !== undefined) {
      const first = names.get(name);
      if (first !== undefined) c.add(`${at}.name`, `repeats $.derivedArtifacts[${first}].name ${name}`);
      else names.set(name, i);
    }
    const only = (member: string, when: Disposition) => {
      if (o[member] !== undefined && o.disposition !== when) c.add(`${at}.${member}`, `is only for a ${when} artifact, not ${String(o.disposition)}`);
    };
    only('justification', 'retained-with-justification');
    only('vendor', 'held-by-vendor');
    const want = `${DERIVED_TARGET_PREFIX}${String(o.name)}`;
    if (o.target !== undefined && o.disposition !== 'destroyed' && o.disposition !== 'retained-with-justification') {
      c.add(`${at}.target`, `is only for a destroyed or retained-with-justification artifact, not ${String(o.disposition)}`);
    } else if (o.disposition === 'destroyed' || o.target !== undefined) {
      // A retained artifact names a target only when the plan found its objects here: all of them are then kept.
      const target = targets.find((t) => t.name === want);
      if (o.target !== want) c.add(`${at}.target`, `must be ${JSON.stringify(want)}: the target that lists its objects`);
      else if (!target) c.add(`${at}.target`, `names no target of the statement (${want})`);
      else if (o.disposition === 'retained-with-justification' && target.destroyed.count !== 0) {
        c.add(`${at}.target`, `${want} destroyed ${target.destroyed.count} object(s) of an artifact retained whole`);
      }
    }
    if (o.disposition === 'destroyed') {
      if (o.signedBy !== undefined) c.add(`${at}.signedBy`, 'is only for a disposition an approver decided; destroyed is the order\'s own');
    } else if (o.disposition === 'not-in-plan') {
      if (o.signedBy !== undefined) c.add(`${at}.signedBy`, 'is only for a disposition an approver decided; not-in-plan is a report');
    } else if (o.disposition === 'retained-with-justification' || o.disposition === 'held-by-vendor') {
      if (o.disposition === 'retained-with-justification') c.string(o.justification, `${at}.justification`, { max: 5000 });
      else checkVendor(c, o.vendor, `${at}.vendor`);
      checkSignedBy(c, o.signedBy, `${at}.signedBy`);
    }
  });
  if (c.problems.length > before) return undefined;
  const entries = list as DerivedArtifactEntry[];
  const own = targetNames.filter((t) => !t.startsWith(DERIVED_TARGET_PREFIX));
  entries.forEach((e, i) => {
    const at = `$.derivedArtifacts[${i}].lineage`;
    if (!own.includes(e.lineage[0]!)) c.add(`${at}[0]`, `${JSON.stringify(e.lineage[0])} is not one of the order's own targets (${own.join(', ')})`);
    if (e.lineage[e.lineage.length - 1] !== e.name) c.add(`${at}`, `must end with the artifact itself, ${e.name}`);
    e.lineage.slice(1, -1).forEach((step, k) => {
      if (!names.has(step)) c.add(`${at}[${k + 1}]`, `${JSON.stringify(step)} is not an artifact of this section`);
    });
    if (new Set(e.lineage).size !== e.lineage.length) c.add(at, 'names one step twice: lineage cannot be a cycle');
  });
  // Every derived target is some listed artifact's (destroyed or retained): none certifies objects of an artifact the section does not list.
  for (const t of targetNames) {
    if (t.startsWith(DERIVED_TARGET_PREFIX) && !entries.some((e) => e.target === t)) c.add('$.targets', `target ${t} is no artifact's of $.derivedArtifacts`);
  }
  return c.problems.length > before ? undefined : entries;
}

/** Where a bundle carries a held-by-vendor artifact's evidence: the vendor's own bundle (section 10). */
export function vendorBundleDir(artifact: string): string {
  return `vendors/${artifact}`;
}

/** Characters an order id is made of: a reference names an order only where none of them is next to it. */
const ID_CHAR = /[A-Za-z0-9._-]/;

/**
 * Whether a vendor order's `reference` names our order: it contains our id as
 * a whole word, not inside a longer id (`ord-1` is not named by `ord-12`).
 */
export function referenceNames(reference: string, orderId: string): boolean {
  for (let at = reference.indexOf(orderId); at !== -1; at = reference.indexOf(orderId, at + 1)) {
    const before = reference[at - 1];
    const after = reference[at + orderId.length];
    if ((before === undefined || !ID_CHAR.test(before)) && (after === undefined || !ID_CHAR.test(after))) return true;
  }
  return false;
}

/** What a verifier read and verified of a vendor's bundle, to hold against the entry that binds it. */
export interface VendorBundleFacts {
  /** SHA-256 of its certificate.json and trust.json bytes. */
  certificateSha256: string;
  trustSha256: string;
  /** The key that signed its certificate, and its statement's certificate id and order reference. */
  keyid: string;
  certificateId: string;
  orderReference: string;
}

/**
 * Section 5.10's binding of a vendor's bundle to our statement: the very
 * certificate and trust root our statement names (by SHA-256), signed by the
 * key it names, for an order whose reference names ours. The vendor bundle
 * itself must verify, with its trust.json pinned (the caller does that).
 * VENDOR_CERTIFICATE_MISMATCH naming what differs.
 */
export function checkVendorBinding(entry: DerivedArtifactEntry, ourOrderId: string, facts: VendorBundleFacts): void {
  const v = entry.vendor;
  const where = `${vendorBundleDir(entry.name)}`;
  const fail = (why: string) => new VerificationError('VENDOR_CERTIFICATE_MISMATCH', `${where}: ${why}`);
  if (!v) throw fail('the statement binds no vendor certificate for it');
  if (facts.certificateSha256 !== v.certificateSha256) throw fail(`certificate.json has SHA-256 ${facts.certificateSha256}; the statement binds ${v.certificateSha256}`);
  if (facts.trustSha256 !== v.trustSha256) throw fail(`trust.json has SHA-256 ${facts.trustSha256}; the statement pins ${v.trustSha256}`);
  if (facts.keyid !== v.keyid) throw fail(`signed by key ${facts.keyid}; the statement names ${v.keyid}`);
  if (facts.certificateId !== v.certificateId) throw fail(`is certificate ${facts.certificateId}; the statement names ${v.certificateId}`);
  if (!referenceNames(facts.orderReference, ourOrderId)) throw fail(`is for the vendor's order ${JSON.stringify(facts.orderReference)}, whose reference does not name ours (${ourOrderId})`);
}
