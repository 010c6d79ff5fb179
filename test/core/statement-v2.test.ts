// The version 2 statement (docs/FORMAT.md section 5.4): every member it adds
// or changes, and every sum, broken one at a time from the valid example, with
// the exact paths reported; the time comparison of "Comparing times"; and the
// builder. Signing and verifying under the v2 payload type:
// test/core/certificate-vectors-v2.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DestructionRecord, type FieldProblem, ValidationError } from '../../packages/verify/src/core/index.js';
import { ListBuilder } from '../../packages/verify/src/core/list.js';
import { StatementBuilderV2, type StatementPartsV2 } from '../../packages/verify/src/core/statement-builder-v2.js';
import { EMPTY_SHA256, isStatementV2, STATEMENT_VERSION_V2, validateStatementV2 } from '../../packages/verify/src/core/statement-v2.js';
import { compareTimes } from '../../packages/verify/src/core/time.js';
import { buildExample } from '../../scripts/example-certificate.js';
import { buildExampleV2 } from '../../scripts/example-certificate-v2.js';
import { statementParts } from './statement-parts.js';

type Any = any;
const ex = buildExampleV2();
const copy = (): Any => structuredClone(ex.statement);
const del = (o: Any, k: string) => void delete o[k];

/** The problems of `f`'s ValidationError, sorted by path (a TypeError or acceptance fails the test). */
function fieldsOf(f: () => unknown): FieldProblem[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    for (const p of e.fields) assert.ok(p.problem.length > 0, `${p.path} has no problem text`);
    return [...e.fields].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  assert.fail('accepted');
}
const pathsOf = (value: unknown) => fieldsOf(() => validateStatementV2(value)).map((p) => p.path);

describe('compareTimes (section 5.4, "Comparing times")', () => {
  it('compares instants: the seconds as text, then the fractions as decimals, missing digits zeros', () => {
    const cases: Array<[string, string, number]> = [
      ['2026-11-30T23:59:59Z', '2026-11-30T23:59:59Z', 0],
      ['2026-11-30T23:59:59Z', '2026-11-30T23:59:59.000Z', 0],
      ['2026-11-30T23:59:59.5Z', '2026-11-30T23:59:59.500000000Z', 0],
      ['2026-11-30T23:59:59.05Z', '2026-11-30T23:59:59.5Z', -1],
      ['2026-11-30T23:59:59.999999999Z', '2026-12-01T00:00:00Z', -1],
      ['2026-11-30T23:59:59.0000000001Z', '2026-11-30T23:59:59Z', 1], // more digits than Date can hold
      ['2026-12-31T23:59:60Z', '2026-12-31T23:59:59.9Z', 1], // a leap second sorts after :59
      ['2026-12-31T23:59:60.5Z', '2027-01-01T00:00:00Z', -1],
      ['2025-11-30T23:59:59Z', '2026-01-01T00:00:00Z', -1],
    ];
    for (const [a, b, want] of cases) {
      assert.equal(Math.sign(compareTimes(a, b)), want, `${a} vs ${b}`);
      assert.equal(Math.sign(compareTimes(b, a)), -want || 0, `${b} vs ${a}`);
    }
  });

  it('refuses what is not a time of section 1', () => {
    for (const t of ['2026-11-30', '2026-11-30T23:59:59+00:00', '2026-11-30t23:59:59z', '2026-02-30T00:00:00Z', '2026-11-30T23:59:59.Z', '']) {
      assert.throws(() => compareTimes(t, '2026-11-30T23:59:59Z'), RangeError, t);
      assert.throws(() => compareTimes('2026-11-30T23:59:59Z', t), RangeError, t);
    }
  });
});

