// The version 2 bundle vectors (test/vectors/certificate/v2/, README.md
// there) through the independent check: python3 with check_certificate.py
// --bundle and check_proof.py, and openssl for the signature
// (test/helpers/independent-check.ts). Every verdict of valid/expected.json,
// valid-approved/expected.json and valid-derived/expected.json passes with
// its pin, and says whether the key was pinned and, for valid-approved/ and
// valid-derived/, which approvals openssl verified (the script runs openssl
// on each approval itself, section 5.9), and for valid-derived/ which signed
// dispositions and which vendor bundle (5.10: checked as a bundle of its own,
// its signature by openssl too), and for valid-logged/ the receipt of
// section 12.8 (the log's signature and the witness's cosignature verified by
// openssl, the certificate's entry in the checkpoint's tree); every
// invalid vector fails, and the first FAIL line names the expected reason
// code (the one code the scripts cannot name for the certificate,
// SIGNATURE_INVALID, is openssl's to find). The version 1 vectors run in
// test/core/independent.test.ts.
//
// Then what the vectors do not cover: a pin by a trust root file, a bundle of
// a certificate and a key alone, the URL-safe base64 that section 1 lets a
// reader accept, a public-key.pem that is not the signing key, a version 1
// certificate given as a bundle, a value the script cannot put in RFC 8785
// form (refused, not accepted), and for approvals: the pinned trust root's
// approval keys are the ones that count, a bundle without a trust root has
// its approvals' own rules checked and nothing more, and a creator whose name
// differs from the approver's only by Unicode compatibility forms is the same
// person; a derived bundle without a trust root, whose dispositions are not
// checked but whose vendor bundle is; and for receipts (section 12): the
// pinned trust root's log is the one applied, a receipt with no log to check
// it against and a missing receipt no rule requires are said to be
// unchecked, a quorum of 0, a key revoked in the log at the receipt's own
// index, the trust root's log rules (12.7), and the strict reading of the
// receipt and its checkpoint (12.2, 12.3, 12.5).
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  approvalSubjectOf,
  type Approval,
  canonicalizeToBytes,
  publicKeyToPem,
  seedSigner,
  signApproval,
  signEnvelope,
} from '../../packages/verify/src/core/index.js';
import { CERTIFICATE_PAYLOAD_TYPE_V2, type CertificateStatementV2 } from '../../packages/verify/src/core/statement-v2.js';
import { EXAMPLE_SEED } from '../../scripts/example-certificate-v2.js';
import { independentCheck } from '../helpers/independent-check.js';
import { V2_VECTOR_DIR } from '../vectors/certificate/v2/generate.js';
import { VECTOR_DIR } from '../vectors/certificate/generate.js';

type Pin = { keyid: string } | { trustSha256: string } | null;
interface Verdict {
  code: string | null;
  pin: Pin;
  pinned?: boolean;
  /** valid-approved/ only: the approvals checked, in the statement's order, and whether the trust root required one. */
  approvals?: Array<{ role: string; person: string; keyid: string }>;
  approvalsRequired?: boolean;
  /** valid-derived/ only: the signed dispositions and the vendor bundles verified. */
  dispositions?: Array<{ artifact: string; disposition: string; person: string; keyid: string }>;
  vendors?: Array<{ artifact: string; dir: string; certificateId: string; keyid: string }>;
  /** valid-logged/ only: what the receipt proves (section 12.8). */
  receipt?: { index: number; treeSize: number; rootHash: string; origin: string; logKeys: string[]; cosignatures: Array<{ witness: string; time: number }> };
  /** The derived, vendor and receipt vectors: the file the code is for. */
  file?: string;
  description: string;
}

const VALID = join(V2_VECTOR_DIR, 'valid');
const APPROVED = join(V2_VECTOR_DIR, 'valid-approved');
const DERIVED = join(V2_VECTOR_DIR, 'valid-derived');
const LOGGED = join(V2_VECTOR_DIR, 'valid-logged');
const KEYID = '34750f98bd59fcfc946da45aaabe933be154a4b5094e1c4abf42866505f3c97e';
const work = mkdtempSync(join(tmpdir(), 'sp-vectors-v2-'));
after(() => rmSync(work, { recursive: true, force: true }));

