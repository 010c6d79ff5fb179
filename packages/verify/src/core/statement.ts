// The certificate statement, version 1 (docs/FORMAT.md, "Certificate
// statement v1"). It is the DSSE payload: UTF-8 RFC 8785 JSON. Every count in
// it can be recomputed by a verifier from the records file.
import { ValidationError } from './errors.js';
import { Checker, isObject, type Obj } from './validate.js';

export const CERTIFICATE_PAYLOAD_TYPE = 'application/vnd.shredproof.certificate.v1+json';
export const STATEMENT_TYPE = 'shredproof.certificate';
export const STATEMENT_VERSION = 1;
export const MERKLE_ALGORITHM = 'rfc6962-sha256';

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

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkTreeHead(c: Checker, v: unknown, path: string): Obj | undefined {
  const o = c.object(v, path);
  if (!o) return undefined;
  c.literal(o.algorithm, `${path}.algorithm`, [MERKLE_ALGORITHM]);
  c.count(o.treeSize, `${path}.treeSize`);
  c.hex(o.rootHash, `${path}.rootHash`, 32);
  return o;
}

function checkItems(c: Checker, v: unknown, path: string, fields: readonly string[]): unknown[] {
  const arr = c.array(v, path) ?? [];
  arr.forEach((item, i) => {
    const o = c.object(item, `${path}[${i}]`);
    if (o) for (const f of fields) c.string(o[f], `${path}[${i}].${f}`);
  });
  return arr;
}

/** Field problems of the parts that are not cross-checked (shape and types). */
function shapeProblems(s: Obj, c: Checker): void {
  c.literal(s.type, '$.type', [STATEMENT_TYPE]);
  c.string(s.certificateId, '$.certificateId', { pattern: ID });
  c.time(s.issuedAt, '$.issuedAt');
  const issuer = c.object(s.issuer, '$.issuer');
  if (issuer) {
    c.string(issuer.name, '$.issuer.name');
    c.hex(issuer.keyid, '$.issuer.keyid', 32);
  }
  const order = c.object(s.order, '$.order');
  if (order) {
    c.string(order.id, '$.order.id', { pattern: ID });
    c.string(order.reference, '$.order.reference');
    c.hex(order.sha256, '$.order.sha256', 32);
    c.string(order.createdBy, '$.order.createdBy');
    c.string(order.approvedBy, '$.order.approvedBy');
    c.time(order.approvedAt, '$.order.approvedAt');
  }
  checkTreeHead(c, s.merkle, '$.merkle');
  const records = c.object(s.records, '$.records');
  if (records) {
    c.hex(records.sha256, '$.records.sha256', 32);
    c.count(records.bytes, '$.records.bytes');
  }
  const inv = checkTreeHead(c, s.inventory, '$.inventory');
  if (inv) {
    c.count(inv.bytes, '$.inventory.bytes');
    c.time(inv.plannedAt, '$.inventory.plannedAt');
  }
  const exec = c.object(s.execution, '$.execution');
  if (exec) {
    c.time(exec.startedAt, '$.execution.startedAt');
    c.time(exec.finishedAt, '$.execution.finishedAt');
  }
  (c.array(s.targets, '$.targets') ?? []).forEach((t, i) => {
    const p = `$.targets[${i}]`;
    const o = c.object(t, p);
    if (!o) return;
    c.string(o.name, `${p}.name`);
    c.string(o.kind, `${p}.kind`);
    c.stringArray(o.methods, `${p}.methods`);
    c.count(o.planned, `${p}.planned`);
    const d = c.object(o.destroyed, `${p}.destroyed`);
    if (d) {
      c.count(d.count, `${p}.destroyed.count`);
      c.count(d.bytes, `${p}.destroyed.bytes`);
    }
    c.count(o.retained, `${p}.retained`);
    c.count(o.exceptions, `${p}.exceptions`);
    c.stringArray(o.persistence, `${p}.persistence`);
  });
  const comp = c.object(s.completeness, '$.completeness');
  if (comp) for (const k of ['planned', 'destroyed', 'retained', 'exceptions']) c.count(comp[k], `$.completeness.${k}`);
  const rescan = c.object(s.rescan, '$.rescan');
  if (rescan) {
    c.time(rescan.completedAt, '$.rescan.completedAt');
    c.count(rescan.remaining, '$.rescan.remaining');
    checkItems(c, rescan.items, '$.rescan.items', ['target', 'locator']).forEach((it, i) => {
      if (typeof it === 'object' && it !== null) {
        c.literal((it as Obj).status, `$.rescan.items[${i}].status`, ['held', 'exception', 'unplanned', 'recreated']);
      }
    });
  }
  checkItems(c, s.exceptions, '$.exceptions', ['target', 'locator', 'code', 'reason']);
  checkItems(c, s.retained, '$.retained', ['target', 'locator', 'holdId', 'reason']);
  checkItems(c, s.derived, '$.derived', ['name', 'description']).forEach((it, i) => {
    if (isObject(it) && it.sha256 !== undefined) c.hex(it.sha256, `$.derived[${i}].sha256`, 32);
  });
  if (s.audit !== undefined) {
    const a = c.object(s.audit, '$.audit');
    if (a) {
      c.count(a.entries, '$.audit.entries');
      c.hex(a.head, '$.audit.head', 32);
    }
  }
  c.literal(s.status, '$.status', ['complete', 'complete-with-exceptions']);
}

