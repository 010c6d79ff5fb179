// Independence: the valid certificate checks out with only openssl (the
// Ed25519 signature over the PAE bytes) and a short python3 script written
// from docs/FORMAT.md (hashlib/json/base64 only), and every invalid vector
// fails one of them: the script and shredproof agree on what is valid.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { independentCheck } from '../helpers/independent-check.js';
import { VECTOR_DIR } from '../vectors/certificate/generate.js';

describe('independent verification with openssl and python3', () => {
  it('the valid example passes both', () => {
    const [py, ossl, out] = independentCheck(join(VECTOR_DIR, 'valid'));
    assert.equal(py, 0, out);
    assert.equal(ossl, 0, out);
    assert.match(out, /Signature Verified Successfully/);
  });

  for (const name of readdirSync(join(VECTOR_DIR, 'invalid')).sort()) {
    it(`${name} fails one of them`, () => {
      const [py, ossl, out] = independentCheck(join(VECTOR_DIR, 'invalid', name));
      assert.ok(py !== 0 || ossl !== 0, out);
    });
  }
});
