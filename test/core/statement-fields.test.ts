// Every field of a certificate statement is checked, and a bad one is named by
// its exact path: the paths (and what each problem says) are what a verifier
// reports and the API returns. One field is broken at a time, from the valid
// example, and the test asserts the whole list of paths, so that a check that
// is skipped, or a problem filed under the wrong path, fails here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bytesToHex,
  type DestructionRecord,
  type FieldProblem,
  hashLeaf,
  type MerkleHasher,
  nobleHasher,
  rootFromLeafHashes,
  StatementBuilder,
  type StatementParts,
  utf8Encode,
  ValidationError,
  validateStatement,
} from '../../packages/verify/src/core/index.js';
import { buildExample } from '../../scripts/example-certificate.js';

/** The problems of `f`'s ValidationError, sorted by path (a TypeError or acceptance fails the test). */
function fieldsOf(f: () => unknown): FieldProblem[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    for (const p of e.fields) assert.ok(typeof p.problem === 'string' && p.problem.length > 0, `${p.path} has no problem text`);
    return [...e.fields].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  assert.fail('accepted');
}

const pathsOf = (value: unknown) => fieldsOf(() => validateStatement(value)).map((p) => p.path);

/** A problem says what is wrong with the numbers and names it is about (not in any exact wording). */
function assertMentions(problem: string | undefined, words: ReadonlyArray<string | number>, what: string): void {
  for (const w of words) assert.ok(problem?.includes(String(w)), `${what}: ${JSON.stringify(problem)} does not mention ${w}`);
}

const { statement } = buildExample();
type Any = any;
const copy = (): Any => structuredClone(statement);

const HEX = 'ab'.repeat(32);
const del = (o: Any, k: string) => void delete o[k];

