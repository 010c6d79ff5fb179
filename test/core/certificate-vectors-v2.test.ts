// The version 2 bundle vectors (test/vectors/certificate/v2/): on disk
// exactly as the generator writes them; the valid bundles (valid/,
// valid-approved/ and valid-derived/) verify in the core; each invalid bundle
// whose code the core decides (certificate, records, lists, proofs) fails with
// that code. The vectors for order.json, trust.json, pins, approvals (section
// 5.9) and signed dispositions (5.10) are listed here by name, and what the
// core checks of them is valid; the trust, pin and order checks give their
// codes, and the valid bundles the approvals and dispositions their
// expected.json names. The vendor vectors (5.10) are listed too: their outer
// bundle is valid, and the vendor check (vendors/<name>/ bound, then verified
// as a bundle with its trust.json pinned, then its key, id and order) gives
// their code and file. The receipt vectors (section 12.8) are listed too:
// their bundle is valid up to the receipt, which the receipt check of the
// trust root's log (checkCertificateReceipt) refuses with their code, naming
// receipt.tlog-proof; valid-logged/'s receipt proves what its expected.json
// says. Files are read as bytes, as verifiers read them.
// Then signing and verifying v2 certificates, and the payload type mix-ups.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  base64Decode,
  canonicalize,
  canonicalizeToBytes,
  CERTIFICATE_PAYLOAD_TYPE,
  type CertificateStatement,
  checkCertificateReceipt,
  checkVendorBinding,
  type DerivedArtifactEntry,
  publicKeyFromPem,
  RECEIPT_FILE,
  seedSigner,
  signEnvelope,
  trustedKey,
  utf8Decode,
  utf8Encode,
  ValidationError,
  VerificationError,
  verifyRecords,
} from '../../packages/verify/src/core/index.js';
import { parseCertificate, signCertificate, verifyCertificate } from '../../packages/verify/src/core/certificate.js';
import { LIST_NAMES, verifyListFile } from '../../packages/verify/src/core/list.js';
import { verifyObjectProof } from '../../packages/verify/src/core/object-proof.js';
import { verifyOrderFile } from '../../packages/verify/src/core/order-file.js';
import { resolveTrust, verifyTrusted } from '../../packages/verify/src/core/pin.js';
import { parseTrustRoot, trustRootKeys, trustRootText } from '../../packages/verify/src/core/trust-root.js';
import { CERTIFICATE_PAYLOAD_TYPE_V2, type CertificateStatementV2, isStatementV2 } from '../../packages/verify/src/core/statement-v2.js';
import { decodeInput } from '../../packages/verify/src/core/strict-json.js';
import { compareTimes } from '../../packages/verify/src/core/time.js';
import { buildExample, EXAMPLE_SEED } from '../../scripts/example-certificate.js';
import { buildExampleV2 } from '../../scripts/example-certificate-v2.js';
import { buildVectorsV2, type Expected, TRUST_PIN_ORDER_CODES, V2_VECTOR_DIR } from '../vectors/certificate/v2/generate.js';

/** Vectors that the trust-root, pin and order-file checks decide, approvals included (verifyTrusted checks them against trust.json). */
const TRUST_PIN_ORDER_VECTORS = [
  'order-swapped',
  'order-reformatted',
  'order-deadline-differs',
  'pin-keyid-other-key',
  'pin-trust-sha256-other',
  'key-revoked',
  'key-not-yet-valid',
  'key-expired',
  'trust-keyid-not-key-hash',
  'trust-revoked-without-reason',
  'approval-key-untrusted',
  'approval-other-plan',
  'approval-other-order-document',
  'approval-role-not-allowed',
  'approval-key-of-other-person',
  'approval-key-revoked',
  'approval-key-expired',
  'approval-missing',
  'trust-approval-key-is-certificate-key',
  'derived-disposition-signature-wrong',
  'derived-disposition-key-untrusted',
];
/** Vectors that the vendor check decides (section 5.10): vendors/labels-at-acme/ of an otherwise valid bundle. */
const VENDOR_VECTORS = ['vendor-bundle-missing', 'vendor-certificate-other', 'vendor-trust-other', 'vendor-order-other', 'vendor-bundle-tampered'];
/** Vectors that the receipt check decides (section 12.8): receipt.tlog-proof of valid-logged/, or its trust.json's revocationLogIndex. */
const RECEIPT_VECTORS = [
  'receipt-missing',
  'receipt-index-changed',
  'receipt-hash-changed',
  'receipt-other-log-key',
  'receipt-other-origin',
  'receipt-log-signature-altered',
  'receipt-cosignature-missing',
  'receipt-malformed',
  'receipt-key-revoked-in-log',
];
/** The bundles that verify, each with an array of verdicts in its expected.json. */
const VALID_DIRS = ['valid', 'valid-approved', 'valid-derived', 'valid-logged'];

