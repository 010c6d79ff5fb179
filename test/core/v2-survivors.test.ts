// Issue 21: the behaviours that the surviving mutants of the v2 part's Stryker
// run showed untested (reports/mutation/core-v2.json, run at c03c6f8). Each
// test names the mutants it kills by Stryker's id; docs/coverage/v2-survivors.md
// has every survivor, this file's kills among them. The examples are built
// inside the tests, not when the file loads: a mutant that breaks the builder
// then fails a test (Stryker: killed) instead of crashing the file (Stryker:
// runtime error, outside the score).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { type DestructionRecord, type FieldProblem, type MerkleHasher, nobleHasher } from '../../packages/verify/src/core/index.js';
import { utf8Encode } from '../../packages/verify/src/core/bytes.js';
import { canonicalize } from '../../packages/verify/src/core/canonical-json.js';
import { signCertificate, verifyCertificate } from '../../packages/verify/src/core/certificate.js';
import { seedSigner, type Signer, trustedKey } from '../../packages/verify/src/core/ed25519.js';
import { ValidationError, VerificationError } from '../../packages/verify/src/core/errors.js';
import { ListBuilder, type ListName, listOfEntry, ListVerifier, parseListEntryLine, verifyListFile } from '../../packages/verify/src/core/list.js';
import { verifyOrderFile } from '../../packages/verify/src/core/order-file.js';
import { resolveTrust, verifyTrusted } from '../../packages/verify/src/core/pin.js';
import { RECORD_MAX_LINE_BYTES } from '../../packages/verify/src/core/record.js';
import { StatementBuilderV2 } from '../../packages/verify/src/core/statement-builder-v2.js';
import { validateStatementV2 } from '../../packages/verify/src/core/statement-v2.js';
import { compareTimes, isInstant } from '../../packages/verify/src/core/time.js';
import { buildTrustRoot, checkKeyWindow, parseTrustRoot, publicKeyOf, type TrustRootKey, trustRootKeys, trustRootText } from '../../packages/verify/src/core/trust-root.js';
import { buildExample } from '../../scripts/example-certificate.js';
import { buildExampleV2, type ExampleV2, ndjson } from '../../scripts/example-certificate-v2.js';
import { codeOf, failure } from './fails-with.js';
import { statementParts } from './statement-parts.js';

type Any = any;
let cached: ExampleV2 | undefined;
const exV2 = (): ExampleV2 => (cached ??= buildExampleV2());
const entryOf = (list: ListName, i = 0): Any => JSON.parse(exV2().lines[list][i]!);
const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const NO_STATUSES = { held: 0, exception: 0, unplanned: 0, recreated: 0 };

/** The paths of the ValidationError that `f` throws, sorted, repeats kept. */
function pathsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.fields.map((p) => p.path).sort();
  }
  assert.fail('accepted');
}

/** A retained entry whose canonical line is exactly `bytes` bytes of UTF-8, its reason padded with `fill` (1 or 2 bytes each) and 'r'. */
function retainedLineOf(bytes: number, fill: 'r' | '\u00e9'): string {
  const base = canonicalize({ ...entryOf('retained'), reason: '' }).length;
  const room = bytes - base;
  const reason = fill === 'r' ? 'r'.repeat(room) : '\u00e9'.repeat(Math.floor(room / 2)) + 'r'.repeat(room % 2);
  const line = canonicalize({ ...entryOf('retained'), reason });
  assert.equal(utf8Encode(line).length, bytes);
  return line;
}

