// `shredproof verify --exhibit F.pdf` (issue 18; docs/FORMAT.md sections 10
// and 13): exhibits built here with pdfkit from the real certificate bundles
// of test/vectors/certificate/v2/, their files attached and their pages the
// words exhibitText makes; and the exhibits `shredproof exhibit` itself
// writes (src/adapters/exhibit/pdf-exhibit.ts). VALID with the bundle's lines
// and a last line on the pages; every invalid bundle vector, attached to a
// PDF, INVALID with the code --bundle gives it; a swapped certificate; a
// changed page (EXHIBIT_MISMATCH); no certificate.json, not a PDF, a file
// named like a directory (EXHIBIT_MALFORMED, exit 1); no file at all, usage
// (exit 2); --json; and the private directory removed every time.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exhibitDigestInput, exhibitText, type CertificateStatementV2, verifyCertificate, verifyTrusted, resolveTrust } from '../../packages/verify/src/core/index.js';
import { main as verifierMain } from '../../packages/verify/src/cli/main.js';
import { buildExhibit } from '../../src/adapters/exhibit/pdf-exhibit.js';
import { pdfkitPdf } from '../helpers/exhibit-pdf.js';
import { runCli } from '../helpers/run-cli.js';

const V2 = fileURLToPath(new URL('../vectors/certificate/v2/', import.meta.url));
const APPROVED = join(V2, 'valid-approved');
const V1 = fileURLToPath(new URL('../vectors/certificate/valid/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'sp-verify-exhibit-'));
/** The verifier unpacks into os.tmpdir(): here, a directory of its own that must be empty after every run. */
const unpackDir = join(work, 'tmp');
const savedTmp = process.env.TMPDIR;
before(() => {
  mkdirSync(unpackDir);
  process.env.TMPDIR = unpackDir;
});
after(() => {
  process.env.TMPDIR = savedTmp;
  if (savedTmp === undefined) delete process.env.TMPDIR;
  rmSync(work, { recursive: true, force: true });
});

interface Expected {
  code: string | null;
  pin: { keyid: string } | { trustSha256: string } | null;
  description: string;
}
const expectations = (d: string): Expected[] => [JSON.parse(readFileSync(join(d, 'expected.json'), 'utf8'))].flat();
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pinArgs = (pin: Expected['pin']) => (pin === null ? [] : 'keyid' in pin ? ['--keyid', pin.keyid] : ['--trust-sha256', pin.trustSha256]);
const KEYID = (expectations(APPROVED).find((e) => e.pin !== null && 'keyid' in e.pin)!.pin as { keyid: string }).keyid;

/** A bundle directory's files by their names in the bundle (proofs/..., vendors/...), expected.json left out. */
function bundleFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p !== join(dir, 'expected.json')) files.set(relative(dir, p).split(sep).join('/'), readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/** The words the exhibit of these files says, as docs/FORMAT.md section 13 makes them (a bundle with no receipt). */
function wordsOf(files: ReadonlyMap<string, Buffer>): string[] {
  const trust = resolveTrust({ bundleRoot: files.get('trust.json')! });
  const { statement } = verifyTrusted(trust, (keys) => verifyCertificate(files.get('certificate.json')!, keys));
  const s = statement as CertificateStatementV2;
  const hashes = new Map([...files].map(([n, b]) => [n, createHash('sha256').update(b).digest('hex')]));
  const holds = (JSON.parse(files.get('order.json')!.toString('utf8')) as { holds?: Array<{ id: string }> }).holds ?? [];
  return exhibitText(s, { holdIds: holds.map((h) => h.id), bundleSha256: createHash('sha256').update(exhibitDigestInput(hashes, s.records.sha256)).digest('hex') });
}

/** An exhibit-like PDF: `files` attached, `words` drawn over two pages. */
async function exhibitPdf(files: ReadonlyMap<string, Uint8Array>, words: string[], name: string): Promise<string> {
  const half = Math.ceil(words.length / 2);
  const pdf = await pdfkitPdf({ compress: true, pdfa: true, pages: [{ lines: words.slice(0, half) }, { lines: words.slice(half) }], files: [...files] });
  const path = join(work, name);
  writeFileSync(path, pdf);
  return path;
}

async function verifyExhibit(...args: string[]) {
  const r = await runCli('verify', '--exhibit', ...args);
  assert.deepEqual(readdirSync(unpackDir), [], 'the unpacked bundle is removed');
  return r;
}

describe('verify --exhibit: a valid exhibit', () => {
  it('VALID (exhibit: its files), the pin, one line per file as --bundle prints them, the certificate, then the pages', async () => {
    const files = bundleFiles(APPROVED);
    const pdf = await exhibitPdf(files, wordsOf(files), 'approved.pdf');
    const r = await verifyExhibit(pdf, '--keyid', KEYID);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    // Exactly what --bundle prints for the same directory, but "exhibit: " in its first line and its ignored expected.json.
    const bundle = await runCli('verify', '--bundle', APPROVED, '--keyid', KEYID);
    assert.equal(bundle.code, 0);
    const [first, ...rest] = bundle.stdout.split('\n');
    assert.equal(lines[0], first!.replace('VALID (', 'VALID (exhibit: '));
    assert.match(lines[0]!, /^VALID \(exhibit: certificate\.json, records\.ndjson, .*proofs\/record-2\.json/);
    assert.match(lines[1]!, /^key pinned: yes, by the key id /);
    assert.deepEqual(lines.slice(1, -1), rest.filter((l) => !/^ {2}expected\.json +ignored/.test(l)));
    assert.equal(lines.at(-1), 'exhibit: its 2 pages say what the signed statement says, word for word (white space aside)');
  });

  it('--trust (your own copy), --trust-sha256, no pin, --require-pin; and shredproof-verify verify --exhibit the same', async () => {
    const files = bundleFiles(APPROVED);
    const pdf = await exhibitPdf(files, wordsOf(files), 'pins.pdf');
    const own = join(work, 'my-trust.json');
    writeFileSync(own, files.get('trust.json')!);
    const trusted = await verifyExhibit(pdf, '--trust', own);
    assert.equal(trusted.code, 0, trusted.stdout);
    assert.match(trusted.stdout, /^key pinned: yes, by the trust root given with --trust/m);
    const sha = createHash('sha256').update(files.get('trust.json')!).digest('hex');
    assert.equal((await verifyExhibit(pdf, '--trust-sha256', sha)).code, 0);
    assert.match((await verifyExhibit(pdf, '--trust-sha256', 'ab'.repeat(32))).stdout, /^INVALID PIN_MISMATCH: /);
    const unpinned = await verifyExhibit(pdf);
    assert.equal(unpinned.code, 0);
    assert.match(unpinned.stdout, /^key NOT pinned/m);
    const required = await verifyExhibit(pdf, '--require-pin');
    assert.equal(required.code, 1);
    assert.match(required.stdout, /^INVALID PIN_MISSING: /);
    const out: string[] = [];
    const code = await verifierMain(['node', 'shredproof-verify', 'verify', '--exhibit', pdf, '--keyid', KEYID], { out: (l) => out.push(l), err: (l) => out.push(l) });
    assert.equal(code, 0, out.join('\n'));
    assert.match(out[0]!, /^VALID \(exhibit: certificate\.json, /);
  });

  it('--json: the verdict, the files and the exhibit (its attachments, its pages, its text matching)', async () => {
    const files = bundleFiles(APPROVED);
    const pdf = await exhibitPdf(files, wordsOf(files), 'json.pdf');
    const r = await verifyExhibit(pdf, '--keyid', KEYID, '--json');
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.stdout) as { valid: boolean; pinned: boolean; files: Array<{ file: string; status: string }>; exhibit: { file: string; attachments: string[]; pages: number; text: string } };
    assert.equal(doc.valid, true);
    assert.equal(doc.pinned, true);
    assert.deepEqual(doc.exhibit, { file: pdf, attachments: [...files.keys()], pages: 2, text: 'matches' });
    assert.ok(doc.files.every((f) => f.status === 'valid'));
  });

  it('the exhibits `shredproof exhibit` writes verify: with approvals, a receipt, vendors', async () => {
    for (const name of ['valid-approved', 'valid-logged', 'valid-derived']) {
      const made = await buildExhibit(join(V2, name), { now: new Date('2026-12-01T00:00:00Z') });
      const pdf = join(work, `made-${name}.pdf`);
      writeFileSync(pdf, made.pdf);
      const r = await verifyExhibit(pdf, '--keyid', KEYID);
      assert.equal(r.code, 0, `${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /^VALID \(exhibit: certificate\.json, /);
      assert.match(r.stdout, /say what the signed statement says, word for word/);
    }
  });
});

describe('verify --exhibit: invalid exhibits', () => {
  for (const name of readdirSync(join(V2, 'invalid')).sort()) {
    it(`invalid/${name} attached: exit 1 with the code --bundle gives it, naming the same file`, async () => {
      const dir = join(V2, 'invalid', name);
      const pdf = await exhibitPdf(bundleFiles(dir), ['The pages are not compared when the bundle is invalid.'], `invalid-${name}.pdf`);
      for (const e of expectations(dir)) {
        const r = await verifyExhibit(pdf, ...pinArgs(e.pin));
        assert.equal(r.code, 1, `${e.description}: ${r.stdout}${r.stderr}`);
        const bundle = await runCli('verify', '--bundle', dir, ...pinArgs(e.pin));
        assert.match(r.stdout, new RegExp(`^INVALID ${e.code}: `), e.description);
        assert.equal(r.stdout.split('\n')[0], bundle.stdout.split('\n')[0], e.description);
        assert.match(r.stdout, /^exhibit: its pages were not compared with the statement: the attached bundle is not valid$/m);
      }
    });
  }

  it("a swapped certificate.json: the bundle's own code, and the pages not compared", async () => {
    const files = bundleFiles(APPROVED);
    const words = wordsOf(files);
    files.set('certificate.json', readFileSync(join(V2, 'valid', 'certificate.json')));
    const swapped = join(work, 'swapped-bundle');
    for (const [n, b] of files) {
      mkdirSync(join(swapped, n, '..'), { recursive: true });
      writeFileSync(join(swapped, n), b);
    }
    const pdf = await exhibitPdf(files, words, 'swapped.pdf');
    const r = await verifyExhibit(pdf, '--keyid', KEYID);
    const bundle = await runCli('verify', '--bundle', swapped, '--keyid', KEYID);
    assert.equal(r.code, 1, r.stdout);
    assert.equal(bundle.code, 1);
    assert.match(r.stdout, /^INVALID [A-Z_]+: /);
    assert.equal(r.stdout.split('\n')[0], bundle.stdout.split('\n')[0]);
    assert.deepEqual(r.stdout.split('\n').slice(1, -1), bundle.stdout.split('\n').slice(1));
  });

  it('a page that says something else: EXHIBIT_MISMATCH naming the page and both excerpts, then the bundle, valid', async () => {
    const files = bundleFiles(APPROVED);
    const words = wordsOf(files);
    const i = words.findIndex((w) => /destroyed/.test(w));
    const changed = words.map((w, k) => (k === i ? w.replace('destroyed', 'retained') : w));
    const r = await verifyExhibit(await exhibitPdf(files, changed, 'changed.pdf'), '--keyid', KEYID);
    assert.equal(r.code, 1, r.stdout);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, new RegExp(`^INVALID EXHIBIT_MISMATCH: ${esc(join(work, 'changed.pdf'))}: page 1, character \\d+: the pages say "[^"]*retained[^"]*" where the statement's text says "[^"]*destroyed[^"]*"$`));
    assert.match(r.stdout, /^ {2}certificate\.json +VALID/m);
    assert.equal(lines.at(-1), 'exhibit: its 2 pages do NOT say what the signed statement says');
    // A line left out, and a line added, are differences too.
    assert.match((await verifyExhibit(await exhibitPdf(files, words.slice(0, -1), 'short.pdf'))).stdout, /^INVALID EXHIBIT_MISMATCH: .*: page 2, character \d+: the pages say nothing more where/);
    assert.match((await verifyExhibit(await exhibitPdf(files, [...words, 'Also: nothing happened.'], 'long.pdf'))).stdout, /^INVALID EXHIBIT_MISMATCH: .*the pages say "[^"]*Also:nothinghappened\." where the statement's text says nothing more$/m);
  });

  it('the exhibit of a version 1 certificate: its pages cannot be compared (EXHIBIT_MISMATCH)', async () => {
    const r = await verifyExhibit(await exhibitPdf(bundleFiles(V1), ['A version 1 certificate.'], 'v1.pdf'));
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^INVALID EXHIBIT_MISMATCH: .*v1\.pdf: the attached certificate is version 1: /);
  });

  it('no certificate.json attached, a file named like a directory: EXHIBIT_MALFORMED, exit 1', async () => {
    const files = bundleFiles(APPROVED);
    files.delete('certificate.json');
    const none = await verifyExhibit(await exhibitPdf(files, ['x'], 'no-certificate.pdf'), '--keyid', KEYID);
    assert.equal(none.code, 1);
    assert.match(none.stdout, /^INVALID EXHIBIT_MALFORMED: .*no-certificate\.pdf: no attachment is named certificate\.json: this is not the exhibit of a certificate bundle \(it carries exceptions\.ndjson, order\.json, .*trust\.json\)$/);
    const empty = await verifyExhibit(await exhibitPdf(new Map(), ['x'], 'no-files.pdf'), '--keyid', KEYID);
    assert.match(empty.stdout, /^INVALID EXHIBIT_MALFORMED: .*it carries no attached file\)$/);
    const proofs = bundleFiles(APPROVED);
    for (const n of [...proofs.keys()]) if (n.startsWith('proofs/')) proofs.delete(n);
    proofs.set('proofs', Buffer.from('not a directory'));
    const r = await verifyExhibit(await exhibitPdf(proofs, ['x'], 'proofs-file.pdf'), '--keyid', KEYID);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^INVALID EXHIBIT_MALFORMED: .*: the attachments are not a bundle that can be read: cannot read bundle proofs: ENOTDIR$/);
  });

  it('a file that is not a PDF is EXHIBIT_MALFORMED (exit 1); no file, a directory or a usage error is exit 2', async () => {
    const json = await verifyExhibit(join(APPROVED, 'certificate.json'), '--keyid', KEYID);
    assert.equal(json.code, 1);
    assert.match(json.stdout, /^INVALID EXHIBIT_MALFORMED: .*certificate\.json: not a PDF: it does not begin with %PDF-$/);
    const asJson = JSON.parse((await verifyExhibit(join(APPROVED, 'certificate.json'), '--json')).stdout) as Record<string, unknown>;
    assert.deepEqual({ ...asJson, message: undefined }, { valid: false, code: 'EXHIBIT_MALFORMED', message: undefined, file: join(APPROVED, 'certificate.json'), exhibit: { file: join(APPROVED, 'certificate.json') } });
    const missing = await verifyExhibit(join(work, 'nothing-here.pdf'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read exhibit .*nothing-here\.pdf: ENOENT/);
    assert.equal((await verifyExhibit(work)).code, 2);
    const both = await runCli('verify', '--exhibit', join(work, 'x.pdf'), '--bundle', APPROVED);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--exhibit checks the files attached to its PDF/);
  });
});