const invalidNames = readdirSync(join(V2_VECTOR_DIR, 'invalid')).sort();
const coreNames = invalidNames.filter((n) => !TRUST_PIN_ORDER_VECTORS.includes(n) && !VENDOR_VECTORS.includes(n) && !RECEIPT_VECTORS.includes(n));

/** Every file under `dir`, by path relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix))
    .flatMap((f) => (statSync(join(dir, prefix, f)).isDirectory() ? filesUnder(dir, `${prefix}${f}/`) : [`${prefix}${f}`]))
    .sort();
}

const bytesOf = (c: string | Uint8Array) => (typeof c === 'string' ? new TextEncoder().encode(c) : c);

/** records.ndjson of a v2 statement: records-verifier.ts reads only the members both versions share (merkle, records, targets). */
function verifyRecordsFile(statement: CertificateStatementV2, file: Uint8Array): void {
  if (file.length > 0 && file[file.length - 1] !== 0x0a) throw new VerificationError('RECORD_INVALID', 'the last line has no "\\n"');
  const lines: string[] = [];
  for (let start = 0; start < file.length; ) {
    const end = file.indexOf(0x0a, start);
    lines.push(decodeInput(file.subarray(start, end), `line ${lines.length + 1}`));
    start = end + 1;
  }
  verifyRecords(statement as unknown as CertificateStatement, lines);
}

/** The core's verdict on a bundle directory, in the order of section 8: 'ok' or the first code. */
function verifyBundleCore(dir: string): string {
  const read = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
  const keys = [trustedKey(publicKeyFromPem(readFileSync(join(dir, 'public-key.pem'), 'utf8')))];
  try {
    const certificate = read('certificate.json');
    const { statement } = verifyCertificate(certificate, keys);
    assert.ok(isStatementV2(statement), `${dir}: a version 1 statement verified under the v2 bundle`);
    verifyRecordsFile(statement, read('records.ndjson'));
    for (const list of LIST_NAMES) verifyListFile(list, statement, read(`${list}.ndjson`));
    const carried = canonicalize(parseCertificate(certificate));
    for (const f of filesUnder(join(dir, 'proofs'))) {
      const v = verifyObjectProof(read(`proofs/${f}`), keys);
      // docs/FORMAT.md section 10: each proof of a bundle carries exactly its certificate.
      if (canonicalize(v.proof.certificate) !== carried) throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', `proofs/${f} carries another certificate`);
    }
    return 'ok';
  } catch (e) {
    if (e instanceof VerificationError) return e.code;
    throw e;
  }
}

const expectedOf = (dir: string) => JSON.parse(readFileSync(join(V2_VECTOR_DIR, dir, 'expected.json'), 'utf8'));

/** A failure of the vendor check: its code and the file it names, a path inside the outer bundle. */
class VendorFailure extends Error {
  constructor(
    readonly code: string,
    readonly file: string,
  ) {
    super(`${code} at ${file}`);
  }
}

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * The core's check of each held-by-vendor entry's bundle, in the order of
 * README.md ("Derived artifacts and vendors"): bound by its two digests, then
 * verified as a bundle with its trust.json pinned, then its key, id and order
 * reference. Returns what was verified; throws VendorFailure.
 */
