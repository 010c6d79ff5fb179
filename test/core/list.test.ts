// The lists of a version 2 certificate (docs/FORMAT.md section 5.5): each
// entry has exactly its members, in canonical form both ways; each file is
// checked line by line with the record codes of section 8 step 5 and then
// against its head and the statement's counts; the issuer's ListBuilder
// writes what the verifier accepts, the empty list included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalize, type FieldProblem, type MerkleHasher, nobleHasher, utf8Encode, ValidationError } from '../../packages/verify/src/core/index.js';
import {
  type ListName,
  ListBuilder,
  listEntryLine,
  LIST_NAMES,
  ListVerifier,
  parseListEntryLine,
  type RescanEntry,
  verifyListFile,
} from '../../packages/verify/src/core/list.js';
import { EMPTY_SHA256 } from '../../packages/verify/src/core/statement-v2.js';
import { buildExampleV2, ndjson } from '../../scripts/example-certificate-v2.js';
import { codeOf, failure } from './fails-with.js';

type Any = any;
const ex = buildExampleV2();
const entryOf = (list: ListName, i = 0): Any => JSON.parse(ex.lines[list][i]!);

/** The paths of an entry's problems as parseListEntryLine reports them (RECORD_INVALID, cause ValidationError). */
function pathsOf(list: ListName, value: unknown): string[] {
  const e = failure(() => parseListEntryLine(list, canonicalize(value)));
  assert.equal(e.code, 'RECORD_INVALID');
  assert.ok(e.cause instanceof ValidationError);
  return (e.cause.fields as FieldProblem[]).map((f) => f.path).sort();
}