/** One broken field each: [what, how, the exact paths reported]. */
const SHAPE_CASES: Array<[string, (s: Any) => void, string[]]> = [
  ['version 2', (s) => (s.version = 2), ['$.version']],
  ['version "1"', (s) => (s.version = '1'), ['$.version']],
  ['type', (s) => (s.type = 'shredproof.certificate2'), ['$.type']],
  ['no type', (s) => del(s, 'type'), ['$.type']],
  ['certificateId empty', (s) => (s.certificateId = ''), ['$.certificateId']],
  ['certificateId with a space', (s) => (s.certificateId = 'cert example'), ['$.certificateId']],
  ['certificateId of 129 characters', (s) => (s.certificateId = 'c'.repeat(129)), ['$.certificateId']],
  ['issuedAt', (s) => (s.issuedAt = '2026-11-20 10:05'), ['$.issuedAt']],
  ['no issuer', (s) => del(s, 'issuer'), ['$.issuer']],
  ['issuer null', (s) => (s.issuer = null), ['$.issuer']],
  ['issuer a string', (s) => (s.issuer = 'Example Corp'), ['$.issuer']],
  ['issuer.name empty', (s) => (s.issuer.name = ''), ['$.issuer.name']],
  ['issuer.name missing', (s) => del(s.issuer, 'name'), ['$.issuer.name']],
  ['issuer.keyid uppercase', (s) => (s.issuer.keyid = s.issuer.keyid.toUpperCase()), ['$.issuer.keyid']],
  ['issuer.keyid short', (s) => (s.issuer.keyid = s.issuer.keyid.slice(2)), ['$.issuer.keyid']],
  ['both issuer members', (s) => (s.issuer = {}), ['$.issuer.keyid', '$.issuer.name']],
  ['no order', (s) => del(s, 'order'), ['$.order']],
  ['order null', (s) => (s.order = null), ['$.order']],
  ['order an array', (s) => (s.order = []), ['$.order']],
  ['order.id with a slash', (s) => (s.order.id = 'ord/1'), ['$.order.id']],
  ['order.id with junk before', (s) => (s.order.id = `.${s.order.id}`), ['$.order.id']],
  ['order.id with junk after', (s) => (s.order.id = `${s.order.id}\n`), ['$.order.id']],
  ['order.reference', (s) => (s.order.reference = ''), ['$.order.reference']],
  ['order.sha256', (s) => (s.order.sha256 = 'zz'.repeat(32)), ['$.order.sha256']],
  ['order.createdBy', (s) => (s.order.createdBy = 7), ['$.order.createdBy']],
  ['order.approvedBy', (s) => (s.order.approvedBy = ''), ['$.order.approvedBy']],
  ['order.approvedAt', (s) => (s.order.approvedAt = '2026-02-30T00:00:00Z'), ['$.order.approvedAt']],
  ['merkle null', (s) => (s.merkle = null), ['$.merkle']],
  ['merkle.algorithm', (s) => (s.merkle.algorithm = 'sha256'), ['$.merkle.algorithm']],
  ['merkle.treeSize', (s) => (s.merkle.treeSize = -1), ['$.merkle.treeSize']],
  ['merkle.rootHash', (s) => (s.merkle.rootHash = s.merkle.rootHash.slice(1)), ['$.merkle.rootHash']],
  ['records an array', (s) => (s.records = []), ['$.records']],
  ['records.sha256', (s) => (s.records.sha256 = 'AB'.repeat(32)), ['$.records.sha256']],
  ['records.bytes', (s) => (s.records.bytes = 1.5), ['$.records.bytes']],
  ['no inventory', (s) => del(s, 'inventory'), ['$.inventory']],
  ['inventory.algorithm', (s) => (s.inventory.algorithm = 'RFC6962-SHA256'), ['$.inventory.algorithm']],
  ['inventory.treeSize', (s) => (s.inventory.treeSize = '7'), ['$.inventory.treeSize']],
  ['inventory.rootHash', (s) => (s.inventory.rootHash = ''), ['$.inventory.rootHash']],
  ['inventory.bytes', (s) => (s.inventory.bytes = -5), ['$.inventory.bytes']],
  ['inventory.plannedAt', (s) => (s.inventory.plannedAt = 'soon'), ['$.inventory.plannedAt']],
  ['execution null', (s) => (s.execution = null), ['$.execution']],
  ['execution.startedAt', (s) => (s.execution.startedAt = 1), ['$.execution.startedAt']],
  ['execution.finishedAt', (s) => (s.execution.finishedAt = '2026-11-20T10:00:05'), ['$.execution.finishedAt']],
  ['targets an object', (s) => (s.targets = {}), ['$.targets']],
  ['targets[1] a string', (s) => (s.targets[1] = 'training-exports'), ['$.targets[1]']],
  ['targets[0].name', (s) => (s.targets[0].name = ''), ['$.targets[0].name']],
  ['targets[1].kind', (s) => del(s.targets[1], 'kind'), ['$.targets[1].kind']],
  ['targets[0].methods a string', (s) => (s.targets[0].methods = 'unlink'), ['$.targets[0].methods']],
  ['targets[1].methods[0]', (s) => (s.targets[1].methods = ['']), ['$.targets[1].methods[0]']],
  ['targets[0].planned', (s) => (s.targets[0].planned = -1), ['$.targets[0].planned']],
  ['targets[0].destroyed null', (s) => (s.targets[0].destroyed = null), ['$.targets[0].destroyed']],
  ['targets[0].destroyed.count', (s) => (s.targets[0].destroyed.count = '3'), ['$.targets[0].destroyed.count']],
  ['targets[1].destroyed.bytes', (s) => (s.targets[1].destroyed.bytes = 2 ** 53), ['$.targets[1].destroyed.bytes']],
  ['targets[0].retained', (s) => (s.targets[0].retained = null), ['$.targets[0].retained']],
  ['targets[1].exceptions', (s) => (s.targets[1].exceptions = 1.5), ['$.targets[1].exceptions']],
  ['targets[0].persistence', (s) => (s.targets[0].persistence = {}), ['$.targets[0].persistence']],
  ['targets[0].persistence[0]', (s) => (s.targets[0].persistence = [1]), ['$.targets[0].persistence[0]']],
  ['completeness null', (s) => (s.completeness = null), ['$.completeness']],
  ['completeness.planned', (s) => (s.completeness.planned = -7), ['$.completeness.planned']],
  ['completeness.destroyed', (s) => del(s.completeness, 'destroyed'), ['$.completeness.destroyed']],
  ['completeness.retained', (s) => (s.completeness.retained = '1'), ['$.completeness.retained']],
  ['completeness.exceptions', (s) => (s.completeness.exceptions = 0.5), ['$.completeness.exceptions']],
  ['no rescan', (s) => del(s, 'rescan'), ['$.rescan']],
  ['rescan.completedAt', (s) => (s.rescan.completedAt = ''), ['$.rescan.completedAt']],
  ['rescan.remaining', (s) => (s.rescan.remaining = -2), ['$.rescan.remaining']],
  ['rescan.items an object', (s) => (s.rescan.items = {}), ['$.rescan.items']],
  ['rescan.items[0] null', (s) => (s.rescan.items[0] = null), ['$.rescan.items[0]']],
  ['rescan.items[1] a number', (s) => (s.rescan.items[1] = 5), ['$.rescan.items[1]']],
  ['rescan.items[0].target', (s) => (s.rescan.items[0].target = ''), ['$.rescan.items[0].target']],
  ['rescan.items[1].locator', (s) => del(s.rescan.items[1], 'locator'), ['$.rescan.items[1].locator']],
  ['rescan.items[0].status', (s) => (s.rescan.items[0].status = 'gone'), ['$.rescan.items[0].status']],
  ['rescan.items[1].status missing', (s) => del(s.rescan.items[1], 'status'), ['$.rescan.items[1].status']],
  ['exceptions null', (s) => (s.exceptions = null), ['$.exceptions']],
  ['exceptions[0] a string', (s) => (s.exceptions[0] = 'locked'), ['$.exceptions[0]']],
  ['exceptions[0].target', (s) => (s.exceptions[0].target = ''), ['$.exceptions[0].target']],
  ['exceptions[0].locator', (s) => del(s.exceptions[0], 'locator'), ['$.exceptions[0].locator']],
  ['exceptions[0].code', (s) => (s.exceptions[0].code = 13), ['$.exceptions[0].code']],
  ['exceptions[0].reason', (s) => (s.exceptions[0].reason = ''), ['$.exceptions[0].reason']],
  ['retained a string', (s) => (s.retained = 'hold-7'), ['$.retained']],
  ['retained[0] null', (s) => (s.retained[0] = null), ['$.retained[0]']],
  ['retained[0].target', (s) => del(s.retained[0], 'target'), ['$.retained[0].target']],
  ['retained[0].locator', (s) => (s.retained[0].locator = ''), ['$.retained[0].locator']],
  ['retained[0].holdId', (s) => del(s.retained[0], 'holdId'), ['$.retained[0].holdId']],
  ['retained[0].reason', (s) => (s.retained[0].reason = []), ['$.retained[0].reason']],
  ['derived an object', (s) => (s.derived = {}), ['$.derived']],
  ['derived[0] a string', (s) => (s.derived = ['model']), ['$.derived[0]']],
  ['derived[0].name', (s) => (s.derived = [{ description: 'm' }]), ['$.derived[0].name']],
  ['derived[0].description', (s) => (s.derived = [{ name: 'model', description: '' }]), ['$.derived[0].description']],
  ['audit null', (s) => (s.audit = null), ['$.audit']],
  ['audit a string', (s) => (s.audit = HEX), ['$.audit']],
  ['audit.entries', (s) => (s.audit = { entries: -1, head: HEX }), ['$.audit.entries']],
  ['audit.head', (s) => (s.audit = { entries: 3, head: HEX.toUpperCase() }), ['$.audit.head']],
  ['audit empty', (s) => (s.audit = {}), ['$.audit.entries', '$.audit.head']],
  ['status', (s) => (s.status = 'done'), ['$.status']],
  ['no status', (s) => del(s, 'status'), ['$.status']],
];

