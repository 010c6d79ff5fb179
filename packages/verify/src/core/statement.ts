// The certificate statement, version 1 (docs/FORMAT.md, "Certificate
// statement v1"). It is the DSSE payload: UTF-8 RFC 8785 JSON. Every count in
// it can be recomputed by a verifier from the records file.
import { ValidationError } from './errors.js';
import { checkItems, checkSharedShape, checkSharedSums, MERKLE_ALGORITHM, STATEMENT_TYPE } from './statement-shape.js';
import { Checker, type Obj } from './validate.js';

export { MERKLE_ALGORITHM, STATEMENT_TYPE } from './statement-shape.js';
export const CERTIFICATE_PAYLOAD_TYPE = 'application/vnd.shredproof.certificate.v1+json';
export const STATEMENT_VERSION = 1;

export interface TreeHead {
  algorithm: typeof MERKLE_ALGORITHM;
  treeSize: number;
  rootHash: string;
}

export interface TargetSummary {
  name: string;
  kind: string;
  methods: string[];
  planned: number;
  destroyed: { count: number; bytes: number };
  retained: number;
  exceptions: number;
  /** What this method is known to leave behind (backups, snapshots, dead tuples, ...). */
  persistence: string[];
}

export interface ExceptionItem {
  target: string;
  locator: string;
  code: string;
  reason: string;
}

export interface RetainedItem {
  target: string;
  locator: string;
  holdId: string;
  reason: string;
}

export interface RescanItem {
  target: string;
  locator: string;
  /** held: retained under a hold; exception: could not be destroyed; unplanned: not in the inventory (appeared during the run); recreated: destroyed, then found again. */
  status: 'held' | 'exception' | 'unplanned' | 'recreated';
}

export interface DerivedArtifact {
  name: string;
  description: string;
  sha256?: string;
}

export interface CertificateStatement {
  type: typeof STATEMENT_TYPE;
  version: typeof STATEMENT_VERSION;
  certificateId: string;
  issuedAt: string;
  issuer: { name: string; keyid: string };
  order: {
    id: string;
    reference: string;
    /** SHA-256 of the RFC 8785 form of the order document. */
    sha256: string;
    createdBy: string;
    approvedBy: string;
    approvedAt: string;
  };
  /** The tree over records.ndjson: one leaf per destroyed object. */
  merkle: TreeHead;
  /** records.ndjson as a file: its SHA-256 and the total of the records' `size`. */
  records: { sha256: string; bytes: number };
  /** The plan's commitment: a tree over the salted inventory entries, made before anything was destroyed. */
  inventory: TreeHead & { bytes: number; plannedAt: string };
  execution: { startedAt: string; finishedAt: string };
  targets: TargetSummary[];
  /** planned = destroyed + retained + exceptions, overall. */
  completeness: { planned: number; destroyed: number; retained: number; exceptions: number };
  rescan: { completedAt: string; remaining: number; items: RescanItem[] };
  exceptions: ExceptionItem[];
  retained: RetainedItem[];
  derived: DerivedArtifact[];
  /**
   * The server's audit log as it stood when this certificate was signed: its
   * entry count and the hash of its last entry (docs/API.md, "The audit log").
   * Anchors the log: a later rewrite of any of these entries changes the chain.
   * Absent in certificates issued before it existed.
   */
  audit?: { entries: number; head: string };
  status: 'complete' | 'complete-with-exceptions';
}

/** Cross-checks of version 1: the lists in the statement are the counts it gives. */
function listProblems(s: CertificateStatement, c: Checker): void {
  const sum = (f: (t: TargetSummary) => number) => s.targets.reduce((a, t) => a + f(t), 0);
  const { completeness: comp } = s;
  if (sum((t) => t.retained) !== comp.retained || s.retained.length !== comp.retained) {
    c.add('$.retained', `${s.retained.length} listed, completeness.retained ${comp.retained}`);
  }
  if (sum((t) => t.exceptions) !== comp.exceptions || s.exceptions.length !== comp.exceptions) {
    c.add('$.exceptions', `${s.exceptions.length} listed, completeness.exceptions ${comp.exceptions}`);
  }
  const names = new Set(s.targets.map((t) => t.name));
  // Every listed object is in a listed target, and each target's counts are its listed items.
  const exceptions = perTarget(c, s.exceptions, '$.exceptions', names);
  const retained = perTarget(c, s.retained, '$.retained', names);
  perTarget(c, s.rescan.items, '$.rescan.items', names);
  s.targets.forEach((t, i) => {
    const listed = { exceptions: exceptions.get(t.name) ?? 0, retained: retained.get(t.name) ?? 0 };
    if (t.exceptions !== listed.exceptions) c.add(`$.targets[${i}].exceptions`, `${t.exceptions}, but ${listed.exceptions} exceptions name target ${t.name}`);
    if (t.retained !== listed.retained) c.add(`$.targets[${i}].retained`, `${t.retained}, but ${listed.retained} retained items name target ${t.name}`);
  });
  if (s.rescan.items.length !== s.rescan.remaining) c.add('$.rescan.items', `${s.rescan.items.length} listed, remaining ${s.rescan.remaining}`);
}

/** How many of `items` name each target; an item naming no listed target is a problem. */
function perTarget(c: Checker, items: ReadonlyArray<{ target: string }>, path: string, names: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  items.forEach((it, i) => {
    if (names.has(it.target)) counts.set(it.target, (counts.get(it.target) ?? 0) + 1);
    else c.add(`${path}[${i}].target`, `${JSON.stringify(it.target)} is not among targets[].name`);
  });
  return counts;
}

/**
 * Validates an untrusted statement value: shape first, then the cross-checks.
 * Throws ValidationError listing every problem. Unknown members are allowed
 * (a later minor revision may add some), but never __proto__, constructor or
 * prototype (strict-json.ts); `version` must be 1.
 */
export function validateStatement(value: unknown): CertificateStatement {
  const c = new Checker();
  const s = c.object(value, '$');
  if (!s) throw new ValidationError('invalid certificate statement', c.problems);
  c.literal(s.version, '$.version', [STATEMENT_VERSION]);
  c.noForbiddenMembers(s, '$');
  const { rescan } = checkSharedShape(s, c);
  if (rescan) {
    checkItems(c, rescan.items, '$.rescan.items', ['target', 'locator']).forEach((it, i) => {
      if (typeof it === 'object' && it !== null) c.literal((it as Obj).status, `$.rescan.items[${i}].status`, ['held', 'exception', 'unplanned', 'recreated']);
    });
  }
  checkItems(c, s.exceptions, '$.exceptions', ['target', 'locator', 'code', 'reason']);
  checkItems(c, s.retained, '$.retained', ['target', 'locator', 'holdId', 'reason']);
  if (c.problems.length === 0) {
    checkSharedSums(s as unknown as CertificateStatement, c);
    listProblems(s as unknown as CertificateStatement, c);
  }
  if (c.problems.length > 0) throw new ValidationError('invalid certificate statement', c.problems);
  return s as unknown as CertificateStatement;
}
