import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  signCertificate,
  seedSigner,
  ValidationError,
  validateStatement,
  validateRecord,
  recordLine,
  parseRecordLine,
  VerificationError,
  canonicalize,
} from '../../packages/verify/src/core/index.js';
import { buildExample } from '../../scripts/example-certificate.js';

function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.fields.map((p) => p.path);
  }
  assert.fail('did not throw');
}

describe('statement validation', () => {
  const { statement } = buildExample();

  it('accepts the example and lists every bad field at once', () => {
    assert.doesNotThrow(() => validateStatement(statement));
    const bad = structuredClone(statement) as any;
    bad.issuedAt = 'yesterday';
    bad.merkle.rootHash = 'ABC';
    bad.targets[0].planned = -1;
    bad.exceptions[0].reason = '';
    bad.rescan.items[0].status = 'gone';
    assert.deepEqual(problems(() => validateStatement(bad)).sort(), [
      '$.exceptions[0].reason',
      '$.issuedAt',
      '$.merkle.rootHash',
      '$.rescan.items[0].status',
      '$.targets[0].planned',
    ]);
  });

  it('checks that the numbers add up', () => {
    const cases: Array<[string, (s: any) => void]> = [
      ['$.completeness', (s) => (s.completeness.destroyed += 1)],
      ['$.merkle.treeSize', (s) => (s.merkle.treeSize += 1)],
      ['$.retained', (s) => s.retained.pop()],
      ['$.exceptions', (s) => s.exceptions.push({ ...s.exceptions[0] })],
      ['$.status', (s) => (s.status = 'complete')],
      ['$.rescan.items', (s) => (s.rescan.remaining = 9)],
      ['$.targets', (s) => (s.targets[1].name = s.targets[0].name)],
      ['$.targets', (s) => (s.targets[0].destroyed.bytes += 1)],
    ];
    for (const [path, mutate] of cases) {
      const s = structuredClone(statement) as any;
      mutate(s);
      assert.ok(problems(() => validateStatement(s)).includes(path), `${path} not reported`);
    }
  });

  it('refuses to sign with a key other than the issuer', () => {
    assert.throws(() => signCertificate(statement, seedSigner(new Uint8Array(32).fill(9))), ValidationError);
  });

  // Issue 11, findings 13, 14 and 17: rules that every statement shredproof issued keeps.
  it('derived[].sha256, when present, is 64 lowercase hex digits', () => {
    const withDerived = (d: unknown) => ({ ...structuredClone(statement), derived: [d] });
    assert.doesNotThrow(() => validateStatement(withDerived({ name: 'model', description: 'm' })));
    assert.doesNotThrow(() => validateStatement(withDerived({ name: 'model', description: 'm', sha256: 'ab'.repeat(32) })));
    for (const sha256 of ['AB'.repeat(32), 'ab'.repeat(31), 'ab'.repeat(33), 'zz'.repeat(32), '', 42, null]) {
      assert.deepEqual(problems(() => validateStatement(withDerived({ name: 'model', description: 'm', sha256 }))), ['$.derived[0].sha256'], String(sha256));
    }
  });

  it('the order is approved by a second person', () => {
    const s = structuredClone(statement);
    s.order.approvedBy = s.order.createdBy;
    assert.deepEqual(problems(() => validateStatement(s)), ['$.order.approvedBy']);
  });

  it('every exception, retained item and re-scan item names a listed target, and each target counts its own', () => {
    const cases: Array<[string[], (s: any) => void]> = [
      // (and the target it was counted in lists one fewer)
      [['$.exceptions[0].target', '$.targets[1].exceptions'], (s) => (s.exceptions[0].target = 'elsewhere')],
      [['$.retained[0].target', '$.targets[0].retained'], (s) => (s.retained[0].target = 'elsewhere')],
      [['$.rescan.items[1].target'], (s) => (s.rescan.items[1].target = 'elsewhere')],
      // the exception moved to the other target: the sums still add up, the per-target counts do not
      [['$.targets[0].exceptions', '$.targets[1].exceptions'], (s) => (s.exceptions[0].target = 'photos')],
      [['$.targets[0].retained', '$.targets[1].retained'], (s) => (s.retained[0].target = 'training-exports')],
    ];
    for (const [paths, mutate] of cases) {
      const s = structuredClone(statement) as any;
      mutate(s);
      assert.deepEqual(problems(() => validateStatement(s)), paths);
    }
  });

  it('allows unknown members (a later revision may add some) but never __proto__, constructor or prototype', () => {
    assert.doesNotThrow(() => validateStatement({ ...structuredClone(statement), note: { any: 'thing' } }));
    const own = <T extends object>(o: T, k: string, v: unknown): T => Object.defineProperty(o, k, { value: v, enumerable: true });
    const top = own(structuredClone(statement), '__proto__', { status: 'complete' });
    assert.deepEqual(problems(() => validateStatement(top)), ['$["__proto__"]']);
    const nested = structuredClone(statement) as any;
    own(nested.targets[0], 'constructor', 'x');
    nested.note = [{ prototype: 1 }];
    assert.deepEqual(problems(() => validateStatement(nested)).sort(), ['$.note[0]["prototype"]', '$.targets[0]["constructor"]']);
    assert.throws(() => signCertificate(top, seedSigner(new Uint8Array(32).fill(1))), ValidationError); // the issuer never signs one
  });
});