/** Cross-checks: the numbers must add up, so that a statement cannot quietly drop an object. */
function consistencyProblems(s: CertificateStatement, c: Checker): void {
  const sum = (f: (t: TargetSummary) => number) => s.targets.reduce((a, t) => a + f(t), 0);
  const { completeness: comp } = s;
  if (comp.planned !== comp.destroyed + comp.retained + comp.exceptions) {
    c.add('$.completeness', `planned ${comp.planned} != destroyed ${comp.destroyed} + retained ${comp.retained} + exceptions ${comp.exceptions}`);
  }
  if (s.merkle.treeSize !== comp.destroyed) c.add('$.merkle.treeSize', `${s.merkle.treeSize} != completeness.destroyed ${comp.destroyed}`);
  if (s.inventory.treeSize !== comp.planned) c.add('$.inventory.treeSize', `${s.inventory.treeSize} != completeness.planned ${comp.planned}`);
  if (sum((t) => t.planned) !== comp.planned) c.add('$.targets', 'planned counts do not add up to completeness.planned');
  if (sum((t) => t.destroyed.count) !== comp.destroyed) c.add('$.targets', 'destroyed counts do not add up to completeness.destroyed');
  if (sum((t) => t.destroyed.bytes) !== s.records.bytes) c.add('$.targets', 'destroyed bytes do not add up to records.bytes');
  if (sum((t) => t.retained) !== comp.retained || s.retained.length !== comp.retained) {
    c.add('$.retained', `${s.retained.length} listed, completeness.retained ${comp.retained}`);
  }
  if (sum((t) => t.exceptions) !== comp.exceptions || s.exceptions.length !== comp.exceptions) {
    c.add('$.exceptions', `${s.exceptions.length} listed, completeness.exceptions ${comp.exceptions}`);
  }
  const names = new Set(s.targets.map((t) => t.name));
  if (names.size !== s.targets.length) c.add('$.targets', 'target names repeat');
  // Four eyes: the engine refuses SELF_APPROVAL, so a certificate claiming one person did both is not one it issued.
  if (s.order.createdBy === s.order.approvedBy) c.add('$.order.approvedBy', 'is also createdBy: a second person must approve');
  // Every listed object is in a listed target, and each target's counts are its listed items.
  const exceptions = perTarget(c, s.exceptions, '$.exceptions', names);
  const retained = perTarget(c, s.retained, '$.retained', names);
  perTarget(c, s.rescan.items, '$.rescan.items', names);
  s.targets.forEach((t, i) => {
    const listed = { exceptions: exceptions.get(t.name) ?? 0, retained: retained.get(t.name) ?? 0 };
    if (t.exceptions !== listed.exceptions) c.add(`$.targets[${i}].exceptions`, `${t.exceptions}, but ${listed.exceptions} exceptions name target ${t.name}`);
    if (t.retained !== listed.retained) c.add(`$.targets[${i}].retained`, `${t.retained}, but ${listed.retained} retained items name target ${t.name}`);
  });
  const want = comp.exceptions > 0 ? 'complete-with-exceptions' : 'complete';
  if (s.status !== want) c.add('$.status', `must be ${JSON.stringify(want)} with ${comp.exceptions} exceptions`);
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
  shapeProblems(s, c);
  if (c.problems.length === 0) consistencyProblems(s as unknown as CertificateStatement, c);
  if (c.problems.length > 0) throw new ValidationError('invalid certificate statement', c.problems);
  return s as unknown as CertificateStatement;
}