describe('list entries: exactly the members of section 5.5', () => {
  it('each example line parses to its entry, and listEntryLine writes that line back', () => {
    for (const list of LIST_NAMES) {
      ex.lines[list].forEach((line, i) => {
        const entry = parseListEntryLine(list, line, i + 1);
        assert.deepEqual(entry, JSON.parse(line));
        assert.equal(listEntryLine(entry), line);
      });
    }
  });

  const CASES: Array<[ListName, string, (e: Any) => void, string[]]> = [
    ['retained', 'a member "note"', (e) => (e.note = 'x'), ['$.note']],
    ['retained', 'a member "status" of another list', (e) => (e.status = 'held'), ['$.status']],
    ['exceptions', 'a member "holdId" of another list', (e) => (e.holdId = 'hold-7'), ['$.holdId']],
    ['rescan', 'a member "reason"', (e) => (e.reason = 'x'), ['$.reason']],
    ['rescan', 'a member "attributes", which records may have', (e) => (e.attributes = {}), ['$.attributes']],
    ['exceptions', 'a member with a space', (e) => (e['a b'] = 1), ['$["a b"]']],
    ['retained', 'no index', (e) => delete e.index, ['$.index']],
    ['exceptions', 'index -1', (e) => (e.index = -1), ['$.index']],
    ['rescan', 'index "0"', (e) => (e.index = '0'), ['$.index']],
    ['retained', 'no target', (e) => delete e.target, ['$.target']],
    ['rescan', 'target of 257 characters', (e) => (e.target = 't'.repeat(257)), ['$.target']],
    ['exceptions', 'locator empty', (e) => (e.locator = ''), ['$.locator']],
    ['retained', 'locator of 4097 characters', (e) => (e.locator = 'l'.repeat(4097)), ['$.locator']],
    ['rescan', 'no salt', (e) => delete e.salt, ['$.salt']],
    ['retained', 'salt of 15 bytes', (e) => (e.salt = 'ab'.repeat(15)), ['$.salt']],
    ['exceptions', 'salt uppercase', (e) => (e.salt = e.salt.toUpperCase()), ['$.salt']],
    ['retained', 'holdId with a slash', (e) => (e.holdId = 'hold/7'), ['$.holdId']],
    ['retained', 'no holdId', (e) => delete e.holdId, ['$.holdId']],
    ['retained', 'reason empty', (e) => (e.reason = ''), ['$.reason']],
    ['retained', 'sha256 without size', (e) => delete e.size, ['$.size']],
    ['retained', 'size without sha256', (e) => delete e.sha256, ['$.sha256']],
    ['retained', 'sha256 short', (e) => (e.sha256 = e.sha256.slice(2)), ['$.sha256']],
    ['retained', 'size 1.5', (e) => (e.size = 1.5), ['$.size']],
    ['exceptions', 'no code', (e) => delete e.code, ['$.code']],
    ['exceptions', 'reason a number', (e) => (e.reason = 13), ['$.reason']],
    ['rescan', 'status "gone"', (e) => (e.status = 'gone'), ['$.status']],
    ['rescan', 'no status', (e) => delete e.status, ['$.status']],
  ];
  for (const [list, what, mutate, want] of CASES) {
    it(`${list}: ${what} is RECORD_INVALID at ${want.join(', ')}`, () => {
      const e = entryOf(list);
      mutate(e);
      assert.deepEqual(pathsOf(list, e), want);
      assert.throws(() => listEntryLine({ ...e }), ValidationError);
    });
  }

  it('a retained entry without the content hash and size is valid, every status is', () => {
    const { sha256: _, size: __, ...e } = entryOf('retained');
    assert.equal(listEntryLine(e), canonicalize(e));
    for (const status of ['held', 'exception', 'unplanned', 'recreated'] as const) {
      assert.equal(parseListEntryLine('rescan', canonicalize({ ...entryOf('rescan'), status })).status, status);
    }
  });

  it('not an object, not JSON, too long: RECORD_INVALID, RECORD_INVALID, RECORD_TOO_LONG', () => {
    for (const line of ['[]', 'null', '"entry"', '1']) assert.equal(codeOf(() => parseListEntryLine('retained', line)), 'RECORD_INVALID', line);
    for (const line of ['', '{', '{"index":0', '\ufeff{}']) assert.equal(codeOf(() => parseListEntryLine('exceptions', line)), 'RECORD_INVALID', JSON.stringify(line));
    const long = canonicalize({ ...entryOf('exceptions'), reason: 'r'.repeat(70_000) });
    assert.equal(codeOf(() => parseListEntryLine('exceptions', long)), 'RECORD_TOO_LONG');
    const multiByte = canonicalize({ ...entryOf('exceptions'), reason: '\u00e9'.repeat(33_000) }); // 66,000 bytes in 33,000 units
    assert.equal(codeOf(() => parseListEntryLine('exceptions', multiByte)), 'RECORD_TOO_LONG');
  });

  it('a member name twice or a refused name has its own code (strict-json.ts)', () => {
    const line = ex.lines.rescan[0]!;
    assert.equal(codeOf(() => parseListEntryLine('rescan', line.replace('{', '{"index":0,'))), 'JSON_DUPLICATE_MEMBER');
    assert.equal(codeOf(() => parseListEntryLine('rescan', line.replace('{', '{"__proto__":{},'))), 'MEMBER_FORBIDDEN');
    assert.throws(() => listEntryLine(JSON.parse(line.replace('{', '{"constructor":1,'))), ValidationError);
  });

  it('canonical form, both ways: what listEntryLine writes is canonical, anything else is RECORD_NOT_CANONICAL', () => {
    const e: RescanEntry = { target: 'photos', status: 'recreated', salt: 'ab'.repeat(16), locator: 'user-9/\u00e9t\u00e9 "1".jpg', index: 3 };
    const line = listEntryLine(e);
    assert.equal(line, '{"index":3,"locator":"user-9/\u00e9t\u00e9 \\"1\\".jpg","salt":"' + 'ab'.repeat(16) + '","status":"recreated","target":"photos"}');
    assert.deepEqual(parseListEntryLine('rescan', line), { ...e });
    const variants = [
      line.replace('":', '": '),
      JSON.stringify(e), // members not sorted
      line.replace('"index":3', '"index":3.0'),
      line.replace('"index":3', '"index":3e0'),
      line.replace('\u00e9t', '\\u00e9t'), // an escape RFC 8785 does not write
      line.replace('/', '\\/'),
      ` ${line}`,
      `${line}\r`,
      `${line}\n`,
    ];
    for (const v of variants) assert.equal(codeOf(() => parseListEntryLine('rescan', v)), 'RECORD_NOT_CANONICAL', v);
  });

  it('messages name the file and the line', () => {
    const e = failure(() => parseListEntryLine('retained', '{', 3));
    assert.match(e.message, /^retained\.ndjson line 3/);
    assert.match(failure(() => parseListEntryLine('rescan', canonicalize({ ...entryOf('rescan'), note: 1 }), 2)).message, /^rescan\.ndjson line 2: .*\$\.note/);
  });

  it('listEntryLine finds the list by its own member, and refuses an entry that has none', () => {
    assert.throws(() => listEntryLine({ index: 0, target: 'photos', locator: 'x', salt: 'ab'.repeat(16) } as Any), ValidationError);
    assert.throws(() => listEntryLine({ ...entryOf('retained'), code: 'EACCES' }), ValidationError);
  });
});

