// Independence: the valid certificate checks out with only openssl (the
// Ed25519 signature over the PAE bytes) and a short python3 script written
// from docs/FORMAT.md (hashlib/json/base64 only), and tampered sets fail it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { VECTOR_DIR } from '../vectors/certificate/generate.js';

const SCRIPT = fileURLToPath(new URL('../independent/check_certificate.py', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'sp-indep-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Returns [python exit, openssl exit, output]. */
export function independentCheck(dir: string): [number, number, string] {
  const pae = join(tmp, 'pae.bin');
  const sig = join(tmp, 'sig.bin');
  rmSync(pae, { force: true });
  rmSync(sig, { force: true });
  const files = ['certificate.json', 'public-key.pem', 'records.ndjson'].map((f) => join(dir, f));
  const py = spawnSync('python3', [SCRIPT, ...files, pae, sig], { encoding: 'utf8' });
  const ossl = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', files[1]!, '-rawin', '-in', pae, '-sigfile', sig], { encoding: 'utf8' });
  return [py.status ?? -1, ossl.status ?? -1, py.stdout + py.stderr + ossl.stdout + ossl.stderr];
}

describe('independent verification with openssl and python3', () => {
  it('the valid example passes both', () => {
    const [py, ossl, out] = independentCheck(join(VECTOR_DIR, 'valid'));
    assert.equal(py, 0, out);
    assert.equal(ossl, 0, out);
    assert.match(out, /Signature Verified Successfully/);
  });

  for (const name of ['payload-tampered', 'signature-bit-flipped', 'records-line-altered', 'records-lines-swapped', 'records-not-canonical', 'records-line-dropped']) {
    it(`${name} fails one of them`, () => {
      const [py, ossl, out] = independentCheck(join(VECTOR_DIR, 'invalid', name));
      assert.ok(py !== 0 || ossl !== 0, out);
    });
  }
});
