// Ed25519 edge cases (test/vectors/ed25519/, README.md there): signatures
// that one rule set accepts and another refuses. The core must decide as
// docs/FORMAT.md 5.1 says (strict RFC 8032: canonical encodings, S < L, the
// cofactored equation, no small-order key), which is the vectors' `shredproof`
// label; without noble's `zip215: false` it would accept every vector labelled
// `zip215` (issue 21). Each label is also checked against the naive RFC 8032
// verifier of test/vectors/ed25519/reference.ts, and noble's default (ZIP-215)
// against the `zip215` label, so that the labels cannot be wrong unnoticed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as ed from '@noble/ed25519';
import fc from 'fast-check';
import {
  hexToBytes,
  publicKeyFromPem,
  RecordsVerifier,
  trustedKey,
  utf8Encode,
  VerificationError,
  verifyCertificate,
  verifySignature,
} from '../../packages/verify/src/core/index.js';
import {
  CERTIFICATE_SETS_DIR,
  type CertificateExpectation,
  certificateSets,
  ED25519_VECTOR_DIR,
  type Ed25519Vector,
  generatedFiles,
  readVectorFile,
} from '../vectors/ed25519/generate.js';
import { RULES, type RuleSet, verify } from '../vectors/ed25519/reference.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';

const files = ['taming-eddsas.json', 'derived.json'] as const;
const all: Ed25519Vector[] = files.flatMap((f) => readVectorFile(f).vectors);
const bytes = (v: Ed25519Vector) => ({ message: hexToBytes(v.message), publicKey: hexToBytes(v.publicKey), signature: hexToBytes(v.signature) });

/** noble's default, ZIP-215: what the core would do without `zip215: false`. */
function nobleDefault(v: Ed25519Vector): boolean {
  const b = bytes(v);
  try {
    return ed.verify(b.signature, b.message, b.publicKey);
  } catch {
    return false;
  }
}

/** The core's verdict on a certificate set (certificate, key and records), as `shredproof verify` reaches it: 'ok' or the code. */
function coreCertificateVerdict(dir: string): string {
  try {
    const key = trustedKey(publicKeyFromPem(readFileSync(join(dir, 'public-key.pem'), 'utf8')));
    const { statement } = verifyCertificate(readFileSync(join(dir, 'certificate.json')), [key]);
    const v = new RecordsVerifier(statement);
    for (const line of readFileSync(join(dir, 'records.ndjson'), 'utf8').split('\n').slice(0, -1)) v.push(line);
    v.finish();
    return 'ok';
  } catch (e) {
    if (e instanceof VerificationError) return e.code;
    throw e;
  }
}

describe('Ed25519 edge-case vectors', () => {
  it('the files on disk are what generate.ts writes', () => {
    for (const [path, text] of generatedFiles()) assert.equal(readFileSync(join(ED25519_VECTOR_DIR, path), 'utf8'), text, path);
  });

  it('the set holds what it must: vectors only a lax verifier accepts, and vectors the two equations split', () => {
    assert.equal(all.length, 12 + 8);
    assert.ok(all.filter((v) => v.expect.zip215 && !v.expect.shredproof).length >= 8, 'ZIP-215 accepts, strict refuses');
    assert.ok(all.some((v) => v.expect.rfc8032Cofactored !== v.expect.rfc8032Cofactorless), 'cofactored and cofactorless disagree');
    assert.ok(all.some((v) => v.expect.openssl !== v.expect.shredproof), 'openssl and shredproof disagree');
    assert.ok(all.some((v) => v.expect.shredproof) && all.some((v) => !v.expect.shredproof));
  });

  for (const v of all) {
    it(`${v.name}: ${v.description}`, () => {
      const b = bytes(v);
      for (const rule of Object.keys(RULES) as RuleSet[]) {
        assert.equal(verify(RULES[rule], b.signature, b.message, b.publicKey), v.expect[rule], `the reference's ${rule} decision`);
      }
      assert.equal(nobleDefault(v), v.expect.zip215, "noble's default (ZIP-215)");
      assert.equal(verifySignature(b.signature, b.message, b.publicKey), v.expect.shredproof, 'the core (strict)');
    });
  }

  it('the issue\'s vector: key = the identity, R = the identity, S = 0 verifies no message, whatever noble\'s default says', () => {
    const publicKey = hexToBytes('01' + '00'.repeat(31));
    const signature = hexToBytes('01' + '00'.repeat(63));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        assert.equal(ed.verify(signature, message, publicKey), true, 'ZIP-215 accepts it for every message');
        assert.equal(verifySignature(signature, message, publicKey), false);
      }),
      { numRuns: 50 },
    );
  });
});

describe('certificates signed under the edge-case keys (test/vectors/ed25519/certificates)', () => {
  const sets = certificateSets();

  it('there is one directory per set', () => {
    assert.deepEqual(sets.map((s) => s.name).sort(), ['identity-key', 'mixed-order-key-cofactored-only', 'negative-zero-identity-key', 'noncanonical-identity-key', 'order-2-key']);
  });

  for (const set of sets) {
    it(`${set.name}: the core answers as expected.json says`, () => {
      const dir = join(CERTIFICATE_SETS_DIR, set.name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CertificateExpectation;
      assert.equal(coreCertificateVerdict(dir), expected.verdict);
      // The forgeries would pass a ZIP-215 verifier; the one valid set passes under every cofactored rule.
      assert.equal(expected.signature.zip215, true);
    });
  }

  it('a forged identity-key certificate is SIGNATURE_INVALID, not KEY_UNTRUSTED: the key is trusted, its signature is refused', () => {
    const dir = join(CERTIFICATE_SETS_DIR, 'identity-key');
    const key = trustedKey(publicKeyFromPem(readFileSync(join(dir, 'public-key.pem'), 'utf8')));
    assert.throws(
      () => verifyCertificate(readFileSync(join(dir, 'certificate.json')), [key]),
      (e: unknown) => e instanceof VerificationError && e.code === 'SIGNATURE_INVALID',
    );
    assert.equal(verifySignature(new Uint8Array(64), utf8Encode('x'), key.publicKey), false);
  });
});

describe('the same certificates through `shredproof verify` (the CLI: the core for the signature, its fast path for the records)', () => {
  const args = (dir: string) => ['verify', '--certificate', join(dir, 'certificate.json'), '--public-key', join(dir, 'public-key.pem'), '--records', join(dir, 'records.ndjson')];

  for (const set of certificateSets()) {
    it(`${set.name}`, async () => {
      const dir = join(CERTIFICATE_SETS_DIR, set.name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CertificateExpectation;
      const r = await runCli(...args(dir));
      if (expected.verdict === 'ok') {
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /^VALID \(signature, statement, records\)/);
      } else {
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stdout, new RegExp(`^INVALID ${expected.verdict}: `));
      }
    });
  }

  it('the installed command (bin/shredproof.js, a child process) refuses the identity-key forgery with exit 1', () => {
    const r = spawnCli(args(join(CERTIFICATE_SETS_DIR, 'identity-key')));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^INVALID SIGNATURE_INVALID: /);
  });
});
