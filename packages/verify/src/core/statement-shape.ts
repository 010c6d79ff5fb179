// What the statements of version 1 and version 2 share (docs/FORMAT.md
// sections 5.3 and 5.4): the members about the destroyed objects and the sums
// over them. One copy, so that both versions name a bad field by the same path
// with the same words. The members that differ (the lists, the re-scan items,
// tool, deadline, system) are checked by statement.ts and statement-v2.ts.
import { Checker, isObject, type Obj } from './validate.js';

export const STATEMENT_TYPE = 'shredproof.certificate';
export const MERKLE_ALGORITHM = 'rfc6962-sha256';
/** Certificate, order and hold ids. */
export const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkTreeHead(c: Checker, v: unknown, path: string): Obj | undefined {
  const o = c.object(v, path);
  if (!o) return undefined;
  c.literal(o.algorithm, `${path}.algorithm`, [MERKLE_ALGORITHM]);
  c.count(o.treeSize, `${path}.treeSize`);
  c.hex(o.rootHash, `${path}.rootHash`, 32);
  return o;
}

export function checkItems(c: Checker, v: unknown, path: string, fields: readonly string[]): unknown[] {
  const arr = c.array(v, path) ?? [];
  arr.forEach((item, i) => {
    const o = c.object(item, `${path}[${i}]`);
    if (o) for (const f of fields) c.string(o[f], `${path}[${i}].${f}`);
  });
  return arr;
}

/** The objects a version adds members to, when they are objects (a problem is already filed otherwise). */
export interface SharedParts {
  order: Obj | undefined;
  execution: Obj | undefined;
  rescan: Obj | undefined;
}

/**
 * Field problems of the shared members (shape and types, no sums): all but
 * `version`, the lists, `rescan.items` and what version 2 adds. `onTarget`
 * checks a version's own members of each target object.
 */
export function checkSharedShape(s: Obj, c: Checker, onTarget?: (t: Obj, path: string) => void): SharedParts {
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
  const execution = c.object(s.execution, '$.execution');
  if (execution) {
    c.time(execution.startedAt, '$.execution.startedAt');
    c.time(execution.finishedAt, '$.execution.finishedAt');
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
    onTarget?.(o, p);
  });
  const comp = c.object(s.completeness, '$.completeness');
  if (comp) for (const k of ['planned', 'destroyed', 'retained', 'exceptions']) c.count(comp[k], `$.completeness.${k}`);
  const rescan = c.object(s.rescan, '$.rescan');
  if (rescan) {
    c.time(rescan.completedAt, '$.rescan.completedAt');
    c.count(rescan.remaining, '$.rescan.remaining');
  }
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
  return { order, execution, rescan };
}

/** The members the shared sums read; both statement versions have them. */
export interface SharedSums {
  completeness: { planned: number; destroyed: number; retained: number; exceptions: number };
  merkle: { treeSize: number };
  inventory: { treeSize: number };
  targets: ReadonlyArray<{ name: string; planned: number; destroyed: { count: number; bytes: number } }>;
  records: { bytes: number };
  order: { createdBy: string; approvedBy: string };
  status: string;
}

/**
 * The sums both versions check, so that a statement cannot quietly drop an
 * object: completeness, the tree sizes, the per-target planned, destroyed and
 * bytes, unique target names, two people, and the status.
 */
export function checkSharedSums(s: SharedSums, c: Checker): void {
  const sum = (f: (t: SharedSums['targets'][number]) => number) => s.targets.reduce((a, t) => a + f(t), 0);
  const { completeness: comp } = s;
  if (comp.planned !== comp.destroyed + comp.retained + comp.exceptions) {
    c.add('$.completeness', `planned ${comp.planned} != destroyed ${comp.destroyed} + retained ${comp.retained} + exceptions ${comp.exceptions}`);
  }
  if (s.merkle.treeSize !== comp.destroyed) c.add('$.merkle.treeSize', `${s.merkle.treeSize} != completeness.destroyed ${comp.destroyed}`);
  if (s.inventory.treeSize !== comp.planned) c.add('$.inventory.treeSize', `${s.inventory.treeSize} != completeness.planned ${comp.planned}`);
  if (sum((t) => t.planned) !== comp.planned) c.add('$.targets', 'planned counts do not add up to completeness.planned');
  if (sum((t) => t.destroyed.count) !== comp.destroyed) c.add('$.targets', 'destroyed counts do not add up to completeness.destroyed');
  if (sum((t) => t.destroyed.bytes) !== s.records.bytes) c.add('$.targets', 'destroyed bytes do not add up to records.bytes');
  const names = new Set(s.targets.map((t) => t.name));
  if (names.size !== s.targets.length) c.add('$.targets', 'target names repeat');
  // Four eyes: the engine refuses SELF_APPROVAL, so a certificate claiming one person did both is not one it issued.
  if (s.order.createdBy === s.order.approvedBy) c.add('$.order.approvedBy', 'is also createdBy: a second person must approve');
  const want = comp.exceptions > 0 ? 'complete-with-exceptions' : 'complete';
  if (s.status !== want) c.add('$.status', `must be ${JSON.stringify(want)} with ${comp.exceptions} exceptions`);
}