describe('statement fields, one at a time', () => {
  it('the example, and the example with every optional part, are valid', () => {
    assert.doesNotThrow(() => validateStatement(statement));
    const full = copy();
    full.audit = { entries: 12, head: HEX };
    full.derived = [{ name: 'model', description: 'a model trained on the photos', sha256: HEX }];
    assert.deepEqual(validateStatement(full), full);
  });

  for (const [what, mutate, want] of SHAPE_CASES) {
    it(`${what}: ${want.join(', ')}`, () => {
      const s = copy();
      mutate(s);
      assert.deepEqual(pathsOf(s), want);
    });
  }

  it('a certificate id or order id with anything before or after a valid id is refused at its path', () => {
    const around = (id: string) => [` ${id}`, `${id} `, `-${id}`, `.${id}`, `/${id}`, `${id}/`, `${id}\n`, `\n${id}`, `${id}é`, `${id}${'x'.repeat(128)}`];
    for (const id of around(statement.certificateId)) {
      const s = copy();
      s.certificateId = id;
      assert.deepEqual(pathsOf(s), ['$.certificateId'], JSON.stringify(id));
    }
    for (const id of around(statement.order.id)) {
      const s = copy();
      s.order.id = id;
      assert.deepEqual(pathsOf(s), ['$.order.id'], JSON.stringify(id));
    }
    // the same characters inside an id are fine, and so is the longest id
    for (const id of ['a', 'A.b-c_d', `a${'-'.repeat(127)}`]) {
      const s = copy();
      s.certificateId = id;
      s.order.id = id;
      assert.doesNotThrow(() => validateStatement(s), id);
    }
  });

  it('every re-scan status of the format is accepted', () => {
    for (const status of ['held', 'exception', 'unplanned', 'recreated']) {
      const s = copy();
      s.rescan.items.push({ target: 'photos', locator: 'user-9/new.jpg', status });
      s.rescan.remaining += 1;
      assert.doesNotThrow(() => validateStatement(s), status);
    }
  });

  it('every problem of a broken statement is listed at once, each at its own path', () => {
    const s = copy();
    s.issuer.keyid = 'k';
    s.order = 'ord-1';
    s.merkle.algorithm = 'md5';
    s.inventory.treeSize = -1;
    s.rescan.items = [null, { target: 'photos' }];
    s.audit = { head: 'x' };
    s.version = 0;
    assert.deepEqual(pathsOf(s), [
      '$.audit.entries',
      '$.audit.head',
      '$.inventory.treeSize',
      '$.issuer.keyid',
      '$.merkle.algorithm',
      '$.order',
      '$.rescan.items[0]',
      '$.rescan.items[1].locator',
      '$.rescan.items[1].status',
      '$.version',
    ]);
  });
});