const pinArgs = (pin: Pin): string[] => (pin === null ? [] : 'keyid' in pin ? ['--keyid', pin.keyid] : ['--trust-sha256', pin.trustSha256]);
const firstFail = (output: string) => /^FAIL: .*$/m.exec(output)?.[0];
const KEY_LINE = /^key [0-9a-f]{64}: (pinned by .*|NOT pinned, it comes from the bundle: .*); openssl must verify the signature with .*key\.pem$/m;

/** The reason codes a FAIL line can stand for: the code it starts with, or what the shared JSON helpers' messages mean. */
function codesOf(line: string): string[] {
  const code = /^FAIL: ([A-Z][A-Z0-9_]+): /.exec(line)?.[1];
  if (code) return [code];
  if (/ is not UTF-8$/.test(line)) return ['UTF8_INVALID'];
  if (/a member name repeats or is refused/.test(line)) return ['JSON_DUPLICATE_MEMBER', 'MEMBER_FORBIDDEN'];
  return [];
}

/** A copy of a valid bundle (valid/ unless from is given), changed by `f`. */
function copy(name: string, f: (dir: string) => void, from = VALID): string {
  const dir = join(work, name);
  cpSync(from, dir, { recursive: true });
  rmSync(join(dir, 'expected.json'));
  f(dir);
  return dir;
}

/** The script's line of the approvals it checked under the trust root, as the verdicts of valid-approved/ list them. */
function approvalsLine(v: Verdict): string {
  const each = (v.approvals ?? []).map((a) => `${a.role} ${a.person} (key ${a.keyid})`).join(', ');
  return `approvals OK, ${v.approvalsRequired ? 'required' : 'not required'} by the trust root, openssl verified each: ${each}`;
}

/** The files the script names in its "bundle OK" line for each valid bundle. */
const BUNDLE_OK: Record<string, string> = {
  valid: 'certificate.json, records.ndjson (5), retained.ndjson (1), exceptions.ndjson (1), rescan.ndjson (2), order.json, trust.json, public-key.pem, proofs/exception-0.json, proofs/record-2.json, proofs/retained-0.json',
  'valid-derived': 'certificate.json, records.ndjson (8), retained.ndjson (2), exceptions.ndjson (1), rescan.ndjson (3), order.json, trust.json, public-key.pem, proofs/exception-0.json, proofs/record-2.json, proofs/retained-0.json, vendors/labels-at-acme/',
};
BUNDLE_OK['valid-approved'] = BUNDLE_OK.valid!;
BUNDLE_OK['valid-logged'] = `${BUNDLE_OK.valid!}, receipt.tlog-proof`;

/** The script's line of a receipt it checked (section 12.8), as valid-logged/'s verdicts say, under the trust root in dir. */
function receiptLine(v: Verdict, dir: string): string {
  const r = v.receipt!;
  const quorum = (JSON.parse(readFileSync(join(dir, 'trust.json'), 'utf8')) as { log: { witnessQuorum?: number } }).log.witnessQuorum ?? 0;
  const cosigned = r.cosignatures.map((c) => `${c.witness} at ${c.time}`).join(', ') || 'no witness';
  return `receipt OK: entry ${r.index} of ${r.treeSize} in the log ${r.origin} (root ${r.rootHash}), signed by ${r.logKeys.join(', ')}, cosigned by ${cosigned} (${quorum} required); openssl verified each`;
}

/** The script's lines of the dispositions and vendors it checked (section 5.10), as valid-derived/'s verdicts list them. */
function derivedLines(v: Verdict): string[] {
  const each = (v.dispositions ?? []).map((d) => `${d.disposition} ${d.artifact} by ${d.person} (key ${d.keyid})`).join(', ');
  return [`dispositions OK, openssl verified each: ${each}`, ...(v.vendors ?? []).map((x) => `vendor ${x.dir} OK: certificate ${x.certificateId} signed by key ${x.keyid}, for `)];
}

