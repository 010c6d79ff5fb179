// The Go checker of test/interop, an outside implementation of docs/FORMAT.md
// versions 1 and 2 and the certificate vectors' codes (Go's standard library,
// transparency-dev/merkle and golang.org/x/mod/sumdb/note, nothing of
// shredproof): built with
// -mod=readonly from the modules go.sum pins, it accepts a real
// `shredproof demo` bundle (version 2) with `shredproof prove` proofs,
// rejects each tampering with the code of FORMAT.md section 8, and gives every
// certificate vector of either version its expected code, trust roots and
// signed approvals (5.7, 5.9) included, the derived section with its signed
// dispositions and the vendor bundles of valid-derived/ (5.10: vendors/NAME/
// bound by SHA-256, then checked as a bundle of its own) and the receipt of
// valid-logged/ (section 12.8: x/mod's note.Open for the log's signature and
// the witness's cosignature, merkle's VerifyInclusion for the entry) too, but
// for the pin vectors, which it does not check (see PINS).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, runCli, spawnCli } from '../helpers/run-cli.js';
import { requireRedis } from '../helpers/services.js';
import { buildGoCheck, flipSignatureByte, goCheck, leafHash, type Envelope, type ProofV2 } from './go-check-helpers.js';

const VECTORS = join(ROOT, 'test', 'vectors', 'certificate');
const OTHER_KEY = join(VECTORS, 'valid', 'public-key.pem'); // FORMAT.md section 9's test key, not the demo's
const dir = mkdtempSync(join(tmpdir(), 'sp-go-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const demo = join(dir, 'demo');
const D = (f: string) => join(demo, f);
const T = (f: string) => join(dir, f);
const read = (f: string) => readFileSync(f, 'utf8');
const lines = (f: string) => read(f).split('\n').slice(0, -1); // each line ends in "\n" (FORMAT.md 3)
const sha256 = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const expectedCode = (d: string) => (JSON.parse(read(join(d, 'expected.json'))) as { code: string }).code;
const addOneToSize = (line: string) => line.replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) + 1}`);
const write = (name: string, value: unknown) => {
  writeFileSync(T(name), typeof value === 'string' ? value : JSON.stringify(value));
  return T(name);
};

/** The demo's files, one flag each: what --bundle reads, given by hand; the receipt when the bundle has one (over.receipt '': none). */
const BUNDLE_FLAGS = { certificate: 'certificate.json', 'public-key': 'public-key.pem', records: 'records.ndjson', retained: 'retained.ndjson', exceptions: 'exceptions.ndjson', rescan: 'rescan.ndjson', order: 'order.json', trust: 'trust.json', receipt: 'receipt.tlog-proof' };
function filesOf(dir: string, over: Record<string, string> = {}): string[] {
  const receipt = over.receipt ?? (existsSync(join(dir, BUNDLE_FLAGS.receipt)) ? join(dir, BUNDLE_FLAGS.receipt) : '');
  return Object.entries(BUNDLE_FLAGS).flatMap(([flag, file]) => (flag !== 'receipt' ? [`--${flag}`, over[flag] ?? join(dir, file)] : receipt ? ['--receipt', receipt] : []));
}
const demoFiles = (over: Record<string, string> = {}) => filesOf(demo, over);

/** Each case exits 1 with its code first on stdout. */
function assertInvalid(cases: Array<[string, string[], string]>): void {
  for (const [name, args, code] of cases) {
    const r = goCheck(...args);
    assert.equal(r.code, 1, `${name}: ${r.out}`);
    assert.match(r.out, new RegExp(`^INVALID ${code}: `), `${name}: ${r.out}`);
  }
}

before(async () => {
  buildGoCheck(T('go-check'));
  await requireRedis();
  const r = spawnCli(['demo', '--out', demo, '--objects', '40'], { env: { LOG_LEVEL: 'warn' } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const common = ['--certificate', D('certificate.json'), '--records', D('records.ndjson'), '--public-key', D('public-key.pem')];
  const locator = (JSON.parse(lines(D('records.ndjson'))[5]!) as { locator: string }).locator;
  const p = await runCli('prove', ...common, '--locator', locator, '--out', T('proof.json'));
  assert.equal(p.code, 0, p.stdout + p.stderr);
  // A held object was not destroyed: prove says so (exit 1, "not found" among the
  // records, or 0) and writes the proof of its retained.ndjson entry.
  const held = (JSON.parse(lines(D('retained.ndjson'))[0]!) as { locator: string }).locator;
  const q = await runCli('prove', ...common, '--retained', D('retained.ndjson'), '--locator', held, '--out', T('retained-proof.json'));
  assert.ok([0, 1].includes(q.code) && existsSync(T('retained-proof.json')), q.stdout + q.stderr);
  // prove writes no rescan proofs: this one is made here. The demo holds two
  // objects, so rescan.ndjson has 2 lines, and in a tree of 2 leaves the audit
  // path of leaf 1 is leaf 0's hash (RFC 9162 section 2.1.3.1).
  const rescan = lines(D('rescan.ndjson'));
  assert.equal(rescan.length, 2, 'the demo finds its 2 held objects in the re-scan');
  const proof = JSON.parse(read(T('proof.json'))) as ProofV2;
  write('rescan-proof.json', { ...proof, list: 'rescan', entry: rescan[1], leafIndex: 1, treeSize: 2, auditPath: [leafHash(rescan[0]!)] });
});

describe('the Go checker (test/interop), on a demo bundle of version 2', () => {
  it('accepts the bundle, file by file, and says what it did not check', () => {
    const r = goCheck('--bundle', demo);
    assert.equal(r.code, 0, r.out);
    const n = lines(D('records.ndjson')).length;
    const expected = [
      /^VALID\ncertificate cert-\S+ signed by key [0-9a-f]{64}, statement version 2\n/,
      new RegExp(`^records: ${n}, merkle root [0-9a-f]{64}$`, 'm'),
      /^retained\.ndjson: 2 entries, merkle root [0-9a-f]{64}$/m,
      /^exceptions\.ndjson: 0 entries, merkle root e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855$/m,
      /^rescan\.ndjson: 2 entries, merkle root [0-9a-f]{64}$/m,
      new RegExp(`^order\\.json: sha256 ${sha256(D('order.json'))}, reference `, 'm'),
      /^trust root: key [0-9a-f]{64} in force at issuedAt \S+; \d+ approval keys, approvals (not required|required from \S+)$/m,
      // The server's transparency log (section 12): its receipt, checked by 12.8.
      /^receipt: entry \d+ of \d+ in the log \S+ \(root [0-9a-f]{64}\), signed by \S+\+[0-9a-f]{8}, cosigned by .+ \(\d+ required\)$/m,
      /^ignored: photos-to-check$/m,
    ];
    for (const re of expected) assert.match(r.out, re);
    // The server's signed approvals (section 5.9), each checked against the demo's trust.json.
    const statement = JSON.parse(Buffer.from((JSON.parse(read(D('certificate.json'))) as Envelope).payload, 'base64').toString('utf8')) as {
      approvals?: Array<{ role: string; person: string; keyid: string }>;
    };
    const approvals = [...r.out.matchAll(/^approval: (\S+) (\S+), key ([0-9a-f]{64}), signed at \S+$/gm)].map((m) => ({ role: m[1], person: m[2], keyid: m[3] }));
    assert.deepEqual(approvals, (statement.approvals ?? []).map(({ role, person, keyid }) => ({ role, person, keyid })));
    const byHand = goCheck(...demoFiles());
    assert.equal(byHand.code, 0, byHand.out);
    // DSSE's keyid is an optional hint: a signature without one is tried against the key.
    const cert = JSON.parse(read(D('certificate.json'))) as Envelope;
    const noKeyid = write('no-keyid.json', { ...cert, signatures: [{ sig: cert.signatures[0]!.sig }] });
    assert.equal(goCheck(...demoFiles({ certificate: noKeyid })).code, 0);
  });

  it('accepts version 2 proofs of a record, a retained entry and a rescan entry', () => {
    const n = lines(D('records.ndjson')).length;
    const proofs = ['--proof', T('proof.json'), '--proof', T('retained-proof.json'), '--proof', T('rescan-proof.json')];
    for (const args of [[...proofs, '--public-key', D('public-key.pem')], [...demoFiles(), ...proofs]]) {
      const r = goCheck(...args);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, new RegExp(`^proof: photos:\\S+ \\(sha256 [0-9a-f]{64}\\) at leaf 5 of ${n}, certificate cert-`, 'm'));
      assert.match(r.out, /^proof: photos:\S+ \(retained under hold \S+\) at leaf 0 of 2 of retained\.ndjson, certificate cert-/m);
      assert.match(r.out, /^proof: photos:\S+ \(rescan status held\) at leaf 1 of 2 of rescan\.ndjson, certificate cert-/m);
    }
  });

  it('rejects each tampering with exit 1 and the code of FORMAT.md section 8', () => {
    const cert = JSON.parse(read(D('certificate.json'))) as Envelope;
    const proof = JSON.parse(read(T('proof.json'))) as ProofV2;
    const rescanProof = JSON.parse(read(T('rescan-proof.json'))) as ProofV2;
    const retained = lines(D('retained.ndjson'));
    const flipped = flipSignatureByte(cert);
    const tamperedLines = (f: string, i: number, edit: (l: string) => string) => lines(f).map((l, j) => (j === i ? edit(l) : l)).join('\n') + '\n';
    const files = {
      sigFlipped: write('sig-flipped.json', flipped),
      noKeyidFlipped: write('no-keyid-flipped.json', { ...flipped, signatures: [{ sig: flipped.signatures[0]!.sig }] }),
      records: write('records-tampered.ndjson', tamperedLines(D('records.ndjson'), 3, addOneToSize)),
      retainedAltered: write('retained-altered.ndjson', tamperedLines(D('retained.ndjson'), 1, (l) => l.replace('"reason":"', '"reason":"x'))),
      retainedSwapped: write('retained-swapped.ndjson', `${retained[1]}\n${retained[0]}\n`),
      rescanDropped: write('rescan-dropped.ndjson', `${lines(D('rescan.ndjson'))[0]}\n`),
      orderIndented: write('order-indented.json', JSON.stringify(JSON.parse(read(D('order.json'))), null, 2)),
      orderNewline: write('order-newline.json', `${read(D('order.json'))}\n`),
    };
    const path0 = proof.auditPath[0]!;
    const asV1 = { ...proof, version: 1, record: proof.entry, entry: undefined, list: undefined }; // JSON leaves undefined out
    const tampered: Record<string, unknown> = {
      'proof-sig-flipped': { ...proof, certificate: flipSignatureByte(proof.certificate) },
      'proof-entry-tampered': { ...proof, entry: addOneToSize(proof.entry) },
      'proof-path-wrong': { ...proof, auditPath: [(path0[0] === '0' ? '1' : '0') + path0.slice(1), ...proof.auditPath.slice(1)] },
      'proof-path-short': { ...proof, auditPath: proof.auditPath.slice(0, -1) },
      'proof-index-wrong': { ...proof, leafIndex: proof.leafIndex + 1 },
      'proof-size-wrong': { ...proof, treeSize: proof.treeSize + 1 },
      'proof-member-unknown': { ...proof, note: 'x' },
      'proof-record-not-entry': { ...asV1, version: 2, list: 'records' },
      'proof-v1-of-v2-certificate': asV1,
      'proof-list-wrong': { ...JSON.parse(read(T('retained-proof.json'))), list: 'rescan' }, // also 2 leaves
      'proof-index-beyond-tree': { ...rescanProof, leafIndex: 2, entry: rescanProof.entry.replace('"index":1', '"index":2') },
    };
    const proofArgs = (name: string) => ['--proof', write(`${name}.json`, tampered[name]), '--public-key', D('public-key.pem')];
    assertInvalid([
      ['a flipped byte in the signature', demoFiles({ certificate: files.sigFlipped }), 'SIGNATURE_INVALID'],
      ['an unnamed signature that does not verify', demoFiles({ certificate: files.noKeyidFlipped }), 'KEY_UNTRUSTED'],
      ['a different public key', demoFiles({ 'public-key': OTHER_KEY }), 'KEY_UNTRUSTED'],
      ['a different public key, for a bundle', ['--bundle', demo, '--public-key', OTHER_KEY], 'KEY_UNTRUSTED'],
      ['a tampered record line', demoFiles({ records: files.records }), 'MERKLE_ROOT_MISMATCH'],
      ['a tampered retained line, still canonical', demoFiles({ retained: files.retainedAltered }), 'MERKLE_ROOT_MISMATCH'],
      ['two retained lines swapped', demoFiles({ retained: files.retainedSwapped }), 'RECORD_INDEX_WRONG'],
      ['a rescan line dropped', demoFiles({ rescan: files.rescanDropped }), 'RECORD_COUNT_MISMATCH'],
      ['retained.ndjson given as exceptions.ndjson', demoFiles({ exceptions: D('retained.ndjson') }), 'RECORD_INVALID'],
      ['order.json indented', demoFiles({ order: files.orderIndented }), 'ORDER_MISMATCH'],
      ['order.json with a final newline', demoFiles({ order: files.orderNewline }), 'ORDER_MISMATCH'],
      ['a trust root that does not list the key', demoFiles({ trust: join(VECTORS, 'v2', 'valid', 'trust.json') }), 'KEY_UNTRUSTED'],
      ["a flipped byte in the proof's certificate signature", proofArgs('proof-sig-flipped'), 'SIGNATURE_INVALID'],
      ['a different public key, for the proof', ['--proof', T('proof.json'), '--public-key', OTHER_KEY], 'KEY_UNTRUSTED'],
      ['a tampered entry in the proof', proofArgs('proof-entry-tampered'), 'MERKLE_ROOT_MISMATCH'],
      ['a wrong proof path element', proofArgs('proof-path-wrong'), 'MERKLE_ROOT_MISMATCH'],
      ['a proof path one short', proofArgs('proof-path-short'), 'PROOF_SIZE_WRONG'],
      ['a leafIndex that is not the entry index', proofArgs('proof-index-wrong'), 'RECORD_INDEX_WRONG'],
      ["a treeSize that is not the list's", proofArgs('proof-size-wrong'), 'PROOF_CERTIFICATE_MISMATCH'],
      ['a proof member that version 2 does not define', proofArgs('proof-member-unknown'), 'MEMBER_UNKNOWN'],
      ["version 2 with version 1's record and no entry", proofArgs('proof-record-not-entry'), 'VERSION_UNSUPPORTED'],
      ['a version 1 proof carrying the v2 certificate', proofArgs('proof-v1-of-v2-certificate'), 'PROOF_CERTIFICATE_MISMATCH'],
      ['a retained entry said to be of rescan.ndjson', proofArgs('proof-list-wrong'), 'RECORD_INVALID'],
      ['an entry and leafIndex beyond the tree', proofArgs('proof-index-beyond-tree'), 'INDEX_OUT_OF_RANGE'],
    ]);
  });

  it('exits 2 for usage errors and input it cannot read', () => {
    const v1 = (f: string) => join(VECTORS, 'valid', f);
    const cases: Array<[string, string[]]> = [
      ['no arguments', []],
      ['no public key', ['--certificate', D('certificate.json')]],
      ['records without a certificate', ['--public-key', D('public-key.pem'), '--proof', T('proof.json'), '--records', D('records.ndjson')]],
      ['a list without a certificate', ['--public-key', D('public-key.pem'), '--retained', D('retained.ndjson')]],
      ['a trust root without a certificate', ['--public-key', D('public-key.pem'), '--proof', T('proof.json'), '--trust', D('trust.json')]],
      ['a list with a version 1 certificate', ['--certificate', v1('certificate.json'), '--public-key', v1('public-key.pem'), '--rescan', D('rescan.ndjson')]],
      ['a bundle with other files', ['--bundle', demo, '--records', D('records.ndjson')]],
      ['a bundle without certificate.json', ['--bundle', join(demo, 'photos-to-check')]],
      ['a missing certificate', ['--certificate', T('missing.json'), '--public-key', D('public-key.pem')]],
      ['a missing list file', demoFiles({ rescan: T('missing.ndjson') })],
      ['a public key that is not one', ['--certificate', D('certificate.json'), '--public-key', D('records.ndjson')]],
    ];
    for (const [name, args] of cases) {
      const r = goCheck(...args);
      assert.equal(r.code, 2, `${name}: ${r.out}`);
      assert.doesNotMatch(r.out, /^(VALID|INVALID)/m, name);
    }
  });
});

// The vectors' codes that pins (5.8) decide (test/vectors/certificate/v2/README.md,
// "Who decides which code"). The Go checker takes the key and the trust root
// it is given (--public-key or a bundle's public-key.pem, --trust or its
// trust.json): it checks the formats, the trees, the order, the trust root's
// rules, windows and approvals, not which key speaks for the issuer, so it
// has nothing to say about these vectors. test/core/certificate-vectors-v2.test.ts
// checks their codes.
const PINS: Record<string, string> = {
  'pin-keyid-other-key': 'a --keyid pin',
  'pin-trust-sha256-other': 'a --trust-sha256 pin',
};
const PIN_CODES = ['PIN_MISMATCH'];

/** A verifier key of the same key under another name (C2SP signed-note: the hint is SHA-256(name || 0x0A || type || key)[:4]). */
function renamedKey(vkey: string, name: string): string {
  const key = vkey.split('+').slice(2).join('+');
  return `${name}+${createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from(key, 'base64')])).digest('hex').slice(0, 8)}+${key}`;
}

/** valid-logged/'s verdicts: what its receipt proves (section 12.8). */
interface LoggedVerdict {
  receipt: { index: number; treeSize: number; rootHash: string; origin: string; logKeys: string[]; cosignatures: Array<{ witness: string; time: number }> };
}
interface LoggedRoot {
  certificateKeys: Array<Record<string, unknown>>;
  log: { origin: string; keys: string[]; witnesses?: string[]; witnessQuorum?: number; receiptsRequiredFrom?: string };
}

interface ApprovedVerdict {
  approvals: Array<{ role: string; person: string; keyid: string }>;
  approvalsRequired: boolean;
  /** valid-derived/ only (section 5.10). */
  dispositions?: Array<{ artifact: string; disposition: string; person: string; keyid: string }>;
  vendors?: Array<{ artifact: string; dir: string; certificateId: string; keyid: string }>;
}

describe('the Go checker (test/interop), on the certificate vectors', () => {
  it('gives every version 1 vector its expected code', () => {
    const v = (d: string, f: string) => join(VECTORS, d, f);
    const valid = goCheck('--certificate', v('valid', 'certificate.json'), '--public-key', v('valid', 'public-key.pem'), '--records', v('valid', 'records.ndjson'));
    assert.equal(valid.code, 0, valid.out);
    assert.match(valid.out, /^VALID\ncertificate cert-example-0001 signed by key [0-9a-f]{64}, statement version 1\n/);
    const names = readdirSync(join(VECTORS, 'invalid')).sort();
    assert.ok(names.length >= 25, names.join());
    assertInvalid(names.map((name) => {
      const d = join('invalid', name);
      return [name, ['--certificate', v(d, 'certificate.json'), '--public-key', v(d, 'public-key.pem'), '--records', v(d, 'records.ndjson')], expectedCode(join(VECTORS, d))];
    }));
  });

  it("accepts the version 1 proof of FORMAT.md section 9's worked example, and refuses it altered", () => {
    const doc = read(join(ROOT, 'docs', 'FORMAT.md'));
    const m = /per-object proof for leaf (\d+) carries this audit path[^\n]*\n\n```json\n([\s\S]*?)```/.exec(doc);
    assert.ok(m, 'FORMAT.md section 9 shows an audit path');
    const v = (f: string) => join(VECTORS, 'valid', f); // the example's certificate, records and key
    const records = lines(v('records.ndjson'));
    const leafIndex = Number(m[1]);
    const proof = { type: 'shredproof.object-proof', version: 1, record: records[leafIndex]!, leafIndex, treeSize: records.length, auditPath: JSON.parse(m[2]!) as string[], certificate: JSON.parse(read(v('certificate.json'))) as Envelope };
    const args = (p: unknown, name: string) => ['--certificate', v('certificate.json'), '--public-key', v('public-key.pem'), '--records', v('records.ndjson'), '--proof', write(name, p)];
    const r = goCheck(...args(proof, 'example-proof.json'));
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`^proof: \\S+ \\(sha256 [0-9a-f]{64}\\) at leaf ${leafIndex} of ${records.length}, certificate cert-example-0001$`, 'm'));
    assertInvalid([
      ['a tampered record', args({ ...proof, record: addOneToSize(proof.record) }, 'v1-tampered.json'), 'MERKLE_ROOT_MISMATCH'],
      ['a member that version 1 does not define', args({ ...proof, list: 'records' }, 'v1-member.json'), 'MEMBER_UNKNOWN'],
      ['a version no checker knows', args({ ...proof, version: 3 }, 'v3.json'), 'VERSION_UNSUPPORTED'],
      ['a version 2 proof carrying the v1 certificate', args({ ...proof, record: undefined, version: 2, list: 'records', entry: proof.record }, 'v2-of-v1.json'), 'PROOF_CERTIFICATE_MISMATCH'],
    ]);
  });

  it("accepts the version 2 bundle, its proofs, and FORMAT.md section 11's retained proof", () => {
    const valid = join(VECTORS, 'v2', 'valid');
    const r = goCheck('--bundle', valid);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out.match(/^proof: .*, certificate cert-example-0002$/gm)?.length, readdirSync(join(valid, 'proofs')).length, r.out);
    const doc = read(join(ROOT, 'docs', 'FORMAT.md'));
    const m = /The retained one, without its `certificate` member[^\n]*\n\n```json\n([\s\S]*?)```/.exec(doc);
    assert.ok(m, 'FORMAT.md section 11 shows a retained proof');
    const proof = { ...(JSON.parse(m[1]!) as object), certificate: JSON.parse(read(join(valid, 'certificate.json'))) as Envelope };
    const p = goCheck('--proof', write('example-v2-proof.json', proof), '--public-key', join(valid, 'public-key.pem'));
    assert.equal(p.code, 0, p.out);
    assert.match(p.out, /^proof: photos:user-3001\/evidence\.jpg \(retained under hold hold-7\) at leaf 0 of 1 of retained\.ndjson, certificate cert-example-0002$/m);
    // A proof of another certificate, valid in itself (re-signed with another order's sha256), is not one of this bundle's.
    const other = join(VECTORS, 'v2', 'invalid', 'order-deadline-differs', 'proofs', 'record-2.json');
    assertInvalid([['a proof of another certificate', ['--certificate', join(valid, 'certificate.json'), '--public-key', join(valid, 'public-key.pem'), '--proof', other], 'PROOF_CERTIFICATE_MISMATCH']]);
  });

  it('gives every version 2 vector that it checks its expected code, and names those it does not', (t) => {
    const names = readdirSync(join(VECTORS, 'v2', 'invalid')).sort();
    assert.ok(names.length >= 40, names.join());
    const checked: Array<[string, string[], string]> = [];
    for (const name of names) {
      const d = join(VECTORS, 'v2', 'invalid', name);
      const code = expectedCode(d);
      // A new vector of this code, or one of these given another code, must be looked at here.
      assert.equal(PIN_CODES.includes(code), name in PINS, `${name} (${code})`);
      if (!(name in PINS)) {
        checked.push([name, ['--bundle', d], code]);
        continue;
      }
      // Everything the Go checker does check is valid in these bundles (README, "Who decides which code").
      const r = goCheck('--bundle', d);
      assert.equal(r.code, 0, `${name}: ${r.out}`);
      t.diagnostic(`not checked by the Go checker: ${name} (${code}, decided by ${PINS[name]}); it trusts the key it is given`);
    }
    for (const name of Object.keys(PINS)) assert.ok(names.includes(name), `${name} missing`);
    for (const name of ['approval-key-untrusted', 'approval-other-plan', 'approval-missing', 'trust-approval-key-is-certificate-key', 'key-revoked']) {
      assert.ok(names.includes(name), `${name} missing: the trust root and approval vectors are checked here`);
    }
    for (const name of ['derived-lineage-not-from-target', 'derived-disposition-key-untrusted', 'vendor-trust-other', 'vendor-order-other', 'vendor-bundle-tampered']) {
      assert.ok(names.includes(name), `${name} missing: the derived and vendor vectors are checked here`);
    }
    const receiptCodes = names.map((name) => JSON.parse(read(join(VECTORS, 'v2', 'invalid', name, 'expected.json'))) as { code: string; file?: string }).filter((v) => v.file === 'receipt.tlog-proof').map((v) => v.code);
    for (const code of ['RECEIPT_MISSING', 'NOTE_MALFORMED', 'NOTE_UNVERIFIED', 'NOTE_SIGNATURE_INVALID', 'COSIGNATURE_MISSING', 'RECEIPT_MISMATCH', 'KEY_REVOKED']) {
      assert.ok(receiptCodes.includes(code), `no receipt vector of ${code}: the receipt vectors (section 12.8) are checked here`);
    }
    assertInvalid(checked);
  });

  it('accepts the approved bundle (valid-approved/) and reports each approval that its expected.json lists', () => {
    const approved = join(VECTORS, 'v2', 'valid-approved');
    const [v] = JSON.parse(read(join(approved, 'expected.json'))) as ApprovedVerdict[];
    assert.ok(v && v.approvals.length > 0, 'valid-approved/ lists its approvals');
    for (const args of [['--bundle', approved], filesOf(approved)]) {
      const r = goCheck(...args);
      assert.equal(r.code, 0, r.out);
      const required = v.approvalsRequired ? 'required from \\S+' : 'not required';
      assert.match(r.out, new RegExp(`^trust root: key [0-9a-f]{64} in force at issuedAt \\S+; \\d+ approval keys, approvals ${required}$`, 'm'));
      const got = [...r.out.matchAll(/^approval: (\S+) (\S+), key ([0-9a-f]{64}), signed at \S+$/gm)].map((m) => ({ role: m[1], person: m[2], keyid: m[3] }));
      assert.deepEqual(got, v.approvals, r.out);
    }
    // Without a trust root the approvals' own rules are checked (step 4), and their keys are not.
    const alone = goCheck('--certificate', join(approved, 'certificate.json'), '--public-key', join(approved, 'public-key.pem'));
    assert.equal(alone.code, 0, alone.out);
    assert.match(alone.out, /^not checked: approvals \(no trust root lists the approvers' keys\)$/m);
    // The trust root given is the one in force: without the approver's key, the approval is not the root's.
    const root = JSON.parse(read(join(approved, 'trust.json'))) as { approvalKeys: Array<{ keyid: string }> };
    const approverKeyid = v.approvals.find((a) => a.role === 'approver')!.keyid;
    const other = write('no-approver-trust.json', { ...root, approvalKeys: root.approvalKeys.filter((k) => k.keyid !== approverKeyid) });
    assertInvalid([['a trust root without the approver\'s key', filesOf(approved, { trust: other }), 'APPROVER_UNTRUSTED']]);
  });

  it('accepts the derived bundle (valid-derived/): each signed disposition and the vendor bundle that its expected.json lists, checked as a bundle of its own', () => {
    const derived = join(VECTORS, 'v2', 'valid-derived');
    const [v] = JSON.parse(read(join(derived, 'expected.json'))) as ApprovedVerdict[];
    assert.ok(v && (v.dispositions?.length ?? 0) > 0 && (v.vendors?.length ?? 0) > 0, 'valid-derived/ lists its dispositions and vendors');
    const r = goCheck('--bundle', derived);
    assert.equal(r.code, 0, r.out);
    const decided = [...r.out.matchAll(/^disposition: (\S+) (\S+) by (\S+), key ([0-9a-f]{64}), signed at \S+$/gm)].map((m) => ({ artifact: m[2], disposition: m[1], person: m[3], keyid: m[4] }));
    assert.deepEqual(decided, v.dispositions, r.out);
    const vendors = [...r.out.matchAll(/^vendor: (\S+), certificate (\S+) signed by key ([0-9a-f]{64}), for "/gm)].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(vendors, v.vendors!.map((x) => [x.dir, x.certificateId, x.keyid]), r.out);
    // The vendor's own files, each checked, by their path in the bundle.
    assert.match(r.out, /^vendors\/labels-at-acme\/: records: 2, merkle root [0-9a-f]{64}$/m);
    assert.match(r.out, /^vendors\/labels-at-acme\/: trust root: key [0-9a-f]{64} in force at issuedAt /m);
    // Without a trust root the dispositions are not checked, and a vendor bundle needs --bundle.
    const alone = goCheck('--certificate', join(derived, 'certificate.json'), '--public-key', join(derived, 'public-key.pem'));
    assert.equal(alone.code, 0, alone.out);
    assert.match(alone.out, /^not checked: dispositions \(no trust root lists the approvers' keys\)$/m);
    assert.match(alone.out, /^not checked: vendors\/labels-at-acme\/ \(give --bundle\)$/m);
    // A directory under vendors/ that no held-by-vendor artifact names is listed as ignored.
    const extra = join(dir, 'derived-extra');
    cpSync(derived, extra, { recursive: true });
    cpSync(join(derived, 'vendors', 'labels-at-acme'), join(extra, 'vendors', 'someone-else'), { recursive: true });
    const ignored = goCheck('--bundle', extra);
    assert.equal(ignored.code, 0, ignored.out);
    assert.match(ignored.out, /^ignored: vendors\/someone-else$/m);
  });

  it("checks valid-logged/'s receipt (section 12.8) as its expected.json says, and refuses it altered, strictly where x/mod is lenient", () => {
    const logged = join(VECTORS, 'v2', 'valid-logged');
    const [v] = JSON.parse(read(join(logged, 'expected.json'))) as LoggedVerdict[];
    const trust = JSON.parse(read(join(logged, 'trust.json'))) as LoggedRoot;
    const r = goCheck('--bundle', logged);
    assert.equal(r.code, 0, r.out);
    const cosigned = v!.receipt.cosignatures.map((c) => `${c.witness} at ${c.time}`).join(', ');
    const line = `receipt: entry ${v!.receipt.index} of ${v!.receipt.treeSize} in the log ${v!.receipt.origin} (root ${v!.receipt.rootHash}), signed by ${v!.receipt.logKeys.join(', ')}, cosigned by ${cosigned} (${trust.log.witnessQuorum ?? 0} required)`;
    assert.ok(r.out.split('\n').includes(line), `want ${line}:\n${r.out}`);

    // By hand: --receipt; the trust root as --trust FILE, changed; the receipt as --receipt FILE, changed.
    const receipt = read(join(logged, 'receipt.tlog-proof'));
    const witnessLine = receipt.split('\n').find((l) => l.startsWith('\u2014 witness'))!;
    const logLine = receipt.split('\n').find((l) => l.startsWith(`\u2014 ${trust.log.origin} `))!;
    const args = (name: string, edit: (root: LoggedRoot) => void = () => {}, receiptText: string | null = receipt) => {
      const root = JSON.parse(read(join(logged, 'trust.json'))) as LoggedRoot;
      edit(root);
      return filesOf(logged, { trust: write(`${name}-trust.json`, root), receipt: receiptText === null ? '' : write(`${name}.tlog-proof`, receiptText) });
    };
    assert.equal(goCheck(...args('by-hand')).code, 0);
    const noLog = goCheck(...args('no-log', (root) => delete (root as { log?: unknown }).log));
    assert.equal(noLog.code, 0, noLog.out);
    assert.match(noLog.out, /^not checked: receipt\.tlog-proof \(no trust root names a log\)$/m);
    const notYet = goCheck(...args('not-required', (root) => void (root.log.receiptsRequiredFrom = '2027-01-01T00:00:00Z'), null));
    assert.equal(notYet.code, 0, notYet.out);
    assert.match(notYet.out, /^not checked: receipt \(there is none, and the trust root requires none at issuedAt \S+\)$/m);
    const atIndex = goCheck(...args('revoked-at-index', (root) => void Object.assign(root.certificateKeys[0]!, { revokedAt: '2026-11-21T00:00:00Z', revocationReason: 'stolen', revocationLogIndex: v!.receipt.index })));
    assert.equal(atIndex.code, 0, `a key revoked in the log at the receipt's own index: ${atIndex.out}`);
    const quorum0 = goCheck(...args('quorum-0', (root) => void (root.log.witnessQuorum = 0), receipt.replace(`${witnessLine}\n`, '')));
    assert.equal(quorum0.code, 0, quorum0.out);
    assert.match(quorum0.out, /, cosigned by no witness \(0 required\)$/m);

    // A signature in base64 with non-zero trailing bits decodes, in Go, to the same bytes: x/mod would verify it.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sig = logLine.split(' ')[2]!;
    const last = sig.length - 1 - (sig.match(/=*$/)?.[0].length ?? 0);
    const lax = sig.slice(0, last) + alphabet[alphabet.indexOf(sig[last]!) ^ 1] + sig.slice(last + 1);
    const timeChanged = (() => {
      const bytes = Buffer.from(witnessLine.split(' ')[2]!, 'base64');
      bytes[11]! ^= 1; // the cosignature's time, last byte
      return witnessLine.replace(/ \S+$/, ` ${bytes.toString('base64')}`);
    })();
    const OTHER_LOG_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'; // x/mod's note_test.go
    assertInvalid([
      ['no --receipt, under a log that requires one', args('missing', () => {}, null), 'RECEIPT_MISSING'],
      ['a cosignature twice (x/mod keeps the first)', args('twice', () => {}, receipt.replace(witnessLine, `${witnessLine}\n${witnessLine}`)), 'NOTE_MALFORMED'],
      ['a signature in lax base64 (x/mod decodes it)', args('lax', () => {}, receipt.replace(sig, lax)), 'NOTE_MALFORMED'],
      ['an extra line that is not base64', args('extra', () => {}, receipt.replace('\nindex ', '\nextra !!\nindex ')), 'NOTE_MALFORMED'],
      ["the cosignature's time changed", args('time', () => {}, receipt.replace(witnessLine, timeChanged)), 'NOTE_SIGNATURE_INVALID'],
      ['an index beyond the tree', args('beyond', () => {}, receipt.replace(`index ${v!.receipt.index}`, `index ${v!.receipt.treeSize}`)), 'RECEIPT_MISMATCH'],
      ['another log key in the trust root', args('other-key', (root) => void (root.log.keys = [OTHER_LOG_KEY])), 'NOTE_UNVERIFIED'],
      ['a log key with an uppercase hint (x/mod reads it)', args('uppercase', (root) => void (root.log.keys = root.log.keys.map((k) => k.replace(/\+([0-9a-f]{8})\+/, (_, h: string) => `+${h.toUpperCase()}+`)))), 'TRUST_ROOT_INVALID'],
      ['a witness key as the log key', args('witness-as-log', (root) => void (root.log.keys = root.log.witnesses!)), 'TRUST_ROOT_INVALID'],
      ['a witness twice', args('witness-twice', (root) => void (root.log.witnesses = [...root.log.witnesses!, ...root.log.witnesses!])), 'TRUST_ROOT_INVALID'],
      ['one witness key under two names (it would count twice)', args('renamed', (root) => void (root.log.witnesses = [...root.log.witnesses!, renamedKey(root.log.witnesses![0]!, 'witness.example.org/w2')])), 'TRUST_ROOT_INVALID'],
      ['a quorum above the witnesses', args('quorum', (root) => void (root.log.witnessQuorum = root.log.witnesses!.length + 1)), 'TRUST_ROOT_INVALID'],
      ['revocationLogIndex without revokedAt', args('index-alone', (root) => void (root.certificateKeys[0]!.revocationLogIndex = 9)), 'TRUST_ROOT_INVALID'],
    ]);
    const usage = goCheck('--public-key', join(logged, 'public-key.pem'), '--receipt', join(logged, 'receipt.tlog-proof'));
    assert.equal(usage.code, 2, `a receipt without a certificate: ${usage.out}`);
  });
});
