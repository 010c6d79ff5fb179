// Issue 14: "Check a photo" explains itself, on the version 2 example bundle
// (test/vectors/certificate/v2/valid) in real Chromium with real files. A
// destroyed photo is FOUND with its inclusion proof; the held photo, whose
// hash is a retained entry's sha256, is KEPT UNDER A LEGAL HOLD with its hold
// and nothing about any other entry; a re-encoded copy is NOT FOUND, with
// what that means and what it does not. Without retained.ndjson the page
// says to add it; a proof of a retained entry answers as the list does.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkPhotos, openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { chooseBundleFolder, EXAMPLE_KEYID, removeAllFiles, setPins } from './page-actions.js';

const VALID = join(import.meta.dirname, '..', 'vectors', 'certificate', 'v2', 'valid');
// The example's contents (scripts/example-certificate.ts and example-certificate-v2.ts); checked against the bundle below.
const DESTROYED = 'not really a JPEG, but real bytes 3'; // record 2, photos user-2200/selfie.jpg
const HELD = 'held evidence photo, real bytes '.repeat(40).slice(0, 1200); // retained entry 0, hold-7
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('verifier page: a photo check that explains itself', () => {
  let p: VerifierPage;
  let photos: { destroyed: string; held: string; reencoded: string };
  before(async () => {
    p = await openVerifierPage();
    const records = readFileSync(join(VALID, 'records.ndjson'), 'utf8');
    const retained = readFileSync(join(VALID, 'retained.ndjson'), 'utf8');
    assert.ok(records.split('\n')[2]!.includes(`"sha256":"${sha256(DESTROYED)}"`), 'the destroyed content is record 2');
    assert.ok(retained.includes(`"sha256":"${sha256(HELD)}"`), 'the held content is retained entry 0');
    photos = { destroyed: join(p.dir, 'selfie.jpg'), held: join(p.dir, 'evidence.jpg'), reencoded: join(p.dir, 'selfie-resized.jpg') };
    writeFileSync(photos.destroyed, DESTROYED);
    writeFileSync(photos.held, HELD);
    writeFileSync(photos.reencoded, `${DESTROYED} `); // another copy of the picture: other bytes
  });
  after(() => p?.close());

  it('the whole bundle: FOUND, KEPT UNDER A LEGAL HOLD with its hold only, NOT FOUND explained', async () => {
    await chooseBundleFolder(p.page, VALID);
    await setPins(p.page, { keyid: EXAMPLE_KEYID });
    assert.equal((await verifyInPage(p.page)).verdict, 'valid');
    const [found, held, missing] = await checkPhotos(p.page, [photos.destroyed, photos.held, photos.reencoded]);
    assert.deepEqual([found!.status, held!.status, missing!.status], ['found', 'held', 'not-found']);
    assert.match(found!.text, /^FOUND selfie\.jpg: its SHA-256 is among the 5 destroyed objects of the verified records file\./);
    assert.match(found!.text, /Locatoruser-2200\/selfie\.jpg/);
    assert.match(found!.text, /valid: 3 sibling hashes lead from this record to the certified Merkle root \(built from the verified records file\)/);

    assert.match(held!.text, /^KEPT UNDER A LEGAL HOLD evidence\.jpg: not destroyed; its SHA-256 is that of an object the issuer kept under hold hold-7\./);
    for (const want of ['Holdhold-7', 'Reasonlitigation hold, case 26-cv-123', 'Locatoruser-3001/evidence.jpg', '#0 of retained.ndjson', sha256(HELD)]) assert.ok(held!.text.includes(want), want);
    for (const other of ['locked.tar', 'EACCES', 'selfie', 'profile.jpg', 'training-exports']) assert.ok(!held!.text.includes(other), `says nothing of ${other}`);

    assert.match(missing!.text, /^NOT FOUND selfie-resized\.jpg: its SHA-256 is not among the 5 destroyed objects of the verified records file\./);
    for (const want of [
      'What this means: no destroyed object that was searched had exactly these bytes.',
      'What it does not mean: that the photo still exists, or that it was kept.',
      'kept under a legal hold, been outside the order’s scope, never have been part of the order, or be a different copy of the picture',
      'a resized, cropped or re-encoded photo (as a phone or a messaging app makes them) has another SHA-256',
      'Nor is it among the 1 entry of the verified retained.ndjson that records the held object’s SHA-256.',
    ]) {
      assert.ok(missing!.text.includes(want), want);
    }
    assert.match((await p.page.textContent('#photo-status')) ?? '', /^Checked 3 files in [\d.]+ s: 1 found among the destroyed objects, 1 kept under a legal hold\.$/);
    await p.screenshot('photo-found-held-not-found');
  });

  it('without retained.ndjson (nor the proof of its entry): the held photo is NOT FOUND, and the page says to add the list', async () => {
    await p.page.click('button[data-clear="retained"]');
    await p.page.setInputFiles('#file-proof', ['exception-0.json', 'record-2.json'].map((f) => join(VALID, 'proofs', f)));
    assert.equal((await verifyInPage(p.page)).verdict, 'valid');
    const [held] = await checkPhotos(p.page, [photos.held]);
    assert.equal(held!.status, 'not-found');
    assert.ok(held!.text.includes('To see whether it was kept under a legal hold, add retained.ndjson and verify again.'), held!.text);
  });

  it('with proof files only: each proof answers for its own object, and says it covers no other', async () => {
    await removeAllFiles(p.page);
    await p.page.setInputFiles('#file-proof', ['record-2.json', 'retained-0.json'].map((f) => join(VALID, 'proofs', f)));
    await p.page.setInputFiles('#file-trust', join(VALID, 'trust.json'));
    assert.equal((await verifyInPage(p.page)).verdict, 'valid');
    const [found, held, missing] = await checkPhotos(p.page, [photos.destroyed, photos.held, photos.reencoded]);
    assert.deepEqual([found!.status, held!.status, missing!.status], ['found', 'held', 'not-found']);
    assert.match(found!.text, /^FOUND selfie\.jpg: its SHA-256 is among the one object of the verified proof file\..*\(from the proof file\)/);
    assert.match(held!.text, /under hold hold-7\..*from the verified proof file, checked against the certificate/);
    assert.ok(missing!.text.includes('A proof file covers one object only: add records.ndjson to search every destroyed object.'));
    assert.ok(missing!.text.includes('Nor is it the held object of the 1 verified proof(s) of retained entries.'));
  });

  it('a key not pinned: every result says it holds only if the key is the issuer’s', async () => {
    await setPins(p.page, {});
    assert.equal((await verifyInPage(p.page)).verdict, 'unpinned');
    const [found] = await checkPhotos(p.page, [photos.destroyed]);
    assert.equal(found!.status, 'found');
    assert.match(found!.text, /The key is not pinned: this holds only if the key that signed is the issuer’s/);
    assert.match((await p.page.textContent('#photo-status')) ?? '', /The key is not pinned: these results hold only if it is the issuer’s\.$/);
  });

  it('version 1: held objects have no recorded hash, and the page says it cannot tell', async () => {
    await removeAllFiles(p.page);
    await chooseBundleFolder(p.page, join(import.meta.dirname, '..', 'vectors', 'certificate', 'valid'));
    await setPins(p.page, { keyid: EXAMPLE_KEYID });
    assert.equal((await verifyInPage(p.page)).verdict, 'valid');
    const [destroyed, held] = await checkPhotos(p.page, [photos.destroyed, photos.held]);
    assert.equal(destroyed!.status, 'found');
    assert.equal(held!.status, 'not-found');
    assert.ok(held!.text.includes('A version 1 certificate records no content hash for the objects it kept, so the page cannot say whether this one was kept.'));
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