/** One broken member each: [what, how, the exact paths reported]. */
const SHAPE_CASES: Array<[string, (s: Any) => void, string[]]> = [
  ['version 1', (s) => (s.version = 1), ['$.version']],
  ['version "2"', (s) => (s.version = '2'), ['$.version']],
  ['no tool', (s) => del(s, 'tool'), ['$.tool']],
  ['tool a string', (s) => (s.tool = 'shredproof 0.1.0'), ['$.tool']],
  ['tool.name empty', (s) => (s.tool.name = ''), ['$.tool.name']],
  ['tool.name of 201 characters', (s) => (s.tool.name = 'n'.repeat(201)), ['$.tool.name']],
  ['tool.version missing', (s) => del(s.tool, 'version'), ['$.tool.version']],
  ['tool.version of 201 characters', (s) => (s.tool.version = '1'.repeat(201)), ['$.tool.version']],
  ['order.deadline a date', (s) => (s.order.deadline = '2026-11-30'), ['$.order.deadline']],
  ['order.deadline with an offset', (s) => (s.order.deadline = '2026-11-30T23:59:59+01:00'), ['$.order.deadline']],
  ['order.deadline null', (s) => (s.order.deadline = null), ['$.order.deadline']],
  ['execution.withinDeadline a string', (s) => (s.execution.withinDeadline = 'true'), ['$.execution.withinDeadline']],
  ['targets[0].system missing', (s) => del(s.targets[0], 'system'), ['$.targets[0].system']],
  ['targets[1].system empty', (s) => (s.targets[1].system = ''), ['$.targets[1].system']],
  ['targets[0].system of 257 characters', (s) => (s.targets[0].system = 's'.repeat(257)), ['$.targets[0].system']],
  ['targets[0].system with a newline', (s) => (s.targets[0].system = 'host\n/srv'), ['$.targets[0].system']],
  ['targets[0].system with ESC', (s) => (s.targets[0].system = 'host\u001b[2K'), ['$.targets[0].system']],
  ['targets[0].system with DEL', (s) => (s.targets[0].system = 'host\u007f'), ['$.targets[0].system']],
  ['targets[0].system with a C1 control', (s) => (s.targets[0].system = 'host\u009b2K'), ['$.targets[0].system']],
  ['retained a v1 list', (s) => (s.retained = []), ['$.retained']],
  ['no exceptions', (s) => del(s, 'exceptions'), ['$.exceptions']],
  ['retained.algorithm', (s) => (s.retained.algorithm = 'sha256'), ['$.retained.algorithm']],
  ['retained.treeSize -1', (s) => (s.retained.treeSize = -1), ['$.retained.treeSize']],
  ['retained.rootHash uppercase', (s) => (s.retained.rootHash = s.retained.rootHash.toUpperCase()), ['$.retained.rootHash']],
  ['retained.sha256 missing', (s) => del(s.retained, 'sha256'), ['$.retained.sha256']],
  ['exceptions.sha256 short', (s) => (s.exceptions.sha256 = s.exceptions.sha256.slice(2)), ['$.exceptions.sha256']],
  ['rescan.items a v1 list', (s) => (s.rescan.items = []), ['$.rescan.items']],
  ['rescan.items.sha256 missing', (s) => del(s.rescan.items, 'sha256'), ['$.rescan.items.sha256']],
  ['no rescan.statuses', (s) => del(s.rescan, 'statuses'), ['$.rescan.statuses']],
  ['rescan.statuses.held -1', (s) => (s.rescan.statuses.held = -1), ['$.rescan.statuses.held']],
  ['rescan.statuses.unplanned missing', (s) => del(s.rescan.statuses, 'unplanned'), ['$.rescan.statuses.unplanned']],
  ['rescan.statuses.recreated 0.5', (s) => (s.rescan.statuses.recreated = 0.5), ['$.rescan.statuses.recreated']],
  ['a member named __proto__ in the statuses', (s) => (s.rescan.statuses = JSON.parse('{"held":1,"exception":1,"unplanned":0,"recreated":0,"__proto__":0}')), ['$.rescan.statuses["__proto__"]']],
  // The members version 1 has are checked as in version 1.
  ['issuer.keyid uppercase', (s) => (s.issuer.keyid = s.issuer.keyid.toUpperCase()), ['$.issuer.keyid']],
  ['targets[0].planned -1', (s) => (s.targets[0].planned = -1), ['$.targets[0].planned']],
  ['status', (s) => (s.status = 'done'), ['$.status']],
];

describe('statement version 2: each member, at its path', () => {
  it('the example is valid, and with no deadline and no withinDeadline too', () => {
    assert.deepEqual(validateStatementV2(copy()), ex.statement);
    const s = copy();
    del(s.order, 'deadline');
    del(s.execution, 'withinDeadline');
    assert.doesNotThrow(() => validateStatementV2(s));
    assert.equal(isStatementV2(ex.statement), true);
    assert.equal(ex.statement.version, STATEMENT_VERSION_V2);
  });

  for (const [what, mutate, want] of SHAPE_CASES) {
    it(`${what}: ${want.join(', ')}`, () => {
      const s = copy();
      mutate(s);
      assert.deepEqual(pathsOf(s), want);
    });
  }

  it('an unknown member is ignored; a value that is no object is refused at $', () => {
    assert.doesNotThrow(() => validateStatementV2({ ...copy(), transparencyLog: { index: 1 } }));
    for (const v of [null, [], 'statement', 2]) assert.deepEqual(pathsOf(v), ['$']);
  });

  it('every problem is listed at once', () => {
    const s = copy();
    s.tool = {};
    del(s.targets[1], 'system');
    s.retained.sha256 = 'x';
    s.rescan.statuses = null;
    s.version = 1;
    assert.deepEqual(pathsOf(s), ['$.rescan.statuses', '$.retained.sha256', '$.targets[1].system', '$.tool.name', '$.tool.version', '$.version']);
  });
});