describe('ListVerifier and verifyListFile', () => {
  const file = (list: ListName, lines: ReadonlyArray<string>) => utf8Encode(ndjson(lines));
  const verify = (list: ListName, bytes: Uint8Array, statement = ex.statement) => codeOf(() => verifyListFile(list, statement, bytes));
  const changed = (f: (s: Any) => void) => {
    const s = structuredClone(ex.statement) as Any;
    f(s);
    return s;
  };

  it('each list of the example verifies, as bytes and as text lines, and tells its counts', () => {
    for (const list of LIST_NAMES) assert.equal(verify(list, file(list, ex.lines[list])), 'ok', list);
    const v = new ListVerifier('rescan', ex.statement);
    ex.lines.rescan.forEach((l) => v.push(l));
    const summary = v.finish();
    assert.deepEqual([summary.count, [...summary.perTarget], summary.perStatus], [2, [['photos', 1], ['training-exports', 1]], ex.statement.rescan.statuses]);
    assert.equal(verifyListFile('retained', ex.statement, file('retained', ex.lines.retained)).perTarget.get('photos'), 1);
  });

  it('fails each line check with the code of section 8 step 5, naming the file and line', () => {
    const [r0, r1] = ex.lines.rescan as [string, string];
    const cases: Array<[string, Uint8Array, string]> = [
      ['no final newline', utf8Encode(ndjson([r0, r1]).slice(0, -1)), 'RECORD_INVALID'],
      ['a blank line', utf8Encode(ndjson([r0, '', r1])), 'RECORD_INVALID'],
      ['CRLF', utf8Encode(`${r0}\r\n${r1}\r\n`), 'RECORD_NOT_CANONICAL'],
      ['a byte order mark', utf8Encode(`\ufeff${ndjson([r0, r1])}`), 'RECORD_INVALID'],
      ['invalid UTF-8', new Uint8Array([...utf8Encode(r0.slice(0, 20)), 0xc0, ...utf8Encode(r0.slice(21) + '\n' + r1 + '\n')]), 'UTF8_INVALID'],
      ['a line of 70,000 bytes', utf8Encode(ndjson([r0.replace('"locator":"', `"locator":"${'x'.repeat(70_000)}`), r1])), 'RECORD_TOO_LONG'],
      ['lines swapped', file('rescan', [r1, r0]), 'RECORD_INDEX_WRONG'],
      ['a target not listed', file('rescan', [r0, r1.replace('"training-exports"', '"elsewhere"')]), 'RECORD_INVALID'],
      ['a line dropped', file('rescan', [r0]), 'RECORD_COUNT_MISMATCH'],
      ['a line more', file('rescan', [r0, r1, canonicalize({ ...entryOf('rescan', 1), index: 2 })]), 'RECORD_COUNT_MISMATCH'],
      ['an empty file', new Uint8Array(0), 'RECORD_COUNT_MISMATCH'],
      ['a line altered', file('rescan', [r0, r1.replace('exception', 'recreated')]), 'MERKLE_ROOT_MISMATCH'],
    ];
    for (const [what, bytes, code] of cases) assert.equal(verify('rescan', bytes), code, what);
    assert.match(failure(() => verifyListFile('rescan', ex.statement, file('rescan', [r1, r0]))).message, /^rescan\.ndjson line 1: index 1, want 0/);
    assert.match(failure(() => verifyListFile('rescan', ex.statement, file('rescan', [r0]))).message, /^rescan\.ndjson: 1 entries, the certificate says 2/);
  });

  it('checks the file digest, the per-target counts and the per-status counts against the statement', () => {
    assert.equal(verify('exceptions', file('exceptions', ex.lines.exceptions), changed((s) => (s.exceptions.sha256 = EMPTY_SHA256))), 'RECORDS_DIGEST_MISMATCH');
    assert.equal(verify('retained', file('retained', ex.lines.retained), changed((s) => (s.retained.rootHash = EMPTY_SHA256))), 'MERKLE_ROOT_MISMATCH');
    const moved = changed((s) => ((s.targets[0].retained = 0), (s.targets[1].retained = 1)));
    assert.equal(verify('retained', file('retained', ex.lines.retained), moved), 'RECORD_COUNT_MISMATCH');
    const exMoved = changed((s) => ((s.targets[0].exceptions = 1), (s.targets[1].exceptions = 0)));
    assert.equal(verify('exceptions', file('exceptions', ex.lines.exceptions), exMoved), 'RECORD_COUNT_MISMATCH');
    for (const statuses of [{ held: 2, exception: 0 }, { held: 0, exception: 1, unplanned: 1 }, { exception: 0, recreated: 1 }]) {
      const s = changed((x) => Object.assign(x.rescan.statuses, statuses));
      assert.equal(verify('rescan', file('rescan', ex.lines.rescan), s), 'RECORD_COUNT_MISMATCH', JSON.stringify(statuses));
    }
    assert.match(failure(() => verifyListFile('retained', moved, file('retained', ex.lines.retained))).message, /^retained\.ndjson: 1 entries of target photos/);
  });
});

