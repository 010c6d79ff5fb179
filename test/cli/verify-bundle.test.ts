// `shredproof verify --bundle` and the pins (issue 14; docs/FORMAT.md
// sections 5.8 and 10): every version 2 vector through the command line with
// its pin and its expected code, the three verdicts a person reads (VALID
// pinned, valid but key NOT pinned, INVALID), --require-pin, the
// verifier's own copy of trust.json, one line per file, and --json. The
// approved bundle (valid-approved/) names each signed approval with its key.
// The derived bundle (valid-derived/, docs/FORMAT.md section 5.10) names
// each artifact, its signed disposition and its vendor, and checks the
// vendor's bundle in vendors/<name>/ as a bundle of its own, each of its
// files on its own line; a vendor that fails names its own file. The logged
// bundle (valid-logged/, section 12) says what its receipt proved; the
// receipt vectors name receipt.tlog-proof (more in verify-bundle-receipt.test.ts).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyBundle } from '../../packages/verify/src/cli/verify-bundle.js';
import { runCli } from '../helpers/run-cli.js';

const V2 = fileURLToPath(new URL('../vectors/certificate/v2/', import.meta.url));
const VALID = join(V2, 'valid');
/** The bundles that verify: valid/, valid-approved/ (the same with signed approvals, section 5.9), valid-derived/ (section 5.10) and valid-logged/ (section 12). */
const VALID_DIRS = ['valid', 'valid-approved', 'valid-derived', 'valid-logged'];
const DERIVED = join(V2, 'valid-derived');
const VENDOR_FILES = ['certificate.json', 'records.ndjson', 'retained.ndjson', 'exceptions.ndjson', 'rescan.ndjson', 'order.json', 'trust.json', 'public-key.pem'].map((f) => `vendors/labels-at-acme/${f}`);
const dir = mkdtempSync(join(tmpdir(), 'sp-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Expected {
  code: string | null;
  pin: { keyid: string } | { trustSha256: string } | null;
  pinned?: boolean;
  /** valid-approved/ and valid-derived/ only: the approvals verified against its trust.json. */
  approvals?: Array<{ role: string; person: string; keyid: string }>;
  /** valid-derived/ only: the signed dispositions and the vendor bundles verified. */
  dispositions?: Array<{ artifact: string; disposition: string; person: string; keyid: string }>;
  vendors?: Array<{ artifact: string; dir: string; certificateId: string; keyid: string }>;
  /** valid-logged/ only: what its receipt proved (section 12.8). */
  receipt?: { index: number; treeSize: number; origin: string; logKeys: string[]; cosignatures: Array<{ witness: string; time: number }> };
  /** The invalid vectors of sections 5.10 and 12: the file named with the code. */
  file?: string;
  description: string;
}
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const pinArgs = (pin: Expected['pin']) => (pin === null ? [] : 'keyid' in pin ? ['--keyid', pin.keyid] : ['--trust-sha256', pin.trustSha256]);
const expectations = (d: string): Expected[] => [JSON.parse(readFileSync(join(d, 'expected.json'), 'utf8'))].flat();
const KEYID = (expectations(VALID).find((e) => e.pin !== null && 'keyid' in e.pin)!.pin as { keyid: string }).keyid;

describe('verify --bundle on every version 2 vector', () => {
  for (const name of VALID_DIRS) {
    it(`${name}/ with each of its pins: exit 0, the pin and the approvals said as the vector expects`, async () => {
      const d = join(V2, name);
      const cases = expectations(d);
      assert.equal(cases.length, 3);
      for (const e of cases) {
        const r = await runCli('verify', '--bundle', d, ...pinArgs(e.pin));
        assert.equal(r.code, 0, `${e.description}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout, /^VALID \(/);
        assert.match(r.stdout, e.pinned ? /^key pinned: yes, by /m : /^key NOT pinned: the signature is valid/m, e.description);
        // One line per file of the bundle, each valid.
        for (const f of ['certificate.json', 'records.ndjson', 'retained.ndjson', 'exceptions.ndjson', 'rescan.ndjson', 'order.json', 'trust.json', 'public-key.pem', 'proofs/record-2.json', 'proofs/retained-0.json', 'proofs/exception-0.json']) {
          assert.match(r.stdout, new RegExp(`^  ${f.replaceAll('.', '\\.')} +VALID`, 'm'), `${e.description}: ${f}`);
        }
        assert.match(r.stdout, /^  expected\.json +ignored/m);
        // Each signed approval is named, with the person's own key that the trust root vouched for.
        for (const a of e.approvals ?? []) assert.match(r.stdout, new RegExp(`^.*${a.person.replaceAll('.', '\\.')}.* ${a.keyid}\\b`, 'm'), `${e.description}: ${a.role}`);
        // Section 5.10: each vendor file on its own line, each signed disposition and each vendor named with its key.
        for (const f of e.vendors ? VENDOR_FILES : []) assert.match(r.stdout, new RegExp(`^  ${esc(f)} +VALID`, 'm'), `${e.description}: ${f}`);
        for (const d of e.dispositions ?? []) assert.match(r.stdout, new RegExp(`^  ${esc(d.artifact)} \\(.*decided by ${esc(d.person)} with their own key ${d.keyid} \\(signed \\S+; in the trust root\\)$`, 'm'), `${e.description}: ${d.artifact}`);
        for (const v of e.vendors ?? []) assert.match(r.stdout, new RegExp(`^  ${esc(v.artifact)} \\(.*HELD BY VENDOR .*: its certificate ${esc(v.certificateId)}, signed by key ${v.keyid} `, 'm'), `${e.description}: ${v.artifact}`);
        // Section 12.8: the receipt's own line and what it proved; without a receipt and a log, no word of either.
        if (e.receipt) {
          assert.match(r.stdout, /^ {2}receipt\.tlog-proof VALID: /m, e.description);
          assert.match(r.stdout, new RegExp(`^transparency log: this certificate is entry ${e.receipt.index} of ${esc(e.receipt.origin)}, in its checkpoint of ${e.receipt.treeSize} entries `, 'm'), e.description);
        } else assert.doesNotMatch(r.stdout, /receipt|transparency log/, e.description);
      }
      assert.equal(cases.every((e) => (e.approvals?.length ?? 0) > 0), name !== 'valid', 'valid-approved/ and valid-derived/ expect their approvals to be named');
      assert.equal(cases.every((e) => (e.vendors?.length ?? 0) > 0 && (e.dispositions?.length ?? 0) > 0), name === 'valid-derived', 'valid-derived/ expects its vendor and dispositions to be named');
    });
  }

  for (const name of readdirSync(join(V2, 'invalid')).sort()) {
    it(`invalid/${name}: exit 1 with its code`, async () => {
      for (const e of expectations(join(V2, 'invalid', name))) {
        const r = await runCli('verify', '--bundle', join(V2, 'invalid', name), ...pinArgs(e.pin));
        assert.equal(r.code, 1, `${e.description}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^INVALID ${e.code}: `), `${e.description}: ${r.stdout}`);
        assert.match(r.stdout, new RegExp(`^  \\S+ +INVALID ${e.code}`, 'm'), 'the file is named on its own line');
        // The derived and vendor vectors name their file (a vendor's own, by its path in the bundle).
        if (e.file) {
          assert.match(r.stdout, new RegExp(`^INVALID ${e.code}: ${esc(e.file)}: `), `${e.description}: ${r.stdout}`);
          assert.match(r.stdout, new RegExp(`^  ${esc(e.file)} +INVALID ${e.code}: `, 'm'), `${e.description}: ${r.stdout}`);
        }
      }
    });
  }
});

describe('the three verdicts, --require-pin and --trust', () => {
  it('--require-pin: unpinned is INVALID PIN_MISSING (exit 1); pinned stays VALID', async () => {
    const r = await runCli('verify', '--bundle', VALID, '--require-pin');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^INVALID PIN_MISSING: /);
    assert.equal((await runCli('verify', '--bundle', VALID, '--require-pin', '--keyid', KEYID)).code, 0);
  });

  it('--trust: the verifier\'s own copy of trust.json pins, and its revocations apply', async () => {
    const own = join(dir, 'my-trust.json');
    cpSync(join(VALID, 'trust.json'), own);
    const ok = await runCli('verify', '--bundle', VALID, '--trust', own);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^key pinned: yes, by the trust root given with --trust/m);
    // The verifier's copy says the key was revoked before the certificate was issued: its dates apply, not the bundle's.
    const root = JSON.parse(readFileSync(own, 'utf8')) as { certificateKeys: Array<Record<string, string>> };
    Object.assign(root.certificateKeys[0]!, { revokedAt: '2001-01-01T00:00:00Z', revocationReason: 'stolen (test)' });
    const revoked = join(dir, 'revoked-trust.json');
    writeFileSync(revoked, JSON.stringify(root));
    const r = await runCli('verify', '--bundle', VALID, '--trust', revoked);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^INVALID KEY_REVOKED: /);
    // A trust root that is not one is a usage error (exit 2): it is the verifier's input, not evidence.
    writeFileSync(join(dir, 'broken.json'), '{"type":"shredproof.trust-root","version":1}');
    const broken = await runCli('verify', '--bundle', VALID, '--trust', join(dir, 'broken.json'));
    assert.equal(broken.code, 2, broken.stdout + broken.stderr);
    assert.match(broken.stderr, /unusable --trust file: TRUST_ROOT_INVALID/);
  });

  it('--certificate with --public-key alone is valid, not pinned; with --keyid pinned; with another --keyid PIN_MISMATCH', async () => {
    const base = ['verify', '--certificate', join(VALID, 'certificate.json'), '--public-key', join(VALID, 'public-key.pem'), '--records', join(VALID, 'records.ndjson')];
    const plain = await runCli(...base);
    assert.equal(plain.code, 0, plain.stdout);
    assert.match(plain.stdout, /^key NOT pinned/m);
    assert.match((await runCli(...base, '--keyid', KEYID)).stdout, /^key pinned: yes, by the key id /m);
    const other = await runCli(...base, '--keyid', '6a3803d5f059902a1c6dafbc9ba4729212f7caac08634cc3ae76b27529f03827');
    assert.equal(other.code, 1);
    assert.match(other.stdout, /^INVALID PIN_MISMATCH: /);
    // --trust-sha256 pins a trust root: without one it is a usage error.
    assert.equal((await runCli(...base, '--trust-sha256', '0'.repeat(64))).code, 2);
  });

  it('--json: pinned, pin, files; an invalid bundle names the file', async () => {
    const r = await runCli('verify', '--bundle', VALID, '--keyid', KEYID, '--json');
    const doc = JSON.parse(r.stdout) as { valid: boolean; pinned: boolean; pin: { kind: string; value: string }; files: Array<{ file: string; status: string }> };
    assert.deepEqual([doc.valid, doc.pinned, doc.pin], [true, true, { kind: 'keyid', value: KEYID }]);
    assert.ok(doc.files.some((f) => f.file === 'order.json' && f.status === 'valid'));
    const unpinned = JSON.parse((await runCli('verify', '--bundle', VALID, '--json')).stdout) as { pinned: boolean };
    assert.equal(unpinned.pinned, false);
    const bad = JSON.parse((await runCli('verify', '--bundle', join(V2, 'invalid', 'order-swapped'), '--json')).stdout) as { valid: boolean; code: string; file: string };
    assert.deepEqual([bad.valid, bad.code, bad.file], [false, 'ORDER_MISMATCH', 'order.json']);
  });

  it('prove with the list files: an object not destroyed is said to be kept or an exception, with a proof of its entry that verify accepts', async () => {
    const V = (f: string) => join(VALID, f);
    const base = ['prove', '--certificate', V('certificate.json'), '--records', V('records.ndjson'), '--public-key', V('public-key.pem'), '--retained', V('retained.ndjson'), '--exceptions', V('exceptions.ndjson'), '--rescan', V('rescan.ndjson')];
    for (const [list, said] of [['retained', /^KEPT under a legal hold, not destroyed: /m], ['exceptions', /^NOT destroyed \(an exception\): /m]] as const) {
      const entry = JSON.parse(readFileSync(V(`${list}.ndjson`), 'utf8').split('\n')[0]!) as { locator: string; target: string };
      const out = join(dir, `${list}-proof.json`);
      const r = await runCli(...base, '--locator', entry.locator, '--target', entry.target, '--out', out);
      assert.equal(r.code, 1, `${list}: not destroyed is exit 1: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, said);
      const v = await runCli('verify', '--proof', out, '--public-key', V('public-key.pem'), '--keyid', KEYID);
      assert.equal(v.code, 0, v.stdout);
      assert.match(v.stdout, new RegExp(`in the ${list} list at leaf 0`));
    }
    const none = await runCli(...base, '--locator', 'no/such/object.jpg');
    assert.equal(none.code, 1);
    assert.match(none.stdout + none.stderr, /NOT FOUND[\s\S]*not in the retained, exceptions, rescan list given either/);
  });

  it('a directory without certificate.json, or none at all, is a usage error (exit 2)', async () => {
    assert.equal((await runCli('verify', '--bundle', dir)).code, 2);
    assert.equal((await runCli('verify', '--bundle', join(dir, 'none'))).code, 2);
    assert.equal((await runCli('verify', '--bundle', VALID, '--certificate', join(VALID, 'certificate.json'))).code, 2);
  });
});

describe('verify --bundle: the vendors of a derived section (docs/FORMAT.md section 5.10)', () => {
  it('follows vendors to a depth of four: valid-derived/ checked as a bundle at depth 3 is valid, at depth 4 its vendor is one too deep', async () => {
    const three = await verifyBundle(DERIVED, {}, 3);
    assert.equal(three.failure, undefined, JSON.stringify(three.failure));
    assert.deepEqual(three.vendors?.map((v) => [v.artifact, v.dir, v.certificateId]), [['labels-at-acme', 'vendors/labels-at-acme/', 'acme-cert-0001']]);
    const four = await verifyBundle(DERIVED, {}, 4);
    assert.deepEqual([four.failure?.file, four.failure?.error.code], ['vendors/labels-at-acme/', 'VENDOR_CERTIFICATE_MISMATCH']);
    assert.match(four.failure!.error.message, /nest deeper than 4/);
  });

  it('lists a directory under vendors/ that no held-by-vendor artifact names as ignored, and vendors/ in a bundle without a derived section too', async () => {
    const extra = join(dir, 'derived-extra');
    cpSync(DERIVED, extra, { recursive: true });
    cpSync(join(DERIVED, 'vendors', 'labels-at-acme'), join(extra, 'vendors', 'someone-else'), { recursive: true });
    const r = await runCli('verify', '--bundle', extra);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^ {2}vendors\/someone-else +ignored: no held-by-vendor artifact of the statement names it$/m);
    const plain = join(dir, 'valid-with-vendors');
    cpSync(VALID, plain, { recursive: true });
    cpSync(join(DERIVED, 'vendors'), join(plain, 'vendors'), { recursive: true });
    const p = await runCli('verify', '--bundle', plain);
    assert.equal(p.code, 0, p.stdout);
    assert.match(p.stdout, /^ {2}vendors\/labels-at-acme +ignored: /m);
    assert.doesNotMatch(p.stdout, /^derived artifacts/m);
  });

  it('a vendor bundle without its certificate.json is VENDOR_CERTIFICATE_MISMATCH naming that file, the others not checked', async () => {
    const d = join(dir, 'derived-no-vendor-certificate');
    cpSync(DERIVED, d, { recursive: true });
    rmSync(join(d, 'vendors', 'labels-at-acme', 'certificate.json'));
    const r = await runCli('verify', '--bundle', d);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^INVALID VENDOR_CERTIFICATE_MISMATCH: vendors\/labels-at-acme\/certificate\.json: is missing; the statement binds one with SHA-256 [0-9a-f]{64}$/m);
    assert.match(r.stdout, /^ {2}vendors\/labels-at-acme\/records\.ndjson not checked: not the vendor bundle the statement binds$/m);
  });

  it('--json: each vendor file in files, valid; an invalid vendor names its own file', async () => {
    const doc = JSON.parse((await runCli('verify', '--bundle', DERIVED, '--json')).stdout) as { valid: boolean; files: Array<{ file: string; status: string }> };
    assert.equal(doc.valid, true);
    assert.deepEqual(doc.files.filter((f) => f.file.startsWith('vendors/')).map((f) => [f.file, f.status]).sort(), VENDOR_FILES.map((f) => [f, 'valid']).sort());
    const bad = JSON.parse((await runCli('verify', '--bundle', join(V2, 'invalid', 'vendor-bundle-tampered'), '--json')).stdout) as { valid: boolean; code: string; file: string };
    assert.deepEqual([bad.valid, bad.code, bad.file], [false, 'MERKLE_ROOT_MISMATCH', 'vendors/labels-at-acme/records.ndjson']);
  });

  it('without a trust root, says the dispositions were NOT checked, and names the vendor bundle that --bundle checks', async () => {
    const r = await runCli('verify', '--certificate', join(DERIVED, 'certificate.json'), '--public-key', join(DERIVED, 'public-key.pem'));
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^derived artifacts: 4 /m);
    assert.match(r.stdout, /^ {2}face-model-v1 \(model\): destroyed, its objects the records of target derived:face-model-v1; lineage training-exports > face-model-v1$/m);
    assert.match(r.stdout, /^ {2}face-eval-scores \(feature-table\): RETAINED, justified: "Kept for the court-ordered bias audit.*"; its objects, the entries of target derived:face-eval-scores in retained\.ndjson, were kept, none destroyed; lineage training-exports > face-model-v1 > face-eval-scores; decided by bob@example\.com with their own key [0-9a-f]{64} \(signed \S+; NOT checked: no trust root\)$/m);
    assert.match(r.stdout, /^ {2}labels-at-acme \(vendor-copy\): HELD BY VENDOR .*\(its bundle, vendors\/labels-at-acme\/, is what verify --bundle checks\)/m);
  });
});