function checkVendors(dir: string, entries: readonly DerivedArtifactEntry[], ourOrderId: string, prefix = '', depth = 1): Array<{ artifact: string; dir: string; certificateId: string; keyid: string }> {
  const verified = [];
  for (const e of entries) {
    if (e.disposition !== 'held-by-vendor') continue;
    const at = `${prefix}vendors/${e.name}/`;
    const vd = join(dir, 'vendors', e.name);
    if (depth > 4) throw new VendorFailure('VENDOR_CERTIFICATE_MISMATCH', at);
    for (const [f, want] of [['certificate.json', e.vendor!.certificateSha256], ['trust.json', e.vendor!.trustSha256]] as const) {
      if (!existsSync(join(vd, f)) || sha256Hex(readFileSync(join(vd, f))) !== want) throw new VendorFailure('VENDOR_CERTIFICATE_MISMATCH', existsSync(vd) ? `${at}${f}` : at);
    }
    const read = (f: string) => new Uint8Array(readFileSync(join(vd, f)));
    let file = 'certificate.json';
    try {
      const v = verifyTrusted(resolveTrust({ bundleRoot: read('trust.json'), trustSha256: e.vendor!.trustSha256 }), (keys) => verifyCertificate(read('certificate.json'), keys));
      assert.ok(isStatementV2(v.statement));
      const s = v.statement;
      for (const f of ['records.ndjson', ...LIST_NAMES.map((l) => `${l}.ndjson`), 'order.json']) {
        file = f;
        if (!existsSync(join(vd, f))) continue;
        if (f === 'records.ndjson') verifyRecordsFile(s, read(f));
        else if (f === 'order.json') verifyOrderFile(read(f), s);
        else verifyListFile(f.replace('.ndjson', '') as (typeof LIST_NAMES)[number], s, read(f));
      }
      file = 'certificate.json';
      checkVendorBinding(e, ourOrderId, { certificateSha256: sha256Hex(read('certificate.json')), trustSha256: sha256Hex(read('trust.json')), keyid: v.keyid, certificateId: s.certificateId, orderReference: s.order.reference });
      checkVendors(vd, s.derivedArtifacts ?? [], s.order.id, at, depth + 1);
      verified.push({ artifact: e.name, dir: at, certificateId: s.certificateId, keyid: v.keyid });
    } catch (err) {
      if (err instanceof VerificationError) throw new VendorFailure(err.code, `${at}${file}`);
      throw err;
    }
  }
  return verified;
}