describe('list.ts', () => {
  it('a salt may be longer than 16 bytes: section 5.5 says at least 16 (#50)', () => {
    const e = { ...entryOf('retained'), salt: 'ab'.repeat(32) };
    assert.equal(parseListEntryLine('retained', canonicalize(e)).salt, 'ab'.repeat(32));
    assert.equal(codeOf(() => parseListEntryLine('retained', canonicalize({ ...e, salt: 'ab'.repeat(15) }))), 'RECORD_INVALID');
  });

  it('an entry with none of holdId, code and status is refused at $ alone, not taken for a re-scan entry (#93, #98, #99, #100)', () => {
    const { status: _, ...none } = entryOf('rescan');
    assert.deepEqual(pathsOf(() => listOfEntry(none)), ['$']);
    assert.equal(listOfEntry(entryOf('rescan')), 'rescan');
  });

  it('a line of exactly 65,536 bytes is accepted, as text and as bytes, in one-byte and two-byte characters; one more byte is RECORD_TOO_LONG (#117, #120, #125, #126, #176)', () => {
    assert.equal(RECORD_MAX_LINE_BYTES, 65_536);
    for (const fill of ['r', '\u00e9'] as const) {
      const line = retainedLineOf(RECORD_MAX_LINE_BYTES, fill);
      assert.equal(parseListEntryLine('retained', line).index, 0, fill);
      assert.equal(new ListVerifier('retained', exV2().statement).push(line).index, 0, fill);
      assert.equal(new ListVerifier('retained', exV2().statement).push(utf8Encode(line)).index, 0, fill);
      const over = retainedLineOf(RECORD_MAX_LINE_BYTES + 1, fill);
      assert.equal(codeOf(() => parseListEntryLine('retained', over)), 'RECORD_TOO_LONG', fill);
      assert.equal(codeOf(() => new ListVerifier('retained', exV2().statement).push(utf8Encode(over))), 'RECORD_TOO_LONG', fill);
    }
  });

  it('a line too long is refused before it is decoded: 65,537 bytes that are not UTF-8 are RECORD_TOO_LONG, 65,536 are UTF8_INVALID (section 8 step 5, in order) (#170, #176)', () => {
    const push = (n: number) => codeOf(() => new ListVerifier('retained', exV2().statement).push(new Uint8Array(n).fill(0xff)));
    assert.equal(push(RECORD_MAX_LINE_BYTES + 1), 'RECORD_TOO_LONG');
    assert.equal(push(RECORD_MAX_LINE_BYTES), 'UTF8_INVALID');
    const file = new Uint8Array(RECORD_MAX_LINE_BYTES + 2).fill(0xff);
    file[file.length - 1] = 0x0a;
    assert.equal(codeOf(() => verifyListFile('retained', exV2().statement, file)), 'RECORD_TOO_LONG');
  });

  it('ListVerifier hashes with the hasher it is given and counts the lines pushed (#163, #166)', () => {
    let leaves = 0;
    const spy: MerkleHasher = { ...nobleHasher, hashLeaf: (x) => (leaves++, nobleHasher.hashLeaf(x)) };
    const v = new ListVerifier('rescan', exV2().statement, { hasher: spy });
    assert.equal(v.count, 0);
    exV2().lines.rescan.forEach((l, i) => {
      v.push(l);
      assert.equal(v.count, i + 1);
    });
    assert.equal(v.finish().count, 2);
    assert.equal(leaves, 2);
  });

  it('the lists other than rescan.ndjson count no status, on both sides (#207, #285)', () => {
    for (const list of ['retained', 'exceptions'] as const) {
      const summary = verifyListFile(list, exV2().statement, utf8Encode(ndjson(exV2().lines[list])));
      assert.deepEqual(summary.perStatus, NO_STATUSES, list);
      const b = new ListBuilder(list);
      exV2().lines[list].forEach((l) => b.add(JSON.parse(l)));
      assert.deepEqual(b.countsByStatus(), NO_STATUSES, list);
    }
  });

  it('a last line that ends in anything but "\\n" is RECORD_INVALID, even when the bytes before its last one are a valid entry (#259)', () => {
    const [r0, r1] = exV2().lines.rescan as [string, string];
    assert.equal(codeOf(() => verifyListFile('retained', exV2().statement, utf8Encode(`${exV2().lines.retained[0]} `))), 'RECORD_INVALID');
    assert.equal(codeOf(() => verifyListFile('rescan', exV2().statement, utf8Encode(`${r0}\n${r1} `))), 'RECORD_INVALID');
  });
});

describe('order-file.ts', () => {
  const statementFor = (bytes: Uint8Array, version = 1) => ({ version, order: { sha256: sha256Hex(bytes), reference: 'ORD-1' } });

  it('order.json that is JSON null is ORDER_MISMATCH, like any other value that is not an object (#309)', () => {
    for (const text of ['null', '[]', '"ORD-1"', '1']) {
      const bytes = utf8Encode(text);
      assert.equal(codeOf(() => verifyOrderFile(bytes, statementFor(bytes))), 'ORDER_MISMATCH', text);
    }
  });

  it('an order.json without a targets array shows no targets (#362, #363)', () => {
    for (const order of [{ reference: 'ORD-1' }, { reference: 'ORD-1', targets: 'photos' }, { reference: 'ORD-1', targets: { backend: 'photos' } }]) {
      const bytes = utf8Encode(canonicalize(order));
      assert.deepEqual(verifyOrderFile(bytes, statementFor(bytes)).targets, [], JSON.stringify(order));
    }
  });
});