describe('independent check (python3 + openssl) of the v2 vectors', () => {
  for (const [name, dir] of [['valid', VALID], ['valid-approved', APPROVED], ['valid-derived', DERIVED], ['valid-logged', LOGGED]] as const) {
    const verdicts = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Verdict[];
    for (const v of verdicts) {
      it(`${name}: ${v.description}`, () => {
        const [python, openssl, out] = independentCheck(dir, { bundle: true, pin: pinArgs(v.pin) });
        assert.equal(python, 0, out);
        assert.equal(openssl, 0, out);
        assert.ok(out.split('\n').includes(`bundle OK: ${BUNDLE_OK[name]}`), out);
        assert.equal(out.match(/^Signature Verified Successfully$/gm)?.length, 4, 'the certificate and the three proofs');
        assert.equal(out.match(/^proof OK: /gm)?.length, 3, out);
        assert.match(out, KEY_LINE);
        assert.equal(/^key [0-9a-f]{64}: pinned by /m.test(out), v.pinned, out);
        if (name === 'valid') assert.doesNotMatch(out, /^approvals/m, 'valid/ carries no approvals, and its trust root requires none');
        else {
          assert.ok(v.approvals && v.approvals.length > 0 && v.approvalsRequired !== undefined, `${name}/ verdicts list the approvals`);
          assert.equal(out.match(/^approvals.*$/m)?.[0], approvalsLine(v), out);
        }
        if (name !== 'valid-logged') assert.doesNotMatch(out, /^receipt/m, 'no receipt, and no trust root that names a log');
        else {
          assert.ok(v.receipt && v.receipt.logKeys.length > 0 && v.receipt.cosignatures.length > 0, 'valid-logged/ verdicts say what the receipt proves');
          assert.equal(out.match(/^receipt.*$/m)?.[0], receiptLine(v, dir), out);
        }
        if (name !== 'valid-derived') assert.doesNotMatch(out, /^(dispositions|vendor) /m);
        else {
          assert.ok((v.dispositions?.length ?? 0) > 0 && (v.vendors?.length ?? 0) > 0, 'valid-derived/ verdicts list the dispositions and the vendors');
          const [dispositions, ...vendors] = derivedLines(v);
          assert.equal(out.match(/^dispositions.*$/m)?.[0], dispositions, out);
          for (const line of vendors) assert.ok(out.split('\n').some((l) => l.startsWith(line)), `${line}: ${out}`);
          // The vendor's bundle is checked as one: its own line, its key pinned by the SHA-256 our statement binds.
          assert.match(out, /^vendors\/labels-at-acme\/: bundle OK: certificate\.json, records\.ndjson \(2\), /m);
          assert.match(out, /^vendors\/labels-at-acme\/: key [0-9a-f]{64}: pinned by the SHA-256 of trust\.json; openssl verified the signature$/m);
        }
      });
    }
  }

  const invalid = join(V2_VECTOR_DIR, 'invalid');
  it('has an invalid vector of each code of section 12.8, for receipt.tlog-proof', () => {
    const codes = readdirSync(invalid).map((name) => JSON.parse(readFileSync(join(invalid, name, 'expected.json'), 'utf8')) as Verdict).filter((v) => v.file === 'receipt.tlog-proof').map((v) => v.code);
    for (const code of ['RECEIPT_MISSING', 'NOTE_MALFORMED', 'NOTE_UNVERIFIED', 'NOTE_SIGNATURE_INVALID', 'COSIGNATURE_MISSING', 'RECEIPT_MISMATCH', 'KEY_REVOKED']) {
      assert.ok(codes.includes(code), `no receipt vector of ${code}`);
    }
  });
  for (const name of readdirSync(invalid).sort()) {
    const dir = join(invalid, name);
    const v = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Verdict;
    it(`invalid: ${name} (${v.code})`, () => {
      const [python, openssl, out] = independentCheck(dir, { bundle: true, pin: pinArgs(v.pin) });
      if (v.code === 'SIGNATURE_INVALID') {
        assert.notEqual(openssl, 0, out);
        assert.match(out, /^Signature Verification Failure$/m);
        return;
      }
      assert.equal(python, 1, out);
      const line = firstFail(out);
      assert.ok(line, `no FAIL line: ${out}`);
      assert.ok(codesOf(line).includes(v.code!), `want ${v.code}, got: ${line}`);
      // A vendor's failure names the vendor's directory and its file.
      if (v.file?.startsWith('vendors/')) {
        const at = v.file.lastIndexOf('/') + 1;
        assert.ok(line.includes(v.file.slice(0, at)) && line.includes(v.file.slice(at)), `want ${v.file} named: ${line}`);
      }
      if (v.file === 'receipt.tlog-proof') assert.ok(line.includes(v.file), `want ${v.file} named: ${line}`);
    });
  }
});