describe('ListBuilder', () => {
  it('writes the example lists, their heads and counts', () => {
    const b = new ListBuilder('rescan');
    assert.deepEqual(ex.lines.rescan.map((l) => b.add(JSON.parse(l))), ex.lines.rescan);
    assert.deepEqual(b.head(), ex.statement.rescan.items);
    assert.deepEqual(b.countsByStatus(), ex.statement.rescan.statuses);
    assert.deepEqual([...b.countsByTarget()], [['photos', 1], ['training-exports', 1]]);
    assert.deepEqual(b.head(), ex.statement.rescan.items, 'head() twice');
  });

  it('an empty list: treeSize 0, rootHash and sha256 the SHA-256 of nothing, and an empty file verifies against it', () => {
    for (const list of LIST_NAMES) {
      const head = new ListBuilder(list).head();
      assert.deepEqual(head, { algorithm: 'rfc6962-sha256', treeSize: 0, rootHash: EMPTY_SHA256, sha256: EMPTY_SHA256 });
      const s = structuredClone(ex.statement) as Any;
      if (list === 'rescan') s.rescan.items = head;
      else s[list] = head;
      s.targets.forEach((t: Any) => (t.retained = t.exceptions = 0));
      s.rescan.statuses = { held: 0, exception: 0, unplanned: 0, recreated: 0 };
      assert.equal(codeOf(() => verifyListFile(list, s, new Uint8Array(0))), 'ok', list);
      assert.equal(codeOf(() => verifyListFile(list, s, utf8Encode('\n'))), 'RECORD_COUNT_MISMATCH', list);
    }
  });

  it('refuses an entry out of order at $.index and an invalid entry with every problem, and adds nothing then', () => {
    const b = new ListBuilder('exceptions');
    b.add(entryOf('exceptions'));
    const fields = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof ValidationError, String(e));
        return e.fields.map((x) => x.path).sort();
      }
      assert.fail('accepted');
    };
    assert.deepEqual(fields(() => b.add(entryOf('exceptions'))), ['$.index']);
    assert.deepEqual(fields(() => b.add({ ...entryOf('exceptions'), index: 1, code: '', salt: 'x', note: 1 })), ['$.code', '$.note', '$.salt']);
    assert.equal(b.size, 1);
    b.head();
    assert.throws(() => b.add({ ...entryOf('exceptions'), index: 1 }), /closed/);
  });

  it('uses the hasher and file digest it is given', () => {
    const calls = { leaf: 0, digest: 0 };
    const spy: MerkleHasher = { ...nobleHasher, hashLeaf: (x) => (calls.leaf++, nobleHasher.hashLeaf(x)) };
    const b = new ListBuilder('rescan', { hasher: spy, fileDigest: { update: () => void calls.digest++, digestHex: () => 'cd'.repeat(32) } });
    ex.lines.rescan.forEach((l) => b.add(JSON.parse(l)));
    assert.deepEqual(b.head(), { ...ex.statement.rescan.items, sha256: 'cd'.repeat(32) });
    assert.deepEqual(calls, { leaf: 2, digest: 4 });
  });
});
