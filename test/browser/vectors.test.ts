// Issue 6, deliverable 4: the certificate vectors give the same answers in
// the offline page (Chromium, from file://) as in Node. Each set is verified
// by the page and by the core with the CLI's records reader in this same
// test, and both must equal the set's expected code. The valid set shows its
// statement and key fingerprint; nothing touches the network. Issue 14: a
// version 1 certificate checked with its public key alone is "Signature
// valid, key NOT pinned"; with its key id pinned it is VALID.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { publicKeyFromPem, trustedKey, VerificationError, verifyCertificate } from '../../packages/verify/src/core/index.js';
import { verifyRecordsFile } from '../../packages/verify/src/node/fast-verify.js';
import { chooseFiles, openVerifierPage, readVerdict, SCREENSHOT_DIR, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { HOSTILE, hostileSet } from '../node/records-fixture.js';
import { EXAMPLE_KEYID, setPins } from './page-actions.js';
import { VECTOR_DIR } from '../vectors/certificate/generate.js';

/** C0 and C1 controls, DEL, and the bidi controls: the page shows each as its escape, never the character. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

const set = (dir: string) => ({
  certificate: join(VECTOR_DIR, dir, 'certificate.json'),
  publicKey: join(VECTOR_DIR, dir, 'public-key.pem'),
  records: join(VECTOR_DIR, dir, 'records.ndjson'),
});

/** The Node answer for a set: 'ok' or the code, as `shredproof verify` computes it. */
async function nodeAnswer(files: { certificate: string; publicKey: string; records: string }): Promise<string> {
  try {
    const key = trustedKey(publicKeyFromPem(readFileSync(files.publicKey, 'utf8')));
    const { statement } = verifyCertificate(readFileSync(files.certificate), [key]); // bytes, as the CLI reads them
    await verifyRecordsFile(statement, files.records);
    return 'ok';
  } catch (e) {
    if (e instanceof VerificationError) return e.code;
    throw e;
  }
}

/** The page's answer: 'ok' for a valid certificate, pinned or not (Node's answer knows no pins), else the code. */
const pageAnswer = (v: { verdict: string; code: string | undefined }) => (v.verdict === 'valid' || v.verdict === 'unpinned' ? 'ok' : v.code ?? `no code (${v.verdict})`);

describe('verifier page: certificate vectors, same answers as Node', () => {
  let p: VerifierPage;
  before(async () => {
    p = await openVerifierPage();
  });
  after(() => p?.close());

  it('starts idle, with Verify disabled until a certificate and a key are chosen', async () => {
    assert.equal((await readVerdict(p.page)).verdict, 'idle');
    assert.equal(await p.page.isDisabled('#verify'), true);
    await chooseFiles(p.page, { certificate: set('valid').certificate });
    assert.equal(await p.page.isDisabled('#verify'), true);
    await chooseFiles(p.page, { publicKey: set('valid').publicKey, records: set('valid').records });
    assert.match(await p.page.textContent('#inputs-hint') ?? '', /choose the certificate too/);
    await p.screenshot('idle');
  });

  it('valid/: with the key alone "Signature valid, key NOT pinned"; with its key id pinned VALID, with the statement and the key fingerprint shown', async () => {
    const files = set('valid');
    await chooseFiles(p.page, files);
    const unpinned = await verifyInPage(p.page);
    assert.equal(pageAnswer(unpinned), await nodeAnswer(files));
    assert.equal(unpinned.verdict, 'unpinned');
    assert.equal(unpinned.word, 'Signature valid, key NOT pinned');
    assert.ok(unpinned.detail.includes(`Compare the key id ${EXAMPLE_KEYID} with the one published in the settlement`), unpinned.detail);
    await setPins(p.page, { keyid: EXAMPLE_KEYID.toUpperCase() });
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.equal(v.word, 'VALID');
    assert.match(v.detail, /signature, statement, records file \(5 records\)/);
    const text = (await p.page.textContent('#statement')) ?? '';
    for (const want of [
      'FTC Docket No. C-0000 (example)', // order reference
      'ord-example-0001', // order id
      'cert-example-0001',
      'Example Corp compliance (TEST KEY)', // issuer
      'alice@example.com',
      'bob@example.com',
      '2026-11-20 10:05:00 UTC', // issuedAt
      'complete, with exceptions', // status
      'training-exports', // a target
      '2026-10/locked.tar', // the exception
      'EACCES',
      'permission denied on unlink',
      'user-3001/evidence.jpg', // the retained item
      'hold-7',
      'litigation hold, case 26-cv-123',
      'unlink does not overwrite blocks; backups and snapshots may keep copies', // what persists
      '143 bytes', // bytes destroyed
      '4a457b02b8431c3a109c69917bce0b535e381548acc0bd27ca8d53f30ea00fe8', // Merkle root
    ]) {
      assert.ok(text.includes(want), `statement shows ${want}`);
    }
    const completeness = await p.page.locator('#statement table').first().locator('tbody td').allTextContents();
    assert.deepEqual(completeness, ['7', '5', '1', '1']); // planned, destroyed, retained, exceptions
    const targets = await p.page.locator('#statement table').nth(1).locator('tbody tr').allTextContents();
    assert.deepEqual(targets, ['photosfilesystemunlink43105 bytes10', 'training-exportsfilesystemunlink3238 bytes01']);
    const key = (await p.page.textContent('#key-info')) ?? '';
    assert.ok(key.includes(`keyid ${EXAMPLE_KEYID}`), 'as shredproof keygen prints it');
    assert.ok(key.includes(`SHA2-256(stdin)= ${EXAMPLE_KEYID}`), 'as openssl dgst prints it');
    assert.ok(key.includes('8a:88:e3:dd:74:09:f1:95:fd:52:db:2d:3c:ba:5d:'), 'the raw key as openssl pkey -text prints it');
    assert.equal(await p.page.getAttribute('#pin-result', 'data-match'), 'yes');
    await p.screenshot('valid');
    // Issue 14: a published key id that does not match was a green VALID with a red line below it; it is INVALID.
    await setPins(p.page, { keyid: EXAMPLE_KEYID.replace(/^3/, '4') });
    const mismatch = await verifyInPage(p.page);
    assert.equal(mismatch.verdict, 'invalid');
    assert.equal(mismatch.code, 'PIN_MISMATCH');
    assert.equal(await p.page.getAttribute('#pin-result', 'data-match'), 'no');
    assert.equal(await p.page.isHidden('#statement-box'), true);
    await setPins(p.page, {});
  });

  const invalid = readdirSync(join(VECTOR_DIR, 'invalid')).sort();
  it(`each of the ${invalid.length} invalid sets fails with its code, the same as in Node`, async () => {
    for (const name of invalid) {
      const files = set(`invalid/${name}`);
      const expected = JSON.parse(readFileSync(join(VECTOR_DIR, 'invalid', name, 'expected.json'), 'utf8')).code;
      await chooseFiles(p.page, files);
      const v = await verifyInPage(p.page);
      assert.equal(v.verdict, 'invalid', `${name}: ${v.word} ${v.detail}`);
      assert.equal(pageAnswer(v), await nodeAnswer(files), `${name}: page and Node differ`);
      assert.equal(v.code, expected, name);
      assert.match(v.detail, new RegExp(`^${expected}: .+`), name);
      assert.doesNotMatch(v.detail, UNSAFE, name);
      if (name === 'envelope-keyid-terminal-escape') assert.ok(v.detail.includes('(signed by: \\u001b[1A\\u001b[2K\\u000dVALID)'), v.detail);
      if (name === 'signature-bit-flipped' || name === 'records-line-altered') await p.screenshot(`invalid-${name}`);
    }
  });

  it('shows control and bidi characters of a valid certificate escaped, not interpreted (issue 11, finding 2)', async () => {
    const set = hostileSet();
    const files = { certificate: join(p.dir, 'hostile-certificate.json'), publicKey: join(p.dir, 'hostile-key.pem'), proof: join(p.dir, 'hostile-proof.json') };
    writeFileSync(files.certificate, JSON.stringify(set.envelope));
    writeFileSync(files.publicKey, set.publicKeyPem);
    writeFileSync(files.proof, JSON.stringify(set.proof));
    await chooseFiles(p.page, files);
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'unpinned', v.detail);
    const statement = (await p.page.textContent('#statement')) ?? '';
    const shown = (s: string) => s.replace(UNSAFE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    for (const s of [HOSTILE.reason, HOSTILE.exceptionLocator, HOSTILE.persistence]) assert.ok(statement.includes(shown(s)), `${shown(s)} is shown`);
    assert.ok(statement.includes('denied \\u202egpj.exe\\u202c, see \\u2066note\\u2069'));
    assert.ok(v.detail.includes('photos/a.jpg\\u001b[1A\\u001b[2Ksha256: '), v.detail);
    // Everything shown (the template's own line breaks aside: they lay out the HTML source).
    assert.doesNotMatch(((await p.page.textContent('main')) ?? '').replaceAll('\n', ''), UNSAFE);
    await p.screenshot('hostile-strings');
  });

  it('a public key that is not Ed25519 is KEY_MALFORMED, as in Node', async () => {
    // The same SPKI with the Ed448 OID (1.3.101.113) in place of Ed25519's (1.3.101.112).
    const other = join(p.dir, 'not-ed25519.pem');
    writeFileSync(other, readFileSync(join(VECTOR_DIR, 'valid', 'public-key.pem'), 'utf8').replace('MCowBQYDK2VwAyEA', 'MCowBQYDK2VxAyEA'));
    await chooseFiles(p.page, { certificate: set('valid').certificate, publicKey: other });
    const v = await verifyInPage(p.page);
    assert.equal(v.code, 'KEY_MALFORMED');
    assert.throws(() => publicKeyFromPem(readFileSync(other, 'utf8')), (e: unknown) => e instanceof VerificationError && e.code === 'KEY_MALFORMED');
  });

  it('made no network request and logged no error (a CSP violation would be one)', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
    console.log(`screenshots in ${SCREENSHOT_DIR}`);
  });
});
