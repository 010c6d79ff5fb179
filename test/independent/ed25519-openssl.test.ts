// What the independent check does with the Ed25519 edge cases
// (test/vectors/ed25519/): `openssl pkeyutl -verify -pubin -rawin` on every
// vector's raw message, and the whole check (test/independent/check_certificate.py
// for the statement and records, openssl for the signature over the PAE bytes)
// on every certificate set. Each vector records openssl's decision (the
// `openssl` label); this test holds openssl to it, so that a different OpenSSL
// that decides otherwise is noticed.
//
// OpenSSL 3.0 verifies cofactorless ([S]B - [k]A encoded and compared with R's
// bytes) and checks neither that the key is canonical nor that it is not of
// small order. So it accepts what docs/FORMAT.md 5.1 refuses (taming-00,
// -01 and -11, the identity and order-2 keys, the non-canonical identity
// encodings), and refuses what the cofactored equation accepts (taming-04,
// -05, the mixed-order key): the last describe block lists the certificates
// on which the independent check and shredproof disagree.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hexToBytes, publicKeyToPem } from '../../packages/verify/src/core/index.js';
import { independentCheck } from '../helpers/independent-check.js';
import { CERTIFICATE_SETS_DIR, type CertificateExpectation, certificateSets, readVectorFile } from '../vectors/ed25519/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-ed25519-openssl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const OPENSSL_VERSION = spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim();

/** openssl's decision on one raw signature: true when it printed "Signature Verified Successfully" and exited 0. */
function opensslVerifies(message: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): { ok: boolean; output: string } {
  const key = join(dir, 'key.pem');
  const msg = join(dir, 'message.bin');
  const sig = join(dir, 'signature.bin');
  writeFileSync(key, publicKeyToPem(publicKey));
  writeFileSync(msg, message);
  writeFileSync(sig, signature);
  const r = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', key, '-rawin', '-in', msg, '-sigfile', sig], { encoding: 'utf8' });
  const output = (r.stdout + r.stderr).trim();
  if (r.status === 0) assert.match(output, /Signature Verified Successfully/);
  else assert.match(output, /Signature Verification Failure/, `openssl failed otherwise (exit ${r.status}): ${output}`);
  return { ok: r.status === 0, output };
}

describe(`openssl pkeyutl -verify -rawin on the Ed25519 vectors (${OPENSSL_VERSION})`, () => {
  for (const file of ['taming-eddsas.json', 'derived.json'] as const) {
    for (const v of readVectorFile(file).vectors) {
      it(`${v.name}: openssl ${v.expect.openssl ? 'accepts' : 'refuses'} (shredproof ${v.expect.shredproof ? 'accepts' : 'refuses'})`, () => {
        const r = opensslVerifies(hexToBytes(v.message), hexToBytes(v.publicKey), hexToBytes(v.signature));
        assert.equal(r.ok, v.expect.openssl, `${OPENSSL_VERSION}: ${r.output}`);
      });
    }
  }
});

describe('the independent check (python3 script + openssl) on the certificate sets', () => {
  const results = new Map<string, { python: number; openssl: number }>();

  for (const set of certificateSets()) {
    it(`${set.name}`, () => {
      const setDir = join(CERTIFICATE_SETS_DIR, set.name);
      const expected = JSON.parse(readFileSync(join(setDir, 'expected.json'), 'utf8')) as CertificateExpectation;
      const [python, openssl, out] = independentCheck(setDir);
      results.set(set.name, { python, openssl });
      assert.equal(python, 0, `the statement and records are the worked example's and pass the script: ${out}`);
      assert.equal(openssl === 0, expected.signature.openssl, `${OPENSSL_VERSION}: ${out}`);
    });
  }

  it('disagrees with shredproof on these sets: it accepts the small-order and non-canonical key forgeries, and refuses the mixed-order key', () => {
    const disagree = certificateSets()
      .filter((s) => {
        const r = results.get(s.name);
        assert.ok(r, `${s.name} was checked`);
        const independent = r.python === 0 && r.openssl === 0;
        const shredproof = (JSON.parse(s.files['expected.json']) as CertificateExpectation).verdict === 'ok';
        return independent !== shredproof;
      })
      .map((s) => s.name);
    assert.deepEqual(disagree, ['identity-key', 'noncanonical-identity-key', 'negative-zero-identity-key', 'order-2-key', 'mixed-order-key-cofactored-only']);
  });
});
