// "Check a photo" and per-object proof files in the page. A real order runs
// through the engine; copies of some photos are kept before it destroys them,
// as a regulator might hold them. A destroyed photo is found, with its
// inclusion proof checked against the certified root; a held or out-of-scope
// photo is not, and with the certificate's retained.ndjson the held one is
// reported as kept under its legal hold. Proof files made with the core
// verify, and tampered ones fail with the same code as in Node and in
// `shredproof verify`.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildObjectProofV2,
  type DsseEnvelope,
  hashLeaf,
  MerkleTree,
  parseRecordLine,
  publicKeyFromPem,
  trustedKey,
  utf8Encode,
  VerificationError,
  verifyObjectProof,
} from '../../packages/verify/src/core/index.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { checkPhotos, chooseFiles, openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { runCli } from '../helpers/run-cli.js';

describe('verifier page: check a photo, and per-object proofs', () => {
  let h: Harness;
  let p: VerifierPage;
  let files: { dir: string; certificate: string; publicKey: string; records: string };
  /** Copies of photos taken before the order ran, as a regulator might hold them. */
  let held: Record<'destroyedA' | 'destroyedB' | 'heldPhoto' | 'outside', { path: string; locator: string }>;
  let lines: string[];

  before(async () => {
    h = await startHarness({ objects: 40 });
    const copies = join(h.dir, 'regulator-copies');
    mkdirSync(copies);
    const keep = (name: string, locator: string) => {
      const path = join(copies, `${name}.jpg`);
      copyFileSync(join(h.dataset.root, locator), path);
      return { path, locator };
    };
    const inScope = [...h.dataset.inScope.keys()];
    held = {
      destroyedA: keep('destroyedA', inScope[0]!),
      destroyedB: keep('destroyedB', inScope[inScope.length - 1]!),
      heldPhoto: keep('heldPhoto', [...h.dataset.held.keys()][0]!),
      outside: keep('outside', [...h.dataset.outOfScope.keys()][0]!),
    };
    const id = await executeDemoOrder(h);
    h.runtime.coordinator.start();
    const done = await h.runtime.coordinator.waitFor(id);
    assert.equal(done.state, 'certified', done.failure ?? '');
    files = certificateFiles(h.config.dataDir, id);
    lines = readFileSync(files.records, 'utf8').split('\n').slice(0, -1);
    p = await openVerifierPage();
    // The issuer's key id, as published out of band (docs/FORMAT.md section 5.8): every verdict below is pinned.
    await p.page.fill('#pin-keyid', trustedKey(publicKeyFromPem(readFileSync(files.publicKey, 'utf8'))).keyid);
  });
  after(async () => {
    await p?.close();
    await h?.close();
  });

  it('asks for a verification before it looks anything up', async () => {
    await p.page.setInputFiles('#file-photo', held.destroyedA.path);
    await p.page.waitForFunction(() => /First verify the certificate with its records file or with a proof file/.test(document.getElementById('photo-status')!.textContent ?? ''));
    assert.equal(await p.page.locator('#photo-results > li').count(), 0);
  });

  it('with the records file: a destroyed photo is found with a valid inclusion proof; held and out-of-scope ones are not', async () => {
    await chooseFiles(p.page, files);
    assert.equal((await verifyInPage(p.page)).verdict, 'valid');
    const results = await checkPhotos(p.page, [held.destroyedA.path, held.destroyedB.path, held.heldPhoto.path, held.outside.path]);
    assert.deepEqual(results.map((r) => r.status), ['found', 'found', 'not-found', 'not-found']);
    for (const [r, k] of [[results[0]!, held.destroyedA], [results[1]!, held.destroyedB]] as const) {
      assert.ok(r.text.includes(k.locator), `shows the record's locator ${k.locator}`);
      assert.match(r.text, /Inclusion proofvalid: \d+ sibling hashes lead from this record to the certified Merkle root \(built from the verified records file\)/);
      const sha = h.dataset.inScope.get(k.locator)!;
      assert.ok(r.text.includes(sha), 'shows the SHA-256 it computed');
    }
    assert.match(results[2]!.text, new RegExp(`NOT FOUND heldPhoto.jpg: its SHA-256 is not among the ${lines.length} destroyed objects`));
    await p.screenshot('photo-found-and-not-found');
  });

  it('with retained.ndjson as well: the held photo is KEPT UNDER A LEGAL HOLD, with its hold; the out-of-scope one stays NOT FOUND', async () => {
    await p.page.setInputFiles('#file-retained', join(files.dir, 'retained.ndjson'));
    assert.equal((await verifyInPage(p.page)).verdict, 'valid');
    const [kept, outside] = await checkPhotos(p.page, [held.heldPhoto.path, held.outside.path]);
    assert.equal(kept!.status, 'held', kept!.text);
    assert.match(kept!.text, /^KEPT UNDER A LEGAL HOLD heldPhoto\.jpg: not destroyed; its SHA-256 is that of an object the issuer kept under hold hold-demo-1\./);
    assert.ok(kept!.text.includes(`Locator${held.heldPhoto.locator}`), kept!.text);
    assert.equal(outside!.status, 'not-found');
    assert.match(outside!.text, /Nor is it among the \d+ (entry|entries) of the verified retained\.ndjson/);
    await p.page.click('button[data-clear="retained"]');
  });

  const proofFor = (locator: string) => {
    const index = lines.findIndex((l) => parseRecordLine(l).locator === locator);
    const tree = MerkleTree.fromLeafHashes(lines.map((l) => hashLeaf(utf8Encode(l))));
    const envelope = JSON.parse(readFileSync(files.certificate, 'utf8')) as DsseEnvelope;
    // The engine issues version 2 certificates, so its proofs are version 2 (docs/FORMAT.md section 7.1).
    return buildObjectProofV2('records', lines[index]!, index, lines.length, tree.inclusionProof(index), envelope);
  };

  it('with a proof file only: VALID, its photo found, another destroyed photo not (a proof covers one object)', async () => {
    const proof = join(p.dir, 'proof.json');
    writeFileSync(proof, JSON.stringify(proofFor(held.destroyedA.locator)));
    await chooseFiles(p.page, { publicKey: files.publicKey, proof });
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.match(v.detail, new RegExp(`proof of one object \\(photos: ${held.destroyedA.locator}\\)`));
    const [found, other] = await checkPhotos(p.page, [held.destroyedA.path, held.destroyedB.path]);
    assert.equal(found!.status, 'found');
    assert.match(found!.text, /\(from the proof file\)/);
    assert.equal(other!.status, 'not-found');
    assert.match(other!.text, /not among the one object of the verified proof file/);
    await p.screenshot('proof-valid-photo-found');
    // with the certificate as well
    await chooseFiles(p.page, { certificate: files.certificate, publicKey: files.publicKey, proof });
    assert.equal((await verifyInPage(p.page)).verdict, 'valid');
  });

  it('tampered proof files fail with the code Node and `shredproof verify` give', async () => {
    const good = proofFor(held.destroyedB.locator);
    const key = trustedKey(publicKeyFromPem(readFileSync(files.publicKey, 'utf8')));
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    const cases: Array<[string, unknown, string]> = [
      ['audit path hash altered', { ...good, auditPath: [flip(good.auditPath[0]!), ...good.auditPath.slice(1)] }, 'MERKLE_ROOT_MISMATCH'],
      ['audit path cut short', { ...good, auditPath: good.auditPath.slice(1) }, 'PROOF_SIZE_WRONG'],
      ['tree size changed', { ...good, treeSize: good.treeSize + 1 }, 'PROOF_CERTIFICATE_MISMATCH'],
      ['record of another leaf', { ...good, entry: lines[0] }, 'RECORD_INDEX_WRONG'],
      ['not a proof', { type: 'something-else' }, 'PROOF_MALFORMED'],
    ];
    for (const [name, proof, code] of cases) {
      const path = join(p.dir, `${name.replaceAll(' ', '-')}.json`);
      writeFileSync(path, JSON.stringify(proof));
      assert.throws(() => verifyObjectProof(proof, [key]), (e: unknown) => e instanceof VerificationError && e.code === code, `${name} in Node`);
      const cli = await runCli('verify', '--public-key', files.publicKey, '--proof', path);
      assert.match(cli.stdout, new RegExp(`^INVALID ${code}:`), `${name} in the CLI`);
      await chooseFiles(p.page, { publicKey: files.publicKey, proof: path });
      const v = await verifyInPage(p.page);
      assert.equal(v.code, code, `${name} in the page: ${v.detail}`);
      if (name === 'audit path hash altered') await p.screenshot('proof-tampered');
    }
    // A valid proof of another certificate than the one loaded: the CLI's check, in the page too.
    const otherCert = join(p.dir, 'other-certificate.json');
    const envelope = JSON.parse(readFileSync(files.certificate, 'utf8')) as DsseEnvelope;
    writeFileSync(otherCert, JSON.stringify({ ...envelope, signatures: [...envelope.signatures, { keyid: '0'.repeat(64), sig: envelope.signatures[0]!.sig }] }));
    const proof = join(p.dir, 'proof-b.json');
    writeFileSync(proof, JSON.stringify(good));
    const cli = await runCli('verify', '--certificate', otherCert, '--public-key', files.publicKey, '--proof', proof);
    assert.match(cli.stdout, /^INVALID PROOF_CERTIFICATE_MISMATCH:/);
    await chooseFiles(p.page, { certificate: otherCert, publicKey: files.publicKey, proof });
    assert.equal((await verifyInPage(p.page)).code, 'PROOF_CERTIFICATE_MISMATCH');
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