describe('records', () => {
  const record = {
    index: 0,
    target: 'photos',
    locator: 'a/b.jpg',
    sha256: 'ab'.repeat(32),
    size: 10,
    destroyedAt: '2026-11-26T10:00:00.000Z',
    method: 'unlink',
    salt: '01'.repeat(16),
  };

  it('validates and lists every bad field', () => {
    assert.doesNotThrow(() => validateRecord(record));
    const bad = { ...record, index: -1, sha256: 'xyz', size: 1.5, destroyedAt: '2026-11-26 10:00', method: 'Unlink', salt: '00', attributes: { a: 1 } };
    assert.deepEqual(problems(() => validateRecord(bad)).sort(), [
      '$.attributes.a', '$.destroyedAt', '$.index', '$.method', '$.salt', '$.sha256', '$.size',
    ]);
  });

  it('parses its own canonical line and refuses variants', () => {
    const line = recordLine(record);
    assert.deepEqual(parseRecordLine(line), record);
    const code = (l: string) => {
      try {
        parseRecordLine(l);
        return 'ok';
      } catch (e) {
        return (e as VerificationError).code;
      }
    };
    assert.equal(code(JSON.stringify(record)), 'RECORD_NOT_CANONICAL'); // member order differs
    assert.equal(code(line.replace('{', '{"index":0,')), 'JSON_DUPLICATE_MEMBER');
    assert.equal(code(line + ' '), 'RECORD_NOT_CANONICAL');
    assert.equal(code(line.replace('"size":10', '"size":1e1')), 'RECORD_NOT_CANONICAL');
    assert.equal(code(line.replace('a/b.jpg', 'a/\\ud800.jpg')), 'RECORD_INVALID'); // lone surrogate
    assert.equal(code('[]'), 'RECORD_INVALID');
    assert.equal(code('x'.repeat(70_000)), 'RECORD_TOO_LONG');
    // 30,000 UTF-16 units of 3 UTF-8 bytes each: under the limit in units, over it in bytes
    assert.equal(code(canonicalize({ ...record, locator: '€'.repeat(30_000) })), 'RECORD_TOO_LONG');
    // 40,000 ASCII units: measured in bytes (under the limit), then parsed (and refused: locators stop at 4096)
    assert.equal(code(canonicalize({ ...record, locator: 'a'.repeat(40_000) })), 'RECORD_INVALID');
    // unknown members are allowed (and covered by the leaf hash), but not those three names, which the issuer refuses too
    assert.equal(code(recordLine({ ...record, extra: 'x' } as any)), 'ok');
    assert.equal(code(line.replace('{', '{"attributes":{"constructor":"x"},')), 'MEMBER_FORBIDDEN');
    assert.equal(code(line.replace('{', '{"__proto__":1,')), 'MEMBER_FORBIDDEN');
    assert.deepEqual(problems(() => validateRecord({ ...record, attributes: JSON.parse('{"__proto__":"x"}') })), ['$.attributes["__proto__"]']);
    assert.deepEqual(problems(() => validateRecord({ ...record, extra: { prototype: [] } } as any)), ['$.extra["prototype"]']);
  });
});

describe('times and keys', () => {
  it('refuses dates that do not exist (RFC 3339 section 5.7)', async () => {
    const { isRfc3339Utc } = await import('../../packages/verify/src/core/validate.js');
    for (const ok of ['2026-02-28T10:00:00Z', '2024-02-29T10:00:00.123Z', '2000-02-29T00:00:00Z', '2026-12-31T23:59:59Z']) assert.equal(isRfc3339Utc(ok), true, ok);
    for (const bad of ['2026-02-29T10:00:00Z', '1900-02-29T00:00:00Z', '2026-04-31T10:00:00Z', '2026-02-31T10:00:00Z', '2026-13-01T00:00:00Z']) assert.equal(isRfc3339Utc(bad), false, bad);
    // nothing after the Z, and only a string (not a String object that reads like one)
    for (const bad of ['2026-02-28T10:00:00Zjunk', '2026-02-28T10:00:00Z ', 'x2026-02-28T10:00:00Z']) assert.equal(isRfc3339Utc(bad), false, bad);
    assert.equal(isRfc3339Utc(new String('2026-02-28T10:00:00Z')), false);
  });

  it('refuses to write a public key of the wrong length as PEM', async () => {
    const { publicKeyToPem } = await import('../../packages/verify/src/core/index.js');
    assert.throws(() => publicKeyToPem(new Uint8Array(31)), TypeError);
  });
});