describe('independent check of v2 bundles beyond the vectors', () => {
  const check = (dir: string, pin: string[] = []) => independentCheck(dir, { bundle: true, pin });

  it('--trust FILE pins: the issuer\'s trust root held by the verifier', () => {
    const [python, openssl, out] = check(VALID, ['--trust', join(VALID, 'trust.json')]);
    assert.equal(python + openssl, 0, out);
    assert.match(out, /^key [0-9a-f]{64}: pinned by the trust root ".*trust\.json"; openssl must verify /m);
  });

  it('--trust FILE of another key is PIN_MISMATCH', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const keyid = createHash('sha256').update(der.subarray(12)).digest('hex');
    const trust = join(work, 'other-trust.json');
    writeFileSync(trust, JSON.stringify({ type: 'shredproof.trust-root', version: 1, issuer: 'someone else', certificateKeys: [{ keyid, publicKey: der.toString('base64'), validFrom: '2026-01-01T00:00:00Z' }] }));
    const [python, , out] = check(VALID, ['--trust', trust]);
    assert.equal(python, 1);
    assert.match(firstFail(out) ?? '', /^FAIL: PIN_MISMATCH: /);
  });

  it('a bundle of certificate.json and public-key.pem alone: valid, key NOT pinned; with --keyid, pinned', () => {
    const dir = copy('alone', (d) => {
      for (const f of readdirSync(d)) if (!['certificate.json', 'public-key.pem'].includes(f)) rmSync(join(d, f), { recursive: true });
    });
    let [python, openssl, out] = check(dir);
    assert.equal(python + openssl, 0, out);
    assert.match(out, /^bundle OK: certificate\.json, public-key\.pem$/m);
    assert.match(out, /^key [0-9a-f]{64}: NOT pinned, /m);
    [python, openssl, out] = check(dir, ['--keyid', KEYID]);
    assert.equal(python + openssl, 0, out);
    assert.match(out, /^key [0-9a-f]{64}: pinned by its key id; /m);
    [python, , out] = check(dir, ['--trust-sha256', '0'.repeat(64)]);
    assert.match(firstFail(out) ?? '', /^FAIL: PIN_MISMATCH: /, 'no trust.json to match a trust root SHA-256');
  });

  it('accepts the payload in URL-safe base64 without padding (section 1)', () => {
    const dir = copy('url-safe', (d) => {
      const env = JSON.parse(readFileSync(join(d, 'certificate.json'), 'utf8'));
      env.payload = env.payload.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      writeFileSync(join(d, 'certificate.json'), JSON.stringify(env));
      rmSync(join(d, 'proofs'), { recursive: true }); // they carry the certificate as it was
    });
    const [python, openssl, out] = check(dir, ['--keyid', KEYID]);
    assert.equal(python + openssl, 0, out);
  });

  it('refuses a public-key.pem that is not the signing key (KEY_UNTRUSTED)', () => {
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const dir = copy('other-pem', (d) => writeFileSync(join(d, 'public-key.pem'), pem));
    const [python, , out] = check(dir, ['--keyid', KEYID]);
    assert.equal(python, 1);
    assert.match(firstFail(out) ?? '', /^FAIL: KEY_UNTRUSTED: /);
  });

  it('sends a version 1 certificate to the version 1 usage', () => {
    const [python, , out] = check(join(VECTOR_DIR, 'valid'));
    assert.equal(python, 1);
    assert.equal(firstFail(out), 'FAIL: a version 1 certificate: check it with the version 1 usage, without --bundle');
  });

  const approvedBy = 'bob@example.com';
  const bobKeyid = () => (JSON.parse(readFileSync(join(APPROVED, 'trust.json'), 'utf8')) as { approvalKeys: Array<{ keyid: string; person: string }> }).approvalKeys.find((k) => k.person === approvedBy)!.keyid;

  it("checks approvals under the pinned trust root (--trust FILE), not the bundle's: one without the approver's key is APPROVER_UNTRUSTED", () => {
    const root = JSON.parse(readFileSync(join(APPROVED, 'trust.json'), 'utf8')) as { approvalKeys: Array<{ person: string }> };
    root.approvalKeys = root.approvalKeys.filter((k) => k.person !== approvedBy);
    const trust = join(work, 'no-approver-trust.json');
    writeFileSync(trust, JSON.stringify(root));
    let [python, openssl, out] = check(APPROVED, ['--trust', join(APPROVED, 'trust.json')]);
    assert.equal(python + openssl, 0, out);
    [python, , out] = check(APPROVED, ['--trust', trust]);
    assert.equal(python, 1);
    assert.match(firstFail(out) ?? '', new RegExp(`^FAIL: APPROVER_UNTRUSTED: approvals\\[0\\] \\(approver ${approvedBy}\\): key ${bobKeyid()} `));
  });

  it('without a trust root (certificate and public-key.pem alone), checks only the approvals\' own rules: valid, no approval checked', () => {
    const dir = copy('approved-alone', (d) => {
      for (const f of readdirSync(d)) if (!['certificate.json', 'public-key.pem'].includes(f)) rmSync(join(d, f), { recursive: true });
    }, APPROVED);
    const [python, openssl, out] = check(dir, ['--keyid', KEYID]);
    assert.equal(python + openssl, 0, out);
    assert.equal(out.match(/^approvals.*$/m)?.[0], "approvals NOT checked: no trust root lists the approvers' keys", out);
  });

  it('refuses an approver whose name is the creator\'s in full-width letters (NFKC folds them: STATEMENT_INVALID)', () => {
    // The approver is the creator, approving with a key the trust root lists for them; only the same-person rule fails.
    const creator = 'alice@example.com';
    const dir = copy('approved-by-fullwidth-creator', (d) => {
      const approverKey = seedSigner(new Uint8Array(32).fill(9));
      const env = JSON.parse(readFileSync(join(d, 'certificate.json'), 'utf8')) as { payload: string };
      const s = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as CertificateStatementV2;
      s.order.createdBy = '\uff41\uff4c\uff49\uff43\uff45@example.com'; // ａｌｉｃｅ@example.com
      s.order.approvedBy = creator;
      const approval: Approval = signApproval(approverKey, approvalSubjectOf(s), { role: 'approver', person: creator, signedAt: '2026-11-20T09:25:00.000Z' });
      s.approvals = [approval];
      writeFileSync(join(d, 'certificate.json'), JSON.stringify(signEnvelope(CERTIFICATE_PAYLOAD_TYPE_V2, canonicalizeToBytes(s), [seedSigner(EXAMPLE_SEED)])));
      const root = JSON.parse(readFileSync(join(d, 'trust.json'), 'utf8')) as { approvalKeys: unknown[] };
      root.approvalKeys = [{ keyid: approverKey.keyid, publicKey: publicKeyToPem(approverKey.publicKey).split('\n')[1], validFrom: '2026-01-01T00:00:00Z', person: creator, roles: ['approver'] }];
      writeFileSync(join(d, 'trust.json'), JSON.stringify(root));
      rmSync(join(d, 'proofs'), { recursive: true }); // they carry the certificate as it was
    }, APPROVED);
    const [python, , out] = check(dir, ['--keyid', KEYID]);
    assert.equal(python, 1);
    assert.equal(firstFail(out), `FAIL: STATEMENT_INVALID: approvals[0]: ${creator} created the order and cannot approve it`);
  });

  it('a derived bundle without a trust root: its dispositions are not checked (said so), its vendor bundle is', () => {
    const dir = copy('derived-alone', (d) => {
      for (const f of readdirSync(d)) if (!['certificate.json', 'public-key.pem', 'vendors'].includes(f)) rmSync(join(d, f), { recursive: true });
    }, DERIVED);
    const [python, openssl, out] = check(dir, ['--keyid', KEYID]);
    assert.equal(python + openssl, 0, out);
    assert.match(out, /^bundle OK: certificate\.json, public-key\.pem, vendors\/labels-at-acme\/$/m);
    assert.equal(out.match(/^dispositions.*$/m)?.[0], "dispositions NOT checked: no trust root lists the approvers' keys", out);
    rmSync(join(dir, 'vendors'), { recursive: true });
    const [missing, , again] = check(dir, ['--keyid', KEYID]);
    assert.equal(missing, 1);
    assert.match(firstFail(again) ?? '', /^FAIL: VENDOR_CERTIFICATE_MISMATCH: vendors\/labels-at-acme\/: missing/);
  });

  it('refuses a value it cannot put in RFC 8785 form (a fraction in a record), rather than accept it', () => {
    // A record may carry members of a later version (section 3), so the fraction reaches the canonical-form check.
    const dir = copy('fraction', (d) => {
      const text = readFileSync(join(d, 'records.ndjson'), 'utf8');
      writeFileSync(join(d, 'records.ndjson'), text.replace('{"destroyedAt"', '{"a":1.5,"destroyedAt"'));
    });
    const [python, , out] = check(dir, ['--keyid', KEYID]);
    assert.equal(python, 1);
    assert.equal(firstFail(out), 'FAIL: a value this script cannot put in RFC 8785 form: 1.5');
  });
});