describe('certificate vectors, version 2', () => {
  const { valid, validApproved, validDerived, validLogged, invalid } = buildVectorsV2();

  it('are on disk exactly as generate.ts writes them', () => {
    const same = (dir: string, files: Record<string, string | Uint8Array>, expected: unknown) => {
      assert.deepEqual(filesUnder(join(V2_VECTOR_DIR, dir)), [...Object.keys(files), 'expected.json'].sort(), dir);
      for (const [f, c] of Object.entries(files)) assert.deepEqual(new Uint8Array(readFileSync(join(V2_VECTOR_DIR, dir, f))), bytesOf(c), `${dir}/${f}`);
      assert.equal(readFileSync(join(V2_VECTOR_DIR, dir, 'expected.json'), 'utf8'), JSON.stringify(expected, null, 2) + '\n', `${dir}/expected.json`);
    };
    same('valid', valid.files, valid.expected);
    same('valid-approved', validApproved.files, validApproved.expected);
    same('valid-derived', validDerived.files, validDerived.expected);
    same('valid-logged', validLogged.files, validLogged.expected);
    assert.deepEqual(readdirSync(V2_VECTOR_DIR).filter((d) => statSync(join(V2_VECTOR_DIR, d)).isDirectory()).sort(), ['invalid', ...VALID_DIRS]);
    assert.deepEqual(invalidNames, invalid.map((v) => v.name).sort());
    for (const v of invalid) same(`invalid/${v.name}`, v.files, v.expected);
  });

  for (const dir of VALID_DIRS) {
    it(`${dir}/ verifies in the core (certificate, records, the three lists, every proof), and says so pinned and not`, () => {
      assert.equal(verifyBundleCore(join(V2_VECTOR_DIR, dir)), 'ok');
      const verdicts = expectedOf(dir) as Expected[];
      assert.deepEqual(verdicts.map((x) => [x.code, x.pinned, x.pin === null]), [[null, true, false], [null, true, false], [null, false, true]]);
      assert.deepEqual(filesUnder(join(V2_VECTOR_DIR, dir, 'proofs')), ['exception-0.json', 'record-2.json', 'retained-0.json']);
    });
  }

  it('valid-approved/ is valid/ with approvals: the same files but the certificate, its proofs, trust.json and expected.json', () => {
    const differ = filesUnder(join(V2_VECTOR_DIR, 'valid')).filter((f) => !readFileSync(join(V2_VECTOR_DIR, 'valid', f)).equals(readFileSync(join(V2_VECTOR_DIR, 'valid-approved', f))));
    assert.deepEqual(differ, ['certificate.json', 'expected.json', 'proofs/exception-0.json', 'proofs/record-2.json', 'proofs/retained-0.json', 'trust.json']);
    const keys = [trustedKey(publicKeyFromPem(readFileSync(join(V2_VECTOR_DIR, 'valid-approved', 'public-key.pem'), 'utf8')))];
    const plain = verifyCertificate(readFileSync(join(V2_VECTOR_DIR, 'valid', 'certificate.json')), keys).statement as CertificateStatementV2;
    const approved = verifyCertificate(readFileSync(join(V2_VECTOR_DIR, 'valid-approved', 'certificate.json')), keys).statement as CertificateStatementV2;
    const { approvals, ...rest } = approved;
    assert.deepEqual(rest, plain);
    assert.deepEqual(approvals?.map((a) => [a.role, a.person]), [['approver', plain.order.approvedBy], ['performer', plain.order.createdBy]]);
    // trust.json is what the server writes for that root (trustRootText), and the approval keys' people are the order's.
    const trustText = readFileSync(join(V2_VECTOR_DIR, 'valid-approved', 'trust.json'), 'utf8');
    const root = parseTrustRoot(trustText);
    assert.equal(trustRootText(root), trustText);
    assert.deepEqual(root.approvalKeys.map((k) => [k.person, k.roles]), [[plain.order.approvedBy, ['approver']], [plain.order.createdBy, ['performer']]]);
    assert.equal(compareTimes(root.approvalsRequiredFrom!, plain.order.approvedAt), -1, 'approvals are required for this order');
  });

  it('every vector is decided either by the core or by the trust, pin and order checks, never skipped', () => {
    for (const name of invalidNames) {
      const { code, pin, description } = expectedOf(`invalid/${name}`);
      assert.equal(typeof description, 'string', name);
      assert.ok(pin === null || typeof pin === 'object', name);
      // KEY_REVOKED by the log's index is the receipt check's (section 12.8 step 5), not the trust root's dates.
      assert.equal(TRUST_PIN_ORDER_CODES.includes(code) && !RECEIPT_VECTORS.includes(name), TRUST_PIN_ORDER_VECTORS.includes(name), `${name} (${code})`);
      assert.equal(expectedOf(`invalid/${name}`).file === RECEIPT_FILE, RECEIPT_VECTORS.includes(name), `${name}: the receipt vectors, and only they, name ${RECEIPT_FILE}`);
      // A vendor vector's code is the vendor check's, or a code of the vendor's own bundle, named by its path.
      assert.equal(code === 'VENDOR_CERTIFICATE_MISMATCH' || expectedOf(`invalid/${name}`).file?.startsWith('vendors/') === true, VENDOR_VECTORS.includes(name), `${name} (${code})`);
    }
    for (const name of [...TRUST_PIN_ORDER_VECTORS, ...VENDOR_VECTORS, ...RECEIPT_VECTORS]) assert.ok(invalidNames.includes(name), `${name} missing`);
  });

  for (const name of coreNames) {
    it(`invalid/${name} fails in the core with its code`, () => {
      assert.equal(verifyBundleCore(join(V2_VECTOR_DIR, 'invalid', name)), expectedOf(`invalid/${name}`).code);
    });
  }

  for (const name of TRUST_PIN_ORDER_VECTORS) {
    it(`invalid/${name} exists with its expected.json; what the core checks of it is valid (its code is for the trust, pin and order checks)`, () => {
      const dir = join(V2_VECTOR_DIR, 'invalid', name);
      const { code } = expectedOf(`invalid/${name}`);
      assert.ok(TRUST_PIN_ORDER_CODES.includes(code), code);
      for (const f of ['certificate.json', 'order.json', 'trust.json', 'public-key.pem']) assert.ok(statSync(join(dir, f)).isFile(), f);
      assert.equal(verifyBundleCore(dir), 'ok');
    });
  }

  // The same vectors through the trust, pin and order checks of the core (pin.ts, trust-root.ts,
  // order-file.ts): each gives its expected code, and valid/ each verdict of its expected.json.
  type Verdict = Pick<Expected, 'pinned' | 'approvals' | 'approvalsRequired' | 'dispositions' | 'vendors' | 'receipt'> & { code: string | null; file?: string };
  const trustPinOrder = (dir: string, pin: Expected['pin']): Verdict => {
    const read = (f: string) => readFileSync(join(dir, f));
    try {
      const trust = resolveTrust({ bundleRoot: read('trust.json'), ...(pin ?? {}) });
      const v = verifyTrusted(trust, (keys) => verifyCertificate(read('certificate.json'), keys));
      verifyOrderFile(read('order.json'), v.statement);
      const verdict: Verdict = { code: null, pinned: v.pinned };
      // A bundle's trust.json always gives a root to check approvals with: approvalCheck is there.
      assert.ok(v.approvalCheck, 'no approvalCheck');
      if (v.approvalCheck.approvals.length > 0 || v.approvalCheck.required) {
        verdict.approvals = v.approvalCheck.approvals.map(({ role, person, keyid }) => ({ role, person, keyid }));
        verdict.approvalsRequired = v.approvalCheck.required;
      }
      // Section 5.10: verifyTrusted checked each signed disposition; then the vendors of the bundle.
      const derived = isStatementV2(v.statement) ? v.statement.derivedArtifacts : undefined;
      if (derived) {
        verdict.dispositions = derived.filter((a) => a.signedBy).map((a) => ({ artifact: a.name, disposition: a.disposition, person: a.signedBy!.person, keyid: a.signedBy!.keyid }));
        verdict.vendors = checkVendors(dir, derived, v.statement.order.id);
      }
      // Section 12.8, last (step 12 of section 8): with a log in the trust root in force, the receipt, if any.
      const receipt = existsSync(join(dir, RECEIPT_FILE)) ? read(RECEIPT_FILE) : undefined;
      try {
        const facts = checkCertificateReceipt(trust.root!, parseCertificate(read('certificate.json')) as { payload: string }, v.statement, receipt);
        if (facts) verdict.receipt = facts;
      } catch (e) {
        if (e instanceof VerificationError) return { code: e.code, file: RECEIPT_FILE };
        throw e;
      }
      return verdict;
    } catch (e) {
      if (e instanceof VerificationError) return { code: e.code };
      if (e instanceof VendorFailure) return { code: e.code, file: e.file };
      throw e;
    }
  };

  for (const name of TRUST_PIN_ORDER_VECTORS) {
    it(`invalid/${name} fails the trust, pin and order checks with its code`, () => {
      const { code, pin } = expectedOf(`invalid/${name}`);
      assert.deepEqual(trustPinOrder(join(V2_VECTOR_DIR, 'invalid', name), pin), { code });
    });
  }

  for (const name of VENDOR_VECTORS) {
    it(`invalid/${name}: the core's checks of the outer bundle are valid; the vendor check gives its code, naming its file`, () => {
      const dir = join(V2_VECTOR_DIR, 'invalid', name);
      assert.equal(verifyBundleCore(dir), 'ok');
      const { code, pin, file } = expectedOf(`invalid/${name}`);
      assert.deepEqual(trustPinOrder(dir, pin), { code, file });
    });
  }

  for (const name of RECEIPT_VECTORS) {
    it(`invalid/${name}: the core's checks and the trust, pin and order checks are valid; the receipt check gives its code, naming ${RECEIPT_FILE}`, () => {
      const dir = join(V2_VECTOR_DIR, 'invalid', name);
      assert.equal(verifyBundleCore(dir), 'ok');
      const { code, pin, file } = expectedOf(`invalid/${name}`);
      assert.equal(file, RECEIPT_FILE);
      assert.deepEqual(trustPinOrder(dir, pin), { code, file });
    });
  }

  for (const dir of VALID_DIRS) {
    it(`${dir}/ passes the trust, pin and order checks with each pin of its expected.json, pinned and approved as it says`, () => {
      for (const e of expectedOf(dir) as Expected[]) {
        const { description, pin, ...want } = e;
        assert.deepEqual(trustPinOrder(join(V2_VECTOR_DIR, dir), pin), want, description);
      }
    });
  }

  it('valid-approved/ names both approvals in its expected.json, with the keys of its trust.json; valid/ names none', () => {
    const root = parseTrustRoot(readFileSync(join(V2_VECTOR_DIR, 'valid-approved', 'trust.json')));
    for (const e of expectedOf('valid-approved') as Expected[]) {
      assert.deepEqual(e.approvals, root.approvalKeys.map((k) => ({ role: k.roles[0], person: k.person, keyid: k.keyid })), e.description);
      assert.equal(e.approvalsRequired, true);
    }
    for (const e of expectedOf('valid') as Expected[]) assert.ok(!('approvals' in e) && !('approvalsRequired' in e), e.description);
  });

  it('valid-derived/ is the order README.md describes: its derived section, its dispositions by bob, its vendor bundle bound by SHA-256', () => {
    const d = join(V2_VECTOR_DIR, 'valid-derived');
    const keys = [trustedKey(publicKeyFromPem(readFileSync(join(d, 'public-key.pem'), 'utf8')))];
    const s = verifyCertificate(readFileSync(join(d, 'certificate.json')), keys).statement as CertificateStatementV2;
    assert.deepEqual(s.derivedArtifacts?.map((a) => [a.name, a.disposition, a.lineage.join(' > ')]), [
      ['face-model-v1', 'destroyed', 'training-exports > face-model-v1'],
      ['face-model-v1-ft', 'destroyed', 'training-exports > face-model-v1 > face-model-v1-ft'],
      ['labels-at-acme', 'held-by-vendor', 'training-exports > labels-at-acme'],
      ['face-eval-scores', 'retained-with-justification', 'training-exports > face-model-v1 > face-eval-scores'],
    ]);
    assert.deepEqual(s.targets.filter((t) => t.name.startsWith('derived:')).map((t) => [t.name, t.destroyed.count, t.retained]), [
      ['derived:face-model-v1', 2, 0],
      ['derived:face-model-v1-ft', 1, 0],
      ['derived:face-eval-scores', 0, 1],
    ]);
    const kept = readFileSync(join(d, 'retained.ndjson'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(kept.filter((r) => r.target === 'derived:face-eval-scores').map((r) => r.holdId), ['derived.face-eval-scores'], 'its object, retained under its own hold');
    assert.ok(readFileSync(join(d, 'trust.json')).equals(readFileSync(join(V2_VECTOR_DIR, 'valid-approved', 'trust.json'))), "valid-approved/'s trust.json");
    const root = parseTrustRoot(readFileSync(join(d, 'trust.json')));
    const bob = root.approvalKeys.find((k) => k.person === s.order.approvedBy && k.roles.includes('approver'))!;
    for (const e of expectedOf('valid-derived') as Expected[]) {
      assert.deepEqual(e.dispositions?.map((x) => [x.artifact, x.person, x.keyid]), [['labels-at-acme', bob.person, bob.keyid], ['face-eval-scores', bob.person, bob.keyid]]);
      assert.deepEqual(e.vendors, [{ artifact: 'labels-at-acme', dir: 'vendors/labels-at-acme/', certificateId: 'acme-cert-0001', keyid: seedSigner(new Uint8Array(32).fill(6)).keyid }]);
    }
    const vendor = s.derivedArtifacts![2]!.vendor!;
    const vd = (f: string) => readFileSync(join(d, 'vendors', 'labels-at-acme', f));
    assert.deepEqual([sha256Hex(vd('certificate.json')), sha256Hex(vd('trust.json'))], [vendor.certificateSha256, vendor.trustSha256]);
    const theirs = verifyCertificate(vd('certificate.json'), [trustedKey(publicKeyFromPem(vd('public-key.pem').toString('utf8')))]);
    assert.equal(theirs.keyid, vendor.keyid);
    assert.ok(theirs.statement.order.reference.includes(s.order.id), theirs.statement.order.reference);
  });

  it('valid-logged/ is valid-approved/ with a log in trust.json and the receipt of its certificate, at an index above 0; each receipt vector changes one file of it', () => {
    const at = (d: string, f: string) => join(V2_VECTOR_DIR, d, f);
    const logged = filesUnder(join(V2_VECTOR_DIR, 'valid-logged'));
    assert.deepEqual(logged, [...filesUnder(join(V2_VECTOR_DIR, 'valid-approved')), RECEIPT_FILE].sort());
    const differ = logged.filter((f) => f !== RECEIPT_FILE && !readFileSync(at('valid-logged', f)).equals(readFileSync(at('valid-approved', f))));
    assert.deepEqual(differ, ['expected.json', 'trust.json']);
    // trust.json is valid-approved/'s with `log` (section 12.7), written as the server writes a trust root.
    const text = readFileSync(at('valid-logged', 'trust.json'), 'utf8');
    const root = parseTrustRoot(text);
    assert.equal(trustRootText(root), text);
    const { log, ...rest } = root;
    assert.deepEqual(rest, parseTrustRoot(readFileSync(at('valid-approved', 'trust.json'))));
    assert.deepEqual([log?.origin, log?.witnesses.length, log?.witnessQuorum], ['log.example.com/shredproof-test', 1, 1]);
    const certificate = readFileSync(at('valid-logged', 'certificate.json'));
    const { statement } = verifyCertificate(certificate, trustRootKeys(root));
    assert.equal(compareTimes(log!.receiptsRequiredFrom!, statement.issuedAt), -1, 'a receipt is required for this certificate');
    const facts = checkCertificateReceipt(root, parseCertificate(certificate) as { payload: string }, statement, readFileSync(at('valid-logged', RECEIPT_FILE)))!;
    assert.ok(facts.index > 0 && facts.index < facts.treeSize, `${facts.index} of ${facts.treeSize}`);
    for (const e of expectedOf('valid-logged') as Expected[]) assert.deepEqual(e.receipt, facts, e.description);
    // The same bundle under valid-approved/'s trust root, which names no log: nothing to check, and nothing required.
    assert.equal(checkCertificateReceipt(rest, parseCertificate(certificate) as { payload: string }, statement, undefined), undefined);
    for (const name of RECEIPT_VECTORS) {
      const files = filesUnder(join(V2_VECTOR_DIR, 'invalid', name));
      const changed = [...new Set([...files, ...logged])].filter((f) => f !== 'expected.json' && !(files.includes(f) && logged.includes(f) && readFileSync(at(`invalid/${name}`, f)).equals(readFileSync(at('valid-logged', f)))));
      assert.equal(changed.length, 1, `${name}: ${changed.join(', ')}`);
      assert.ok([RECEIPT_FILE, 'trust.json'].includes(changed[0]!), `${name}: ${changed[0]}`);
    }
  });

  it('order.json is the RFC 8785 bytes of the order, with no final newline, and its SHA-256 is order.sha256', async () => {
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const order = readFileSync(join(V2_VECTOR_DIR, 'valid', 'order.json'));
    const text = utf8Decode(new Uint8Array(order));
    assert.equal(canonicalize(JSON.parse(text)), text);
    const { statement } = verifyCertificate(readFileSync(join(V2_VECTOR_DIR, 'valid', 'certificate.json')), [
      trustedKey(publicKeyFromPem(readFileSync(join(V2_VECTOR_DIR, 'valid', 'public-key.pem'), 'utf8'))),
    ]);
    assert.equal(Buffer.from(sha256(order)).toString('hex'), statement.order.sha256);
  });
});

// Signing and verifying version 2 certificates, and the payload type mix-ups (docs/FORMAT.md section 5.4).
const ex = buildExampleV2();
const v1 = buildExample();
const signer = seedSigner(EXAMPLE_SEED);
const keys = [trustedKey(signer.publicKey)];
const copy = (): any => structuredClone(ex.statement);
/** The paths of `f`'s ValidationError, sorted. */
function fieldsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.fields.map((x) => x.path).sort();
  }
  assert.fail('accepted');
}