describe('pin.ts', () => {
  const a = seedSigner(new Uint8Array(32).fill(2));
  const b = seedSigner(new Uint8Array(32).fill(3));
  const rootText = (s: Signer) => trustRootText(buildTrustRoot({ issuer: 'Example Corp', keys: [{ publicKey: s.publicKey, validFrom: '2026-01-01T00:00:00Z' }] }));
  const statement = () => buildExample().statement;
  const certA = () => signCertificate({ ...statement(), issuer: { ...statement().issuer, keyid: a.keyid } }, a);

  it('a pin over trust.json hashes its bytes as given, whether bytes or text (#382)', () => {
    const bytes = utf8Encode(rootText(a));
    assert.deepEqual(resolveTrust({ pinnedRoot: bytes }).pin, { kind: 'trust-root', value: sha256Hex(bytes) });
    assert.deepEqual(resolveTrust({ bundleRoot: bytes, trustSha256: sha256Hex(bytes) }).pin, { kind: 'trust-sha256', value: sha256Hex(bytes) });
  });

  it('a usage problem is an Error of its own, not a TypeError from reading what is missing (#407)', () => {
    for (const sources of [{}, { keyid: a.keyid }, { trustSha256: sha256Hex('x') }]) {
      assert.throws(() => resolveTrust(sources), (e: unknown) => e instanceof Error && e.constructor === Error, JSON.stringify(sources));
    }
  });

  it('resolveTrust says where its keys come from and holds only the roots and pin it was given; an unpinned verdict has no pin (#445, #451, #452, #454; timed out: #456, #525)', () => {
    const keys = [trustedKey(a.publicKey)];
    assert.deepEqual(resolveTrust({ keys }), { keys, keySource: 'keys', pins: [] });
    assert.equal(Object.hasOwn(verifyTrusted(resolveTrust({ keys }), () => ({ keyid: a.keyid, statement: statement() })), 'pin'), false);
    const pinned = resolveTrust({ pinnedRoot: rootText(a) });
    assert.equal(pinned.keySource, 'pinned-root');
    assert.equal(Object.hasOwn(pinned, 'bundleRoot'), false);
    const bundle = resolveTrust({ bundleRoot: rootText(a) });
    assert.equal(bundle.keySource, 'bundle-root');
    assert.equal(Object.hasOwn(bundle, 'pinnedRoot'), false);
  });

  it('PIN_MISMATCH for a signature by no pinned key carries the KEY_UNTRUSTED failure as its cause (#492)', () => {
    const e = failure(() => verifyTrusted(resolveTrust({ bundleRoot: rootText(b), trustSha256: sha256Hex(rootText(b)) }), (keys) => verifyCertificate(certA(), keys)));
    assert.equal(e.code, 'PIN_MISMATCH');
    assert.ok(e.cause instanceof VerificationError);
    assert.equal(e.cause.code, 'KEY_UNTRUSTED');
  });

  it('a key id pin holds whatever the verify function returns: a result by another key is PIN_MISMATCH (#500, #501; timed out: #494)', () => {
    const trust = resolveTrust({ keys: [trustedKey(a.publicKey), trustedKey(b.publicKey)], keyid: a.keyid });
    assert.equal(codeOf(() => verifyTrusted(trust, () => ({ keyid: b.keyid, statement: statement() }))), 'PIN_MISMATCH');
    assert.equal(verifyTrusted(trust, () => ({ keyid: a.keyid, statement: statement() })).pinned, true);
  });
});

describe('statement-builder-v2.ts and statement-v2.ts', () => {
  it('StatementBuilderV2 carries the audit head it is given (#564)', () => {
    const s = exV2().statement;
    const b = new StatementBuilderV2();
    buildExample().lines.forEach((l) => b.add(JSON.parse(l) as DestructionRecord));
    const audit = { entries: 12, head: 'ab'.repeat(32) };
    const built = b.build(statementParts(s, { audit }));
    assert.deepEqual(built, { ...s, audit });
  });

  it('a statement whose execution or rescan is missing or not an object is a ValidationError naming it, not a TypeError (#798, #811)', () => {
    for (const member of ['execution', 'rescan']) {
      for (const value of [undefined, 1, 'x', null, []]) {
        const s: Any = structuredClone(exV2().statement);
        if (value === undefined) delete s[member];
        else s[member] = value;
        assert.ok(pathsOf(() => validateStatementV2(s)).includes(`$.${member}`), `${member}: ${JSON.stringify(value)}`);
      }
    }
  });

  it('a shape problem stops the cross-checks: withinDeadline "yes" beside sums that do not add up lists the shape problem alone (#800)', () => {
    const offSums: Any = structuredClone(exV2().statement);
    offSums.completeness.planned += 1;
    assert.deepEqual(pathsOf(() => validateStatementV2(offSums)), ['$.completeness', '$.inventory.treeSize', '$.targets']);
    for (const within of ['yes', 1, null]) {
      const s: Any = structuredClone(offSums);
      s.execution.withinDeadline = within;
      assert.deepEqual(pathsOf(() => validateStatementV2(s)), ['$.execution.withinDeadline'], JSON.stringify(within));
    }
  });
});