/** A verifier key of the same key under another name (C2SP signed-note: the hint is SHA-256(name || 0x0A || type || key)[:4]). */
function renamedKey(vkey: string, name: string): string {
  const key = vkey.split('+').slice(2).join('+');
  return `${name}+${createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from(key, 'base64')])).digest('hex').slice(0, 8)}+${key}`;
}

describe('independent check of receipts beyond the vectors (section 12)', () => {
  interface Log { origin: string; keys: string[]; witnesses?: string[]; witnessQuorum?: number; receiptsRequiredFrom?: string }
  interface Root { certificateKeys: Array<Record<string, unknown>>; log?: Log }
  const root = () => JSON.parse(readFileSync(join(LOGGED, 'trust.json'), 'utf8')) as Root & { log: Log };
  const receipt = readFileSync(join(LOGGED, 'receipt.tlog-proof'), 'utf8');
  const witnessLine = receipt.split('\n').find((l) => l.startsWith('\u2014 witness'))!;
  /** x/mod's test key (sumdb/note note_test.go): a valid Ed25519 verifier key, not the log's. */
  const OTHER_LOG_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  /** valid-logged/ checked under its trust root as `edit` changes it, pinned as --trust FILE, with its receipt as `receiptEdit` makes it (null: none). */
  const check = (name: string, edit: (r: ReturnType<typeof root>) => void, receiptEdit?: (text: string) => string | null) => {
    const dir = copy(name, (d) => {
      const text = receiptEdit?.(receipt);
      if (text === null) rmSync(join(d, 'receipt.tlog-proof'));
      else if (text !== undefined) writeFileSync(join(d, 'receipt.tlog-proof'), text);
    }, LOGGED);
    const r = root();
    const trust = join(work, `${name}-trust.json`);
    edit(r);
    writeFileSync(trust, JSON.stringify(r));
    const [python, openssl, out] = independentCheck(dir, { bundle: true, pin: ['--trust', trust] });
    return { python, openssl, out, fail: firstFail(out) ?? '' };
  };
  const same = () => undefined;

  it('applies the pinned trust root\'s log: the same log passes; another log key is NOTE_UNVERIFIED, another origin too', () => {
    const ok = check('receipt-pinned', same);
    assert.equal(ok.python + ok.openssl, 0, ok.out);
    assert.match(ok.out, /^receipt OK: entry 3 of 6 in the log /m);
    assert.match(check('receipt-pinned-other-key', (r) => void (r.log.keys = [OTHER_LOG_KEY])).fail, /^FAIL: NOTE_UNVERIFIED: receipt\.tlog-proof: /);
    assert.match(check('receipt-pinned-other-origin', (r) => void (r.log.origin = 'log.example.com/other')).fail, /^FAIL: NOTE_UNVERIFIED: receipt\.tlog-proof: /);
  });

  it('says what it did not check: a receipt under a trust root that names no log, and no receipt where none is required yet', () => {
    const noLog = check('receipt-no-log', (r) => void delete (r as Root).log);
    assert.equal(noLog.python + noLog.openssl, 0, noLog.out);
    assert.ok(noLog.out.split('\n').includes(`bundle OK: ${BUNDLE_OK.valid}`), noLog.out);
    assert.match(noLog.out, /^receipt NOT checked: no trust root names a log$/m);
    const notYet = check('receipt-not-required', (r) => void (r.log.receiptsRequiredFrom = '2027-01-01T00:00:00Z'), () => null);
    assert.equal(notYet.python + notYet.openssl, 0, notYet.out);
    assert.match(notYet.out, /^receipt NOT checked: there is none, and the trust root requires none for a certificate issued at 2026-11-20T10:05:00\.000Z$/m);
    assert.match(check('receipt-required', same, () => null).fail, /^FAIL: RECEIPT_MISSING: /);
  });

  it('counts the witnesses that cosigned against witnessQuorum: 0 needs none', () => {
    const uncosigned = (text: string) => text.replace(`${witnessLine}\n`, '');
    const none = check('receipt-quorum-0', (r) => void (r.log.witnessQuorum = 0), uncosigned);
    assert.equal(none.python + none.openssl, 0, none.out);
    assert.match(none.out, /, cosigned by no witness \(0 required\); openssl verified each$/m);
    assert.match(check('receipt-quorum-1', same, uncosigned).fail, /^FAIL: COSIGNATURE_MISSING: /);
  });

  it('a key revoked in the log at the receipt\'s own index or later did not sign after its revocation: valid', () => {
    const revoke = (at: number) => (r: Root) => void Object.assign(r.certificateKeys[0]!, { revokedAt: '2026-11-21T00:00:00Z', revocationReason: 'stolen', revocationLogIndex: at });
    const atIndex = check('receipt-revoked-at-index', revoke(3));
    assert.equal(atIndex.python + atIndex.openssl, 0, atIndex.out);
    assert.match(check('receipt-revoked-before-index', revoke(2)).fail, /^FAIL: KEY_REVOKED: receipt\.tlog-proof: logged at index 3, after key [0-9a-f]{64} was revoked at index 2$/);
  });

  it('refuses a trust root that breaks a rule of its log (12.7): TRUST_ROOT_INVALID', () => {
    const cases: Array<[string, (r: ReturnType<typeof root>) => void]> = [
      ['no log key', (r) => void (r.log.keys = [])],
      ['a witness key as the log key', (r) => void (r.log.keys = r.log.witnesses!)],
      ['the log key as a witness', (r) => void (r.log.witnesses = r.log.keys)],
      ['a verifier key whose hint is not its key\'s', (r) => void (r.log.keys = [OTHER_LOG_KEY.replace('c74f20a3', 'c74f20a4')])],
      ['a witness twice', (r) => void (r.log.witnesses = [...r.log.witnesses!, ...r.log.witnesses!])],
      ['one witness key under two names (it would count twice)', (r) => void (r.log.witnesses = [...r.log.witnesses!, renamedKey(r.log.witnesses![0]!, 'witness.example.org/w2')])],
      ['a quorum above the witnesses', (r) => void (r.log.witnessQuorum = r.log.witnesses!.length + 1)],
      ['an origin with a newline', (r) => void (r.log.origin += '\nx')],
      ['revocationLogIndex without revokedAt', (r) => void (r.certificateKeys[0]!.revocationLogIndex = 9)],
    ];
    for (const [name, edit] of cases) assert.match(check(`receipt-trust-${name.replace(/\W+/g, '-')}`, edit).fail, /^FAIL: TRUST_ROOT_INVALID: /, name);
  });

  it('checks the certificate\'s signature itself before the receipt (12.8): a statement changed after signing is SIGNATURE_INVALID', () => {
    const dir = copy('receipt-statement-changed', (d) => {
      const env = JSON.parse(readFileSync(join(d, 'certificate.json'), 'utf8')) as { payload: string };
      const s = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { issuer: { name: string } };
      s.issuer.name += ' (edited)'; // still canonical: members unchanged; the signature and the receipt are of the old statement
      writeFileSync(join(d, 'certificate.json'), JSON.stringify({ ...env, payload: Buffer.from(canonicalizeToBytes(s)).toString('base64') }));
      rmSync(join(d, 'proofs'), { recursive: true });
    }, LOGGED);
    const [python, openssl, out] = independentCheck(dir, { bundle: true, pin: ['--keyid', KEYID] });
    assert.equal(python, 1);
    assert.notEqual(openssl, 0, 'openssl, run by the caller too, agrees');
    assert.equal(firstFail(out), 'FAIL: SIGNATURE_INVALID: certificate.json: openssl: the signature does not hold');
  });

  it('reads the receipt and its checkpoint strictly, and verifies every signature of a known key', () => {
    const hashes = receipt.split('\n\n')[0]!.split('\n').slice(2);
    const timeChanged = (() => {
      const sig = Buffer.from(witnessLine.split(' ')[2]!, 'base64');
      sig[11]! ^= 1; // the last byte of the time
      return witnessLine.replace(/ \S+$/, ` ${sig.toString('base64')}`);
    })();
    const cases: Array<[string, (t: string) => string, string]> = [
      ['an extra line', (t) => t.replace('\nindex ', '\nextra AQI=\nindex '), ''],
      ['a cosignature twice', (t) => t.replace(witnessLine, `${witnessLine}\n${witnessLine}`), 'NOTE_MALFORMED'],
      ['a hyphen for the em dash', (t) => t.replace('\u2014 witness', '- witness'), 'NOTE_MALFORMED'],
      ['a carriage return in the checkpoint', (t) => t.replace('\n6\n', '\r\n6\n'), 'NOTE_MALFORMED'],
      ['a hash without its padding', (t) => t.replace(hashes[0]!, hashes[0]!.slice(0, -1)), 'NOTE_MALFORMED'],
      ['extra that is not base64', (t) => t.replace('\nindex ', '\nextra !!\nindex '), 'NOTE_MALFORMED'],
      ['another format', (t) => t.replace('tlog-proof@v1', 'tlog-proof@v2'), 'NOTE_MALFORMED'],
      ['a checkpoint size with a leading zero', (t) => t.replace('\n6\n', '\n06\n'), 'NOTE_MALFORMED'],
      ['the cosignature\'s time changed', (t) => t.replace(witnessLine, timeChanged), 'NOTE_SIGNATURE_INVALID'],
      ['the checkpoint\'s size changed', (t) => t.replace('\n6\n', '\n7\n'), 'NOTE_SIGNATURE_INVALID'],
      ['a hash dropped', (t) => t.replace(`${hashes[2]}\n`, ''), 'RECEIPT_MISMATCH'],
      ['an index beyond the tree', (t) => t.replace('index 3', 'index 6'), 'RECEIPT_MISMATCH'],
    ];
    for (const [name, edit, code] of cases) {
      const r = check(`receipt-read-${name.replace(/\W+/g, '-')}`, same, edit);
      if (!code) assert.equal(r.python + r.openssl, 0, `${name}: ${r.out}`);
      else assert.match(r.fail, new RegExp(`^FAIL: ${code}: receipt\\.tlog-proof: `), `${name}: ${r.out}`);
    }
  });
});
