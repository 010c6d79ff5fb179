// Issue 18 on the offline verifier page: a legal exhibit (docs/FORMAT.md
// section 13) chosen or dropped, checked as `shredproof verify --exhibit`
// checks it: its attachments verified as the bundle with the person's pins,
// then its pages compared with exhibitText of the verified statement. A real
// exhibit made by `shredproof exhibit`'s own code (buildExhibit) of the
// logged vector; the same attachments with another vector's certificate.json;
// the real pages with one word changed; a file that is not a PDF. Each
// verdict is the CLI's (verifyExhibit on the same file).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readExhibitPdf, streamInflate } from '../../packages/verify/src/core/index.js';
import { verifyExhibit } from '../../packages/verify/src/cli/verify-exhibit.js';
import { buildExhibit } from '../../src/adapters/exhibit/pdf-exhibit.js';
import { pdfkitPdf } from '../helpers/exhibit-pdf.js';
import { openVerifierPage, type Verdict, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { dropPaths, EXAMPLE_KEYID, fileReports, removeAllFiles, setPins } from './page-actions.js';

const V2 = join(import.meta.dirname, '..', 'vectors', 'certificate', 'v2');
const work = mkdtempSync(join(tmpdir(), 'sp-page-exhibit-'));
const ATTACHED = ['certificate.json', 'records.ndjson', 'retained.ndjson', 'exceptions.ndjson', 'rescan.ndjson', 'order.json', 'trust.json', 'public-key.pem', 'receipt.tlog-proof'];

/** An exhibit-like PDF made by pdfkit: `files` attached, one page per text. */
async function writePdf(name: string, files: ReadonlyMap<string, Uint8Array>, pages: string[]): Promise<string> {
  const path = join(work, name);
  writeFileSync(path, await pdfkitPdf({ compress: true, pdfa: true, pages: pages.map((t) => ({ lines: [t] })), files: [...files] }));
  return path;
}

describe('verifier page: a legal exhibit', () => {
  let p: VerifierPage;
  let real: string;
  let pages: string[];
  let attachments: Map<string, Uint8Array>;
  before(async () => {
    const dir = join(work, 'valid-logged');
    cpSync(join(V2, 'valid-logged'), dir, { recursive: true });
    const { pdf } = await buildExhibit(dir);
    real = join(work, 'exhibit.pdf');
    writeFileSync(real, pdf);
    ({ pages, attachments } = await readExhibitPdf(pdf, streamInflate));
    p = await openVerifierPage();
    await setPins(p.page, { keyid: EXAMPLE_KEYID });
  });
  after(async () => {
    await p?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Gives the page the exhibit (through its picker, or dropped on the bundle box), verifies, and checks the verdict is the CLI's. */
  async function verifyExhibitInPage(path: string, how: 'picker' | 'drop'): Promise<Verdict> {
    await removeAllFiles(p.page);
    if (how === 'picker') await p.page.setInputFiles('#file-exhibit', path);
    else await dropPaths(p.page, '.bundle-drop', [path]);
    const name = path.slice(path.lastIndexOf('/') + 1);
    await p.page.waitForFunction((n) => (document.getElementById('chosen-exhibit')!.textContent ?? '').startsWith(n), name);
    const verdict = await verifyInPage(p.page);
    const cli = await verifyExhibit(path, { keyid: EXAMPLE_KEYID });
    assert.equal(verdict.code, cli.failure?.error.code, `the CLI's verdict: ${cli.failure?.error.message}`);
    return verdict;
  }

  it('the exhibit shredproof exhibit makes, chosen with its picker: VALID, its pages say what the signed statement says', async () => {
    const v = await verifyExhibitInPage(real, 'picker');
    assert.equal(v.verdict, 'valid', v.detail);
    assert.match(
      (await p.page.textContent('#verdict-exhibit')) ?? '',
      new RegExp(`^The exhibit exhibit\\.pdf: its ${pages.length} pages say what the signed statement says, word for word \\(white space aside\\); its ${ATTACHED.length} attached files are the bundle verified here\\.`),
    );
    assert.match((await p.page.textContent('#verdict-log')) ?? '', /entry 3/, 'the receipt attached was checked against the log');
    assert.deepEqual(
      (await fileReports(p.page)).map((f) => `${f.file} ${f.status}`),
      [...ATTACHED.map((f) => `${f} valid`), 'exhibit.pdf valid'],
    );
    assert.equal(await p.page.textContent('#chosen-certificate'), 'No file chosen.', 'the boxes stay empty: the attachments are the bundle');
    await p.screenshot('exhibit-valid');
  });

  it('its pages drawn again by pdfkit, the same words: VALID (the control of the next cases)', async () => {
    const v = await verifyExhibitInPage(await writePdf('same.pdf', attachments, pages), 'drop');
    assert.equal(v.verdict, 'valid', v.detail);
  });

  it('another vector’s certificate.json attached instead, dropped on the bundle box: the bundle’s INVALID code, the pages not compared', async () => {
    const swapped = new Map(attachments);
    swapped.set('certificate.json', readFileSync(join(V2, 'valid', 'certificate.json')));
    assert.notDeepEqual(swapped.get('certificate.json'), attachments.get('certificate.json'), 'another certificate (valid-approved’s is the same as valid-logged’s)');
    const v = await verifyExhibitInPage(await writePdf('swapped.pdf', swapped, pages), 'drop');
    assert.equal(v.verdict, 'invalid', v.detail);
    assert.notEqual(v.code, 'EXHIBIT_MISMATCH');
    assert.notEqual(v.code, 'EXHIBIT_MALFORMED');
    assert.match((await p.page.textContent('#verdict-exhibit')) ?? '', /its pages were not compared with the statement: the bundle attached to it is not valid/);
    const rows = await fileReports(p.page);
    assert.deepEqual(rows.at(-1), { file: 'swapped.pdf', status: 'not checked', code: undefined, detail: 'its pages were not compared with the statement: the bundle attached to it is not valid' });
    assert.ok(rows.some((r) => r.code === v.code && ATTACHED.includes(r.file)), 'the code is an attachment’s');
  });

  it('a page that says something else: INVALID EXHIBIT_MISMATCH, with its plain-language meaning', async () => {
    const edited = pages.map((t, i) => (i === 0 ? t.replace(/destroyed/, 'preserved') : t));
    assert.notDeepEqual(edited, pages);
    const v = await verifyExhibitInPage(await writePdf('edited.pdf', attachments, edited), 'picker');
    assert.equal(v.code, 'EXHIBIT_MISMATCH');
    assert.match(v.detail, /^EXHIBIT_MISMATCH: edited\.pdf: page 1, character \d+: the pages say ".*preserved.*" where the statement's text says ".*destroyed.*"/);
    assert.match(v.detail, /The exhibit’s pages do not say what the signed certificate says/);
    assert.match((await p.page.textContent('#verdict-exhibit')) ?? '', /^The exhibit edited\.pdf: its \d+ pages do NOT say what the signed statement says\.$/);
    assert.deepEqual((await fileReports(p.page)).map((f) => f.code ?? f.status), [...ATTACHED.map(() => 'valid'), 'EXHIBIT_MISMATCH']);
  });

  it('a file that is not a PDF: INVALID EXHIBIT_MALFORMED', async () => {
    const path = join(work, 'not-a.pdf');
    writeFileSync(path, 'this is not a PDF\n');
    const v = await verifyExhibitInPage(path, 'picker');
    assert.equal(v.code, 'EXHIBIT_MALFORMED');
    assert.match(v.detail, /^EXHIBIT_MALFORMED: not-a\.pdf: /);
  });

  it('a bundle chosen afterwards replaces the exhibit, and verifies as before', async () => {
    await p.page.setInputFiles('#file-exhibit', real);
    await dropPaths(p.page, '.bundle-drop', [join(V2, 'valid-logged')]);
    await p.page.waitForFunction(() => document.getElementById('chosen-exhibit')!.textContent === 'No file chosen.');
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.equal(await p.page.$('#verdict-exhibit'), null);
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