describe('certificates of version 2', () => {
  const fail = (envelope: unknown): VerificationError => {
    try {
      verifyCertificate(envelope, keys);
    } catch (e) {
      assert.ok(e instanceof VerificationError, String(e));
      return e;
    }
    assert.fail('verified');
  };

  it('are signed under the v2 payload type and verify to the v2 statement; v1 still signs under v1', () => {
    assert.equal(ex.envelope.payloadType, CERTIFICATE_PAYLOAD_TYPE_V2);
    assert.deepEqual(verifyCertificate(ex.envelope, keys), { statement: ex.statement, keyid: signer.keyid });
    assert.equal(signCertificate(v1.statement, signer).payloadType, CERTIFICATE_PAYLOAD_TYPE);
    assert.equal(verifyCertificate(v1.envelope, keys).statement.version, 1);
  });

  it('a payload type carries only its own version (VERSION_UNSUPPORTED), an unknown type is PAYLOAD_TYPE_WRONG', () => {
    const sign = (s: unknown, type: string) => signEnvelope(type, canonicalizeToBytes(s), [signer]);
    assert.equal(fail(sign(ex.statement, CERTIFICATE_PAYLOAD_TYPE)).code, 'VERSION_UNSUPPORTED');
    assert.equal(fail(sign(v1.statement, CERTIFICATE_PAYLOAD_TYPE_V2)).code, 'VERSION_UNSUPPORTED');
    for (const version of [3, '2', null]) assert.equal(fail(sign({ ...ex.statement, version }, CERTIFICATE_PAYLOAD_TYPE_V2)).code, 'VERSION_UNSUPPORTED', String(version));
    assert.equal(fail(sign(ex.statement, 'application/vnd.shredproof.certificate.v3+json')).code, 'PAYLOAD_TYPE_WRONG');
    assert.equal(fail(sign([], CERTIFICATE_PAYLOAD_TYPE_V2)).code, 'STATEMENT_INVALID');
  });

  it('an invalid v2 statement is STATEMENT_INVALID with its paths; not canonical, STATEMENT_NOT_CANONICAL', () => {
    const bad = copy();
    bad.rescan.statuses.held = 5;
    const e = fail(signEnvelope(CERTIFICATE_PAYLOAD_TYPE_V2, canonicalizeToBytes(bad), [signer]));
    assert.equal(e.code, 'STATEMENT_INVALID');
    assert.ok(e.cause instanceof ValidationError);
    assert.deepEqual(e.cause.fields.map((f) => f.path), ['$.rescan.statuses']);
    assert.equal(fail(signEnvelope(CERTIFICATE_PAYLOAD_TYPE_V2, utf8Encode(JSON.stringify(ex.statement)), [signer])).code, 'STATEMENT_NOT_CANONICAL');
  });

  it('the issuer key id must be the signer\'s, when signing and when verifying', () => {
    const other = seedSigner(new Uint8Array(32).fill(9));
    assert.deepEqual(fieldsOf(() => signCertificate(ex.statement, other)), ['$.issuer.keyid']);
    assert.deepEqual(fieldsOf(() => signCertificate({ ...copy(), tool: {} }, signer)), ['$.tool.name', '$.tool.version']);
    const claims = { ...copy(), issuer: { ...ex.statement.issuer, keyid: other.keyid } };
    assert.equal(fail(signEnvelope(CERTIFICATE_PAYLOAD_TYPE_V2, canonicalizeToBytes(claims), [signer])).code, 'STATEMENT_INVALID');
  });

  it('names no object: no locator, hold or reason of any list entry or record is in the signed statement', () => {
    const payload = utf8Decode(base64Decode(ex.envelope.payload));
    const entries = Object.values(ex.lines).flat().map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of entries) {
      for (const k of ['locator', 'holdId', 'reason', 'code', 'salt'] as const) {
        if (typeof e[k] === 'string') assert.ok(!payload.includes(e[k] as string), `${k} ${e[k]} in the statement`);
      }
    }
    // The v1 statement did carry them: the check can fail.
    assert.ok(utf8Decode(base64Decode(v1.envelope.payload)).includes('user-3001/evidence.jpg'));
  });
});