/** Cross-checks of a statement whose every field is well formed: [what, how, { path: what its problem mentions }]. */
const SUM_CASES: Array<[string, (s: Any) => void, Record<string, Array<string | number>>]> = [
  [
    'completeness.destroyed one more',
    (s) => (s.completeness.destroyed += 1),
    {
      '$.completeness': [7, 6, 1],
      '$.merkle.treeSize': [5, 6],
      '$.targets': ['destroyed'],
    },
  ],
  ['merkle.treeSize one more', (s) => (s.merkle.treeSize += 1), { '$.merkle.treeSize': [6, 5] }],
  ['inventory.treeSize one more', (s) => (s.inventory.treeSize += 1), { '$.inventory.treeSize': [8, 7] }],
  ['a target plans one more', (s) => (s.targets[0].planned += 1), { '$.targets': ['planned'] }],
  ['a target destroyed one more', (s) => (s.targets[0].destroyed.count += 1), { '$.targets': ['destroyed'] }],
  ['a target destroyed one byte more', (s) => (s.targets[1].destroyed.bytes += 1), { '$.targets': ['bytes'] }],
  [
    'a target counts one retained item more',
    (s) => (s.targets[0].retained += 1),
    { '$.retained': [1], '$.targets[0].retained': [2, 1, 'photos'] },
  ],
  ['a retained item dropped', (s) => s.retained.pop(), { '$.retained': [0, 1], '$.targets[0].retained': [1, 0, 'photos'] }],
  [
    'a target counts one exception more',
    (s) => (s.targets[1].exceptions += 1),
    { '$.exceptions': [1], '$.targets[1].exceptions': [2, 1, 'training-exports'] },
  ],
  [
    'an exception listed twice',
    (s) => s.exceptions.push({ ...s.exceptions[0] }),
    { '$.exceptions': [2, 1], '$.targets[1].exceptions': [1, 2, 'training-exports'] },
  ],
  [
    'two targets of one name',
    (s) => (s.targets[1].name = s.targets[0].name),
    {
      '$.targets': ['repeat'],
      '$.exceptions[0].target': ['"training-exports"'],
      '$.rescan.items[1].target': ['"training-exports"'],
      '$.targets[1].exceptions': [1, 0, 'photos'],
      '$.targets[1].retained': [0, 1, 'photos'],
    },
  ],
  ['self-approval', (s) => (s.order.approvedBy = s.order.createdBy), { '$.order.approvedBy': ['createdBy'] }],
  [
    'an exception naming no target',
    (s) => (s.exceptions[0].target = 'elsewhere'),
    { '$.exceptions[0].target': ['"elsewhere"'], '$.targets[1].exceptions': [1, 0, 'training-exports'] },
  ],
  ['a retained item naming no target', (s) => (s.retained[0].target = 'elsewhere'), { '$.retained[0].target': ['"elsewhere"'], '$.targets[0].retained': [1, 0, 'photos'] }],
  ['a re-scan item naming no target', (s) => (s.rescan.items[1].target = 'elsewhere'), { '$.rescan.items[1].target': ['"elsewhere"'] }],
  ['complete with an exception', (s) => (s.status = 'complete'), { '$.status': ['"complete-with-exceptions"', 1] }],
  ['re-scan remaining 9', (s) => (s.rescan.remaining = 9), { '$.rescan.items': [2, 9] }],
];

