// The legal exhibit (issue 18; src/adapters/exhibit/pdf-exhibit.ts,
// docs/FORMAT.md section 13), made from real bundles and read back with code
// written elsewhere: poppler's pdftotext (the pages say exactly the words
// exhibitText makes from the statement, every required field among them),
// pdftoppm (page 1 as a PNG, kept in test-output/), pdfdetach (the attached
// files are the bundle's, byte for byte), pdffonts (every font embedded),
// pdfinfo (the PDF/A-3b identification in the XMP metadata), qpdf --check,
// and zbarimg (the QR code carries the certificate id, root and key id).
// Bundles: `shredproof demo` (derived artifacts, a vendor, a receipt, an
// officer's declaration), and an order over two systems through the API.
// A bundle that does not verify gets no exhibit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exhibitDigestInput, exhibitQrText, exhibitText, isStatementV2, parseTrustRoot, RECEIPT_FILE, checkCertificateReceipt, parseCertificate, trustRootKeys, verifyCertificate, type CertificateStatementV2 } from '../../../packages/verify/src/core/index.js';
import { buildExhibit } from '../../../src/adapters/exhibit/pdf-exhibit.js';
import { type ApiHarness, approvalBody, startApiHarness, waitForState } from '../../helpers/api-harness.js';
import { runCli } from '../../helpers/run-cli.js';