/** Sums of a statement whose every member is well formed: [what, how, { path: what its problem mentions }]. */
const SUM_CASES: Array<[string, (s: Any) => void, Record<string, Array<string | number>>]> = [
  ['completeness.destroyed one more', (s) => (s.completeness.destroyed += 1), { '$.completeness': [7, 6], '$.merkle.treeSize': [5, 6], '$.targets': ['destroyed'] }],
  ['merkle.treeSize one more', (s) => (s.merkle.treeSize += 1), { '$.merkle.treeSize': [6, 5] }],
  ['inventory.treeSize one more', (s) => (s.inventory.treeSize += 1), { '$.inventory.treeSize': [8, 7] }],
  ['a target plans one more', (s) => (s.targets[0].planned += 1), { '$.targets': ['planned'] }],
  ['a target destroyed one more', (s) => (s.targets[0].destroyed.count += 1), { '$.targets': ['destroyed'] }],
  ['a target destroyed one byte more', (s) => (s.targets[1].destroyed.bytes += 1), { '$.targets': ['bytes'] }],
  ['a target counts one retained more', (s) => (s.targets[1].retained += 1), { '$.targets': ['retained'] }],
  ['a target counts one exception more', (s) => (s.targets[0].exceptions += 1), { '$.targets': ['exceptions'] }],
  ['retained.treeSize one more', (s) => (s.retained.treeSize += 1), { '$.retained.treeSize': [2, 1] }],
  ['exceptions.treeSize one more', (s) => (s.exceptions.treeSize += 1), { '$.exceptions.treeSize': [2, 1] }],
  ['rescan.items.treeSize one more', (s) => (s.rescan.items.treeSize += 1), { '$.rescan.items.treeSize': [3, 2] }],
  ['rescan.remaining one more', (s) => (s.rescan.remaining += 1), { '$.rescan.items.treeSize': [2, 3], '$.rescan.statuses': [2, 3] }],
  ['rescan.statuses.unplanned 1', (s) => (s.rescan.statuses.unplanned = 1), { '$.rescan.statuses': [3, 2] }],
  ['rescan.statuses moved from held to recreated (the sum holds)', (s) => ((s.rescan.statuses.held = 0), (s.rescan.statuses.recreated = 1)), {}],
  ['withinDeadline false although finished before the deadline', (s) => (s.execution.withinDeadline = false), { '$.execution.withinDeadline': ['true', s0().execution.finishedAt, s0().order.deadline!] }],
  ['withinDeadline missing', (s) => del(s.execution, 'withinDeadline'), { '$.execution.withinDeadline': ['missing', s0().order.deadline!] }],
  ['withinDeadline without a deadline', (s) => del(s.order, 'deadline'), { '$.execution.withinDeadline': ['order.deadline'] }],
  ['finished after the deadline, withinDeadline true', (s) => (s.order.deadline = '2026-11-20T10:00:04.999Z'), { '$.execution.withinDeadline': ['false'] }],
  ['finished on the deadline, to the digit', (s) => (s.order.deadline = '2026-11-20T10:00:05Z'), {}],
  ['two targets of one name', (s) => (s.targets[1].name = s.targets[0].name), { '$.targets': ['repeat'] }],
  ['self-approval', (s) => (s.order.approvedBy = s.order.createdBy), { '$.order.approvedBy': ['createdBy'] }],
  ['complete with an exception', (s) => (s.status = 'complete'), { '$.status': ['"complete-with-exceptions"', 1] }],
];
function s0() {
  return ex.statement;
}