describe('statement cross-checks: the numbers add up', () => {
  for (const [what, mutate, want] of SUM_CASES) {
    it(`${what}: ${Object.keys(want).join(', ')}`, () => {
      const s = copy();
      mutate(s);
      const got = fieldsOf(() => validateStatement(s));
      assert.deepEqual(
        got.map((p) => p.path),
        Object.keys(want).sort(),
      );
      for (const p of got) assertMentions(p.problem, want[p.path]!, p.path);
    });
  }
});

/** A builder's parts for records of target "photos" only, with `planned` objects planned. */
function partsFor(planned: number, extra: Partial<StatementParts> = {}): StatementParts {
  const base = copy();
  return {
    certificateId: base.certificateId,
    issuedAt: base.issuedAt,
    issuer: base.issuer,
    order: base.order,
    inventory: { ...base.inventory, treeSize: planned },
    execution: base.execution,
    targets: [{ name: 'photos', kind: 'filesystem', planned, persistence: [] }],
    rescan: { completedAt: base.rescan.completedAt, items: [] },
    exceptions: [],
    retained: [],
    ...extra,
  };
}

function recordOf(index: number, method: string, size = 10): DestructionRecord {
  return {
    index,
    target: 'photos',
    locator: `user-${index}/photo.jpg`,
    sha256: bytesToHex(new Uint8Array(32).fill(index)),
    size,
    destroyedAt: '2026-11-20T10:00:00.000Z',
    method,
    salt: '01'.repeat(16),
  };
}

describe('StatementBuilder', () => {
  it('lists each target\'s methods sorted, whatever order the records arrive in', () => {
    for (const methods of [['unlink', 'shred', 'overwrite'], ['shred', 'unlink', 'overwrite', 'unlink'], ['overwrite', 'unlink', 'shred']]) {
      const b = new StatementBuilder();
      methods.forEach((m, i) => b.add(recordOf(i, m)));
      const s = b.build(partsFor(methods.length));
      assert.deepEqual(s.targets[0]!.methods, ['overwrite', 'shred', 'unlink'], methods.join());
    }
  });

  it('without a hasher, builds the RFC 6962 root of the canonical lines; with one, uses it', () => {
    const lines: string[] = [];
    const plain = new StatementBuilder();
    for (let i = 0; i < 3; i++) lines.push(plain.add(recordOf(i, 'unlink')));
    const want = bytesToHex(rootFromLeafHashes(lines.map((l) => hashLeaf(utf8Encode(l)))));
    assert.equal(plain.build(partsFor(3)).merkle.rootHash, want);

    const calls = { leaf: 0, children: 0 };
    const spy: MerkleHasher = {
      hashLeaf: (b) => (calls.leaf++, nobleHasher.hashLeaf(b)),
      hashChildren: (l, r) => (calls.children++, nobleHasher.hashChildren(l, r)),
      emptyRoot: () => nobleHasher.emptyRoot(),
    };
    const withSpy = new StatementBuilder({ hasher: spy });
    for (let i = 0; i < 3; i++) withSpy.add(recordOf(i, 'unlink'));
    assert.equal(withSpy.build(partsFor(3)).merkle.rootHash, want);
    assert.deepEqual(calls, { leaf: 3, children: 2 });
  });

  it('carries the audit anchor when given one, and has none otherwise', () => {
    const built = (extra: Partial<StatementParts>) => {
      const b = new StatementBuilder();
      b.add(recordOf(0, 'unlink'));
      return b.build(partsFor(1, extra));
    };
    const audit = { entries: 41, head: HEX };
    assert.deepEqual(built({ audit }).audit, audit);
    assert.equal('audit' in built({}), false);
  });

  it('refuses a record out of order at $.index, saying which index it wants', () => {
    const b = new StatementBuilder();
    b.add(recordOf(0, 'unlink'));
    const [f, ...more] = fieldsOf(() => b.add(recordOf(2, 'unlink')));
    assert.deepEqual([f?.path, more], ['$.index', []]);
    assertMentions(f?.problem, [2, 1], '$.index');
    assert.equal(b.size, 1);
  });

  it('refuses records of a target the parts do not list, naming it at $.targets', () => {
    const b = new StatementBuilder();
    b.add({ ...recordOf(0, 'unlink'), target: 'videos' });
    const [f, ...more] = fieldsOf(() => b.build(partsFor(1)));
    assert.deepEqual([f?.path, more], ['$.targets', []]);
    assertMentions(f?.problem, ['"videos"'], '$.targets');
  });
});