const OUT = join(process.cwd(), 'test-output');
const squash = (s: string) => s.replace(/\s+/g, '');
const tool = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** What exhibitText needs beyond the statement, computed here from the bundle's files (as a verifier would). */
function expectedText(dir: string, attached: readonly string[]): { statement: CertificateStatementV2; lines: string[] } {
  const root = parseTrustRoot(readFileSync(join(dir, 'trust.json')));
  const envelope = parseCertificate(readFileSync(join(dir, 'certificate.json'))) as { payload: string };
  const { statement } = verifyCertificate(envelope, trustRootKeys(root));
  assert.ok(isStatementV2(statement));
  const receipt = existsSync(join(dir, RECEIPT_FILE)) ? checkCertificateReceipt(root, envelope, statement, readFileSync(join(dir, RECEIPT_FILE))) : undefined;
  const hashes = new Map(attached.map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
  const holds = (JSON.parse(readFileSync(join(dir, 'order.json'), 'utf8')) as { holds: Array<{ id: string }> }).holds.map((h) => h.id);
  const facts = { holdIds: holds, bundleSha256: createHash('sha256').update(exhibitDigestInput(hashes, statement.records.sha256)).digest('hex'), ...(receipt ? { receipt } : {}) };
  return { statement, lines: exhibitText(statement, facts) };
}

/** Every check of the file header: what poppler, qpdf and zbar make of `pdf`, against the bundle in `dir`. */
function checkExhibit(pdf: string, dir: string, attached: readonly string[], name: string): string {
  const { statement, lines } = expectedText(dir, attached);
  // -raw: in drawing order, and without joining words broken at a line's hyphen (which pdftotext otherwise does).
  const text = tool('pdftotext', ['-raw', pdf, '-']);
  // Exactly the words exhibitText makes, in order, and nothing else (pdftotext's line breaks and page feeds aside).
  assert.equal(squash(text), squash(lines.join('')), 'the pages say what exhibitText says');
  tool('qpdf', ['--check', pdf]);
  const meta = tool('pdfinfo', ['-meta', pdf]);
  assert.match(meta, /<pdfaid:part>3<\/pdfaid:part>/);
  assert.match(meta, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
  const fonts = tool('pdffonts', [pdf]).trim().split('\n').slice(2);
  assert.ok(fonts.length > 0 && fonts.every((l) => / yes yes yes /.test(l)), `every font embedded, subset, with a ToUnicode map:\n${fonts.join('\n')}`);
  const saved = mkdtempSync(join(tmpdir(), 'sp-detach-'));
  try {
    const listed = tool('pdfdetach', ['-list', pdf]).trim().split('\n').slice(1).map((l) => /^(\d+): (.*)$/.exec(l)!.slice(1) as [string, string]);
    assert.deepEqual(listed.map(([, name]) => name).sort(), [...attached].sort(), 'every file of the bundle, and nothing else');
    for (const [n, name] of listed) {
      const to = join(saved, `attachment-${n}`);
      tool('pdfdetach', ['-save', n, '-o', to, pdf]);
      assert.deepEqual(readFileSync(to), readFileSync(join(dir, name)), name);
    }
  } finally {
    rmSync(saved, { recursive: true, force: true });
  }
  mkdirSync(OUT, { recursive: true });
  const prefix = join(OUT, `exhibit-${name}`);
  tool('pdftoppm', ['-png', '-r', '150', pdf, prefix]);
  const pages = readdirSync(OUT).filter((f) => f.startsWith(`exhibit-${name}-`) && f.endsWith('.png')).sort();
  assert.ok(pages.length >= 2, pages.join(', '));
  const qr = pages.map((p) => spawnSync('zbarimg', ['--raw', '-q', join(OUT, p)], { encoding: 'utf8' }).stdout.trim()).filter(Boolean);
  assert.deepEqual(qr, [exhibitQrText(statement)], 'one QR code, with the certificate id, the root and the key id');
  return text;
}

describe('the legal exhibit', { timeout: 240_000 }, () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'sp-exhibit-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('shredproof demo writes an exhibit with every required field, the bundle attached and a QR code that zbarimg reads', async () => {
    const out = join(work, 'demo');
    const demo = await runCli('demo', '--out', out, '--objects', '300');
    assert.equal(demo.code, 0, demo.stderr);
    assert.match(demo.stdout, /its legal exhibit, a PDF\/A-3b with the bundle attached: .*exhibit\.pdf/);
    const attached = ['certificate.json', 'records.ndjson', 'retained.ndjson', 'exceptions.ndjson', 'rescan.ndjson', 'order.json', 'trust.json', 'public-key.pem', RECEIPT_FILE];
    const vendorFiles = readdirSync(join(out, 'vendors', 'labelling-copies')).map((f) => `vendors/labelling-copies/${f}`);
    const text = checkExhibit(join(out, 'exhibit.pdf'), out, [...attached, ...vendorFiles], 'demo');
    for (const field of [
      'Certificate of data destruction',
      'Demo order: delete every user photo',
      'What was destroyed, per system',
      'method unlink',
      'Re-scan of every scope',
      'holds hold-demo-1',
      'face-model-v1 (model), derived photos > face-model-v1: destroyed.',
      'held by the vendor Demo Labelling Ltd',
      'What is known to persist',
      'NIST SP 800-88 Appendix G',
      'Method type: logical deletion',
      'This is not Clear, Purge or Destroy',
      'Performed by: Dana Operator, Data Platform Engineer, Example Corp (demo)',
      'Validated by: Avery Approver, Privacy Counsel',
      'declare under penalty of perjury',
      'Signature: ________',
      'Morgan Officer, Chief Privacy Officer',
      'Merkle root',
      'Signed with the Ed25519 key',
      'Approved by demo-approver with their own key',
      'Transparency log: entry',
      'SHA-256 of the attached bundle',
    ]) {
      assert.ok(squash(text).includes(squash(field)), `the exhibit says "${field}"`);
    }
    assert.doesNotMatch(text, /Method type:\s*(Clear|Purge|Destroy)\b/, 'logical deletion is never called Clear, Purge or Destroy');
    assert.ok(!text.includes('user-0001/'), 'names no person\'s object');
  });

  it('an order over two systems, through the API: GET /v1/orders/{id}/exhibit.pdf; A4 on request; no certificate, no exhibit', async () => {
    let api: ApiHarness | undefined;
    const models = join(work, 'models');
    mkdirSync(join(models, 'm'), { recursive: true });
    writeFileSync(join(models, 'm', 'w.bin'), 'weights');
    try {
      api = await startApiHarness({ objects: 12, extraBackends: { models: { kind: 'filesystem', root: models } } });
      const doc = { reference: 'Two systems (test)', deadline: '2099-01-01T00:00:00Z', targets: [{ backend: 'photos', scope: { include: ['users/**'] } }, { backend: 'models', scope: { include: ['m/**'] } }], holds: [] };
      const created = (await (await api.call('/v1/orders', { method: 'POST', json: doc })).json()) as { id: string };
      assert.equal((await api.call(`/v1/orders/${created.id}/exhibit.pdf`, { as: 'audrey' })).status, 404, 'no certificate yet');
      await api.call(`/v1/orders/${created.id}/plan`, { method: 'POST' });
      const planned = await waitForState(api, created.id, ['planned']);
      await api.call(`/v1/orders/${created.id}/approve`, { method: 'POST', as: 'bob', json: approvalBody(planned as never, 'bob') });
      await api.call(`/v1/orders/${created.id}/execute`, { method: 'POST' });
      await waitForState(api, created.id, ['certified', 'certified-with-exceptions']);
      const res = await api.call(`/v1/orders/${created.id}/exhibit.pdf?paper=a4`, { as: 'audrey' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      const pdf = join(work, 'two-systems.pdf');
      writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
      assert.match(tool('pdfinfo', [pdf]), /Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
      const bundle = join(work, 'two-systems-bundle');
      cpSync(join(api.config.dataDir, 'certificates', created.id), bundle, { recursive: true });
      const attached = readdirSync(bundle).filter((f) => f !== 'proofs');
      const text = checkExhibit(pdf, bundle, attached, 'two-systems');
      assert.ok(squash(text).includes(squash('Deadline 2099-01-01T00:00:00Z: met')));
      assert.ok(squash(text).includes(squash('photos (filesystem')) && squash(text).includes(squash('models (filesystem')));
      assert.ok(squash(text).includes(squash('Performed by: alice (who created the order; the order names no performer)')));
      assert.equal((await api.call(`/v1/orders/${created.id}/exhibit.pdf?paper=a3`, { as: 'audrey' })).status, 400);
    } finally {
      await api?.close();
    }
  });

  it('a bundle that does not verify gets no exhibit: the core\'s code, and exit 1 from the command', async () => {
    const out = join(work, 'demo');
    const bad = join(work, 'tampered');
    cpSync(out, bad, { recursive: true });
    rmSync(join(bad, 'exhibit.pdf'));
    writeFileSync(join(bad, 'records.ndjson'), readFileSync(join(bad, 'records.ndjson'), 'utf8').replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) + 1}`));
    const refused = await buildExhibit(bad).then(
      () => 'made',
      (e: unknown) => (e as { code?: string }).code,
    );
    assert.match(String(refused), /^(RECORD|MERKLE|RECORDS_DIGEST)/, 'the verifier\'s code for the changed record');
    const r = await runCli('exhibit', '--bundle', bad, '--out', join(work, 'never.pdf'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the bundle does not verify, so no exhibit is made: INVALID /);
    assert.equal(existsSync(join(work, 'never.pdf')), false);
    assert.equal((await runCli('exhibit', '--bundle', out, '--out', join(out, 'exhibit.pdf'))).code, 2, 'an existing --out needs --force');
    assert.equal((await runCli('exhibit', '--bundle', out, '--out', join(work, 'x.pdf'), '--paper', 'a3')).code, 2);
    assert.equal((await runCli('exhibit', '--bundle', join(work, 'nothing'), '--out', join(work, 'x.pdf'))).code, 2);
    const limited = await runCli('exhibit', '--bundle', out, '--out', join(work, 'limited.pdf'), '--records-limit', '10');
    assert.equal(limited.code, 0, limited.stderr);
    assert.match(limited.stdout, /records\.ndjson not attached \(larger than --records-limit\)/);
    assert.doesNotMatch(tool('pdfdetach', ['-list', join(work, 'limited.pdf')]), /^\d+: records\.ndjson$/m, 'our records.ndjson left out (the vendor\'s, small, stays)');
  });
});