describe('statement version 2: the sums add up', () => {
  for (const [what, mutate, want] of SUM_CASES) {
    it(`${what}: ${Object.keys(want).join(', ') || 'valid'}`, () => {
      const s = copy();
      mutate(s);
      if (Object.keys(want).length === 0) return void assert.doesNotThrow(() => validateStatementV2(s));
      const got = fieldsOf(() => validateStatementV2(s));
      assert.deepEqual(got.map((p) => p.path), Object.keys(want).sort());
      for (const p of got) for (const w of want[p.path]!) assert.ok(p.problem.includes(String(w)), `${p.path}: ${p.problem} does not mention ${w}`);
    });
  }

  it('an empty list has treeSize 0 and SHA-256 of nothing as both rootHash and sha256, nothing else', () => {
    const empty = emptyListsStatement();
    assert.deepEqual(empty.retained, { algorithm: 'rfc6962-sha256', treeSize: 0, rootHash: EMPTY_SHA256, sha256: EMPTY_SHA256 });
    assert.equal(empty.status, 'complete');
    const cases: Array<[(s: Any) => void, string[]]> = [
      [(s) => (s.retained.rootHash = 'ab'.repeat(32)), ['$.retained.rootHash']],
      [(s) => (s.exceptions.sha256 = 'ab'.repeat(32)), ['$.exceptions.sha256']],
      [(s) => (s.rescan.items = { ...s.rescan.items, rootHash: 'ab'.repeat(32), sha256: 'cd'.repeat(32) }), ['$.rescan.items.rootHash', '$.rescan.items.sha256']],
      [(s) => (s.status = 'complete-with-exceptions'), ['$.status']], // and with no exception, "complete"
    ];
    for (const [mutate, want] of cases) {
      const s = structuredClone(empty) as Any;
      mutate(s);
      assert.deepEqual(pathsOf(s), want);
    }
  });
});

const v1 = buildExample();
const records = v1.lines.map((l) => JSON.parse(l) as DestructionRecord);

function parts(over: Partial<StatementPartsV2> = {}): StatementPartsV2 {
  return statementParts(ex.statement, over);
}

/** The example's records with nothing retained, no exception and an empty re-scan. */
function emptyListsStatement() {
  const b = new StatementBuilderV2();
  records.forEach((r) => b.add(r));
  const head = () => new ListBuilder('retained').head();
  const p = parts();
  return b.build({
    ...p,
    inventory: { ...p.inventory, treeSize: 5 },
    targets: p.targets.map((t, i) => ({ ...t, planned: [3, 2][i]!, retained: 0, exceptions: 0 })),
    retained: head(),
    exceptions: head(),
    rescan: { completedAt: p.rescan.completedAt, items: head(), statuses: { held: 0, exception: 0, unplanned: 0, recreated: 0 } },
  });
}

describe('StatementBuilderV2', () => {
  it('builds the example from its records and the lists\' heads, with the v1 builder\'s records part', () => {
    const b = new StatementBuilderV2();
    assert.deepEqual(records.map((r) => b.add(r)), v1.lines);
    const s = b.build(parts());
    assert.deepEqual(s, ex.statement);
    assert.deepEqual([s.merkle, s.records], [v1.statement.merkle, v1.statement.records]);
    assert.equal(s.status, 'complete-with-exceptions');
  });

  it('computes withinDeadline from finishedAt and the deadline, and leaves it out without a deadline', () => {
    const built = (order: StatementPartsV2['order']) => {
      const b = new StatementBuilderV2();
      records.forEach((r) => b.add(r));
      return b.build(parts({ order }));
    };
    const { deadline: _, ...noDeadline } = ex.statement.order;
    assert.equal('withinDeadline' in built(noDeadline).execution, false);
    assert.equal(built({ ...noDeadline, deadline: '2026-11-20T10:00:05.000000001Z' }).execution.withinDeadline, true);
    assert.equal(built({ ...noDeadline, deadline: '2026-11-20T10:00:05Z' }).execution.withinDeadline, true);
    assert.equal(built({ ...noDeadline, deadline: '2026-11-20T10:00:04.9Z' }).execution.withinDeadline, false);
    assert.deepEqual(fieldsOf(() => built({ ...noDeadline, deadline: 'soon' })).map((p) => p.path), ['$.order.deadline']);
  });

  it('refuses a record out of order at $.index, and records of a target the parts do not list at $.targets', () => {
    const b = new StatementBuilderV2();
    b.add(records[0]!);
    assert.deepEqual(fieldsOf(() => b.add(records[2]!)).map((p) => p.path), ['$.index']);
    const c = new StatementBuilderV2();
    records.forEach((r) => c.add(r));
    assert.deepEqual(fieldsOf(() => c.build(parts({ targets: parts().targets.slice(0, 1) }))).map((p) => p.path), ['$.targets']);
  });

  it('validates what it builds: per-target counts that do not match the heads are refused', () => {
    const b = new StatementBuilderV2();
    records.forEach((r) => b.add(r));
    const p = parts();
    const targets = p.targets.map((t) => ({ ...t, retained: 0 }));
    assert.deepEqual(fieldsOf(() => b.build({ ...p, targets })).map((f) => f.path), ['$.completeness', '$.retained.treeSize']);
  });
});
