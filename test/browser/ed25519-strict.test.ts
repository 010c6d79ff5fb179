// The Ed25519 edge-case vectors (test/vectors/ed25519/) in Chromium: the
// core's signature check bundled with the verifier page's esbuild settings
// gives each vector's `shredproof` decision, as in Node; and the offline page
// itself, opened from file://, answers every certificate set of
// test/vectors/ed25519/certificates as its expected.json says (the identity-key
// forgeries SIGNATURE_INVALID). A page verifying with noble's default
// (ZIP-215) would call the forgeries VALID (issue 21).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hexToBytes, verifySignature } from '../../packages/verify/src/core/index.js';
import { type ChecksPage, chooseFiles, openChecksPage, openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { CERTIFICATE_SETS_DIR, type CertificateExpectation, certificateSets, readVectorFile } from '../vectors/ed25519/generate.js';
import type { Ed25519Checks } from './ed25519-strict-browser.js';

const vectors = [...readVectorFile('taming-eddsas.json').vectors, ...readVectorFile('derived.json').vectors];

describe('Ed25519 edge cases in Chromium', () => {
  let checks: ChecksPage<Ed25519Checks>;
  let page: VerifierPage;
  before(async () => {
    checks = await openChecksPage('ed25519 vectors', new URL('./ed25519-strict-browser.ts', import.meta.url), 'ed25519Checks');
    page = await openVerifierPage();
  });
  after(async () => {
    await checks?.close();
    await page?.close();
  });

  it('the core bundled for the page decides every vector as strict RFC 8032 without small-order keys, as in Node', async () => {
    const cases = vectors.map(({ message, publicKey, signature }) => ({ message, publicKey, signature }));
    const inPage = await checks.call('verifySignatures', cases);
    const inNode = vectors.map((v) => verifySignature(hexToBytes(v.signature), hexToBytes(v.message), hexToBytes(v.publicKey)));
    assert.deepEqual(
      Object.fromEntries(vectors.map((v, i) => [v.name, inPage[i]])),
      Object.fromEntries(vectors.map((v) => [v.name, v.expect.shredproof])),
    );
    assert.deepEqual(inPage, inNode);
    assert.ok(vectors.some((v) => v.expect.zip215 && !v.expect.shredproof), 'some vectors only a lax verifier accepts');
  });

  for (const set of certificateSets()) {
    it(`the page: ${set.name} is ${JSON.parse(set.files['expected.json']).verdict}`, async () => {
      const dir = join(CERTIFICATE_SETS_DIR, set.name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CertificateExpectation;
      await chooseFiles(page.page, { certificate: join(dir, 'certificate.json'), publicKey: join(dir, 'public-key.pem'), records: join(dir, 'records.ndjson') });
      const v = await verifyInPage(page.page);
      // No pin is given: a set that verifies is "Signature valid, key NOT pinned" (issue 14), never VALID.
      assert.equal(v.verdict === 'unpinned' ? 'ok' : v.code, expected.verdict, `${v.word} ${v.code ?? ''} ${v.detail}`);
      if (expected.verdict !== 'ok') assert.equal(v.word, 'INVALID');
    });
  }

  it('made no network request and logged no error', () => {
    assert.deepEqual(checks.networkRequests(), []);
    assert.deepEqual(checks.pageErrors, []);
    assert.deepEqual(page.networkRequests(), []);
    assert.deepEqual(page.errors, []);
  });
});
