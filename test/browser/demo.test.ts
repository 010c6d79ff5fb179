// The page verifies what `shredproof demo` writes (a real order through the
// real queue, ledger and worker), from file:// with no network: its output
// folder chosen whole, as the bundle it is, pinned by the demo key's id; the
// photos it kept are found destroyed, or kept under the demo's legal hold;
// its receipt from the demo's transparency log proves its entry (docs/FORMAT.md
// section 12.8). A tampered records line is reported with the same code as
// Node gives.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { publicKeyFromPem, trustedKey, VerificationError, verifyCertificate } from '../../packages/verify/src/core/index.js';
import { verifyRecordsFile } from '../../packages/verify/src/node/fast-verify.js';
import { checkPhotos, chooseFiles, openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { spawnCli } from '../helpers/run-cli.js';
import { requireRedis } from '../helpers/services.js';
import { chooseBundleFolder, fileReports, removeAllFiles } from './page-actions.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-page-demo-'));
const out = join(dir, 'out');
const files = { certificate: join(out, 'certificate.json'), publicKey: join(out, 'public-key.pem'), records: join(out, 'records.ndjson') };

async function nodeCode(records: string): Promise<string> {
  try {
    const key = trustedKey(publicKeyFromPem(readFileSync(files.publicKey, 'utf8')));
    await verifyRecordsFile(verifyCertificate(readFileSync(files.certificate, 'utf8'), [key]).statement, records);
    return 'ok';
  } catch (e) {
    if (e instanceof VerificationError) return e.code;
    throw e;
  }
}

describe('verifier page: a certificate made by shredproof demo', () => {
  let p: VerifierPage;
  before(async () => {
    await requireRedis();
    const demo = spawnCli(['demo', '--out', out, '--objects', '60'], { env: { LOG_LEVEL: 'warn' } });
    assert.equal(demo.code, 0, demo.stdout + demo.stderr);
    p = await openVerifierPage();
  });
  after(async () => {
    await p?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies its output folder from file:// as a bundle, every file, and shows the demo order', async () => {
    const status = await chooseBundleFolder(p.page, out);
    assert.match(status, /^From the folder “out”: 9 file\(s\) of the bundle sorted .* Ignored, not files of a certificate bundle: exhibit\.pdf, photos-to-check\/.*\.jpg\.$/);
    // Pinned by the demo key's id, as a regulator pins the key id published in the settlement.
    await p.page.fill('#pin-keyid', trustedKey(publicKeyFromPem(readFileSync(files.publicKey, 'utf8'))).keyid);
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    const lines = readFileSync(files.records, 'utf8').split('\n').length - 1;
    assert.match(v.detail, new RegExp(`records file \\(${lines} records\\)`));
    const reports = (await fileReports(p.page)).filter((r) => r.status !== 'ignored');
    // Our bundle's files, then the vendor's own bundle, verified with the trust root our statement pins (issue 16).
    // Each bundle's receipt is checked last, after its vendors (docs/FORMAT.md section 8, step 12).
    const bundleFiles = ['certificate.json', 'records.ndjson', 'retained.ndjson', 'exceptions.ndjson', 'rescan.ndjson', 'order.json', 'trust.json', 'public-key.pem'];
    const withReceipt = [...bundleFiles, 'receipt.tlog-proof'];
    assert.deepEqual(reports.map((r) => `${r.file} ${r.status}`), [...bundleFiles, ...withReceipt.map((f) => `vendors/labelling-copies/${f}`), 'receipt.tlog-proof'].map((f) => `${f} valid`));
    const statement = (await p.page.textContent('#statement')) ?? '';
    assert.match(statement, /Demo order: delete every user photo/);
    assert.match(statement, /hold-demo-1/); // from the verified retained.ndjson
    assert.match(statement, /demo-approver/);
    assert.match((await p.page.textContent('#verdict-log')) ?? '', /^Published in the issuer’s transparency log: this certificate is entry \d+ of /);
    assert.ok(p.page.url().startsWith('file://'));
    await p.screenshot('demo-valid');
    const kept = readdirSync(join(out, 'photos-to-check')).sort();
    const results = await checkPhotos(p.page, kept.map((f) => join(out, 'photos-to-check', f)));
    assert.deepEqual(results.map((r) => r.status).sort(), ['found', 'found', 'found', 'held'], 'three destroyed, one kept under the hold');
    assert.match(results.find((r) => r.status === 'held')!.text, /kept under hold hold-demo-1\./);
  });

  it('reports a tampered records line with the code Node gives', async () => {
    await removeAllFiles(p.page);
    const text = readFileSync(files.records, 'utf8');
    const lines = text.split('\n');
    const utf8 = (s: string) => Buffer.from(s);
    const cases: Array<[string, Buffer, string]> = [
      // one hex digit of a content hash changed: still a canonical record, but not the certified leaf
      ['altered', utf8(lines.map((l, i) => (i === 3 ? l.replace(/"sha256":"(.)/, (_m, c: string) => `"sha256":"${c === '0' ? '1' : '0'}`) : l)).join('\n')), 'MERKLE_ROOT_MISMATCH'],
      ['dropped', utf8([...lines.slice(0, 2), ...lines.slice(3)].join('\n')), 'RECORD_INDEX_WRONG'],
      ['not canonical', utf8(lines.map((l, i) => (i === 0 ? l.replace('{"', '{ "') : l)).join('\n')), 'RECORD_NOT_CANONICAL'],
      ['invalid UTF-8', Buffer.concat([utf8(lines.slice(0, 4).join('\n') + '\n'), Buffer.from([0xc3, 0x28]), utf8(lines.slice(4).join('\n'))]), 'UTF8_INVALID'],
      ['byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(text)]), 'RECORD_INVALID'],
    ];
    for (const [name, content, code] of cases) {
      assert.notDeepEqual(content, utf8(text), name);
      const path = join(dir, `records-${name.replaceAll(' ', '-')}.ndjson`);
      writeFileSync(path, content);
      assert.equal(await nodeCode(path), code, `${name} in Node`);
      await chooseFiles(p.page, { ...files, records: path });
      const v = await verifyInPage(p.page);
      assert.equal(v.code, code, `${name} in the page: ${v.detail}`);
      if (name === 'altered') await p.screenshot('demo-records-tampered');
    }
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