describe('time.ts', () => {
  it('isInstant: nothing may follow the final Z (#929)', () => {
    for (const t of ['2026-11-20T10:00:00Zx', '2026-11-20T10:00:00.5ZZ', '2026-11-20T10:00:00Z\n', '2026-11-20T10:00:00.123Z ']) {
      assert.equal(isInstant(t), false, JSON.stringify(t));
      assert.throws(() => compareTimes(t, '2026-11-20T10:00:00Z'), RangeError);
    }
    assert.equal(isInstant('2026-11-20T10:00:00.1234567890123Z'), true);
  });
});

describe('trust-root.ts', () => {
  const a = seedSigner(new Uint8Array(32).fill(2));
  const FROM = '2026-01-01T00:00:00Z';
  const root = () => buildTrustRoot({ issuer: 'Example Corp', keys: [{ publicKey: a.publicKey, validFrom: FROM }] });
  const entry = (extra: Record<string, unknown> = {}): TrustRootKey => ({ ...root().certificateKeys[0]!, ...extra });
  const rootJson = (keys: unknown[]) => JSON.stringify({ type: 'shredproof.trust-root', version: 1, issuer: 'Example Corp', certificateKeys: keys });
  /** The paths of the fields that parseTrustRoot's TRUST_ROOT_INVALID names in its cause, sorted, repeats kept. */
  const invalidPaths = (text: string): string[] => {
    const e = failure(() => parseTrustRoot(text));
    assert.equal(e.code, 'TRUST_ROOT_INVALID', e.message);
    assert.ok(e.cause instanceof ValidationError, 'the cause is the ValidationError');
    return (e.cause.fields as FieldProblem[]).map((f) => f.path).sort();
  };

  it('a key entry made by hand with a publicKey that is not base64 is BASE64_INVALID in trustRootKeys and publicKeyOf (#969, #970)', () => {
    const bad = entry({ publicKey: '!!!!' });
    assert.equal(codeOf(() => trustRootKeys({ ...root(), certificateKeys: [bad] })), 'BASE64_INVALID');
    assert.equal(codeOf(() => publicKeyOf(bad)), 'BASE64_INVALID');
  });

  it('TRUST_ROOT_INVALID carries the ValidationError that lists every bad field as its cause (#1146)', () => {
    assert.deepEqual(invalidPaths(rootJson([entry({ validFrom: 'then' }), entry({ keyid: 'x' })])), ['$.certificateKeys[0].validFrom', '$.certificateKeys[1].keyid']);
  });

  it('each bad member of a key is one problem at its own path, and a key with a bad member is not compared for repeats (#996, #1056-#1060, #1063)', () => {
    const twice = (extra: Record<string, unknown>) => rootJson([entry(extra), entry(extra)]);
    assert.deepEqual(invalidPaths(twice({ validFrom: 'then' })), ['$.certificateKeys[0].validFrom', '$.certificateKeys[1].validFrom']);
    assert.deepEqual(invalidPaths(twice({ publicKey: '!!!!' })), ['$.certificateKeys[0].publicKey', '$.certificateKeys[1].publicKey']);
    assert.deepEqual(invalidPaths(twice({ keyid: 'x' })), ['$.certificateKeys[0].keyid', '$.certificateKeys[1].keyid']);
    // The control: two valid entries of one key are a repeat.
    assert.deepEqual(invalidPaths(twice({})), ['$.certificateKeys[1].keyid']);
  });

  it('a bad validUntil is named at its path; a bad validFrom beside a good validUntil is TRUST_ROOT_INVALID, not a TypeError (#1007, #1013)', () => {
    assert.deepEqual(invalidPaths(rootJson([entry({ validUntil: 'soon' })])), ['$.certificateKeys[0].validUntil']);
    assert.deepEqual(invalidPaths(rootJson([entry({ validFrom: 'then', validUntil: '2027-01-01T00:00:00Z' })])), ['$.certificateKeys[0].validFrom']);
  });

  it('trust.json that is JSON null or an array is TRUST_ROOT_INVALID at $ (#1081)', () => {
    for (const text of ['null', '[]', '"root"', '7']) assert.deepEqual(invalidPaths(text), ['$'], text);
  });

  it('checkKeyWindow: an issuedAt that is not a time of section 1 with at most nine fraction digits is STATEMENT_INVALID (#1161, #1162)', () => {
    for (const t of ['yesterday', '2026-11-20T10:05:00.0000000001Z']) assert.equal(codeOf(() => checkKeyWindow(root(), a.keyid, t)), 'STATEMENT_INVALID', t);
    assert.equal(checkKeyWindow(root(), a.keyid, '2026-11-20T10:05:00.000000001Z').keyid, a.keyid);
  });
});
