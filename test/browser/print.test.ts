// Issue 18 item 4: the verifier page prints as one report. Bundles of
// test/vectors/certificate/v2 dropped on the page in real Chromium and
// verified, then printed to PDF by Chromium itself (page.pdf, print media,
// A4 and Letter) and read back with poppler (pdfinfo, pdftotext): a few
// pages, headed by the certificate id, with the verdict, when it was
// reached, the pin, the key id, the statement and each file's result, and
// none of the page's controls. The PDFs stay in test-output/print/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkPhotos, openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { ROOT } from '../helpers/run-cli.js';
import { bundleStatus, dropPaths, EXAMPLE_KEYID, type Pins, removeAllFiles, setPins } from './page-actions.js';

const V2 = join(import.meta.dirname, '..', 'vectors', 'certificate', 'v2');
const OUT = join(ROOT, 'test-output', 'print');
const FORMATS = ['A4', 'Letter'] as const;
/** SHA-256 of valid-approved/trust.json, as its expected.json pins it. */
const APPROVED_TRUST_SHA256 = '0729d9a2f4658638233d0420e7b93829701cf2092c5abd8333aa7933b6e3342d';
const CERTIFICATE_ID = 'cert-example-0002';
const ORDER_REFERENCE = 'FTC Docket No. C-0000 (example)';
/** The reader's zone, set in the browser: 9 h 30 min from UTC and no daylight saving time, so that local time and UTC differ in hour and minute (and in date after 14:30 UTC). */
const ZONE = { id: 'Australia/Darwin', offsetMs: 9.5 * 3600_000, name: 'GMT+09:30' };

// pdftotext breaks long lines anywhere, hex strings included: text is compared with its spaces collapsed, hashes and sentences with them removed.
const spaced = (s: string) => s.replace(/\s+/g, ' ').trim();
const squeezed = (s: string) => s.replace(/\s+/g, '');

/** What a person sees as controls on screen: every label, button, placeholder and heading of the input sections in the template, and the browser's own file picker words. */
function controlTexts(): string[] {
  const html = readFileSync(join(ROOT, 'src', 'verifier-page', 'template.html'), 'utf8');
  const text = (m: RegExpMatchArray) => spaced(m[1]!.replace(/<[^>]+>/g, ' '));
  const found = [
    ...[...html.matchAll(/<label\b[^>]*>([\s\S]*?)<\/label>/g)].map(text),
    ...[...html.matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/g)].map(text),
    ...[...html.matchAll(/placeholder="([^"]+)"/g)].map(text),
    ...[...html.matchAll(/<h[23] id="(?:inputs|bundle|each|pin|photo)-title">([^<]+)</g)].map(text),
    ...[...html.matchAll(/<p class="chosen"[^>]*>([^<]+)</g)].map(text),
    ...[...html.matchAll(/<span id="inputs-hint">([^<]+)</g)].map(text),
  ];
  return [...new Set([...found, 'Choose File', 'Choose Files'])];
}

interface Printed {
  format: string;
  path: string;
  pages: number;
  /** The whole text, in layout mode (a table row stays on one line). */
  text: string;
  /** Each page's text. */
  pageTexts: string[];
}

function readPdf(path: string, format: string): Printed {
  const pages = Number(/^Pages:\s+(\d+)$/m.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))?.[1]);
  const pageText = (n: number) => execFileSync('pdftotext', ['-layout', '-f', String(n), '-l', String(n), path, '-'], { encoding: 'utf8' });
  const pageTexts = Array.from({ length: pages }, (_, i) => pageText(i + 1));
  return { format, path, pages, text: pageTexts.join('\n'), pageTexts };
}

const lines = (t: string) => t.split('\n').map(spaced).filter((l) => l !== '');
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('verifier page: printed as one report (issue 18 item 4)', () => {
  let p: VerifierPage;
  before(async () => {
    mkdirSync(OUT, { recursive: true });
    p = await openVerifierPage();
    const cdp = await p.context.newCDPSession(p.page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: ZONE.id });
  });
  after(() => p?.close());

  /** Drops the bundle with these pins, verifies, and notes when (by the test's clock, which is the page's). */
  async function verify(dir: string, pins: Pins) {
    await p.page.emulateMedia({ media: 'screen' });
    await removeAllFiles(p.page);
    await setPins(p.page, pins);
    await dropPaths(p.page, '.bundle-drop', [join(V2, dir)]);
    await bundleStatus(p.page);
    const from = Date.now();
    const verdict = await verifyInPage(p.page);
    return { verdict, from, to: Date.now() };
  }

  async function print(name: string): Promise<Printed[]> {
    const out: Printed[] = [];
    for (const format of FORMATS) {
      const path = join(OUT, `${name}-${format}.pdf`);
      await p.page.pdf({ path, format });
      out.push(readPdf(path, format));
    }
    return out;
  }

  const text = async (selector: string) => spaced((await p.page.textContent(selector)) ?? '');

  /** Each row of "Each file" as the page shows it: its file cell and its result cell. */
  const fileRows = () => p.page.locator('#file-reports > tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((c) => (c.textContent ?? '').trim())));

  /** The "verified at" line: on screen, at the time the test saw, in the reader's zone and in UTC. */
  async function checkVerifiedAt(from: number, to: number): Promise<string> {
    const line = await text('#verdict-time');
    assert.equal(await p.page.isVisible('#verdict-time'), true, 'shown on screen, not only in print');
    const at = Date.parse((await p.page.getAttribute('#verdict-time time', 'datetime')) ?? '');
    assert.ok(at >= from - 1000 && at <= to + 1000, `verified at ${new Date(at).toISOString()}, not between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}`);
    const utc = new Date(Math.floor(at / 1000) * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC');
    const local = new Date(at + ZONE.offsetMs).toISOString().slice(11, 19);
    assert.ok(line.startsWith('Verified at ') && line.endsWith(`, that is ${utc}, by this computer’s clock.`), line);
    assert.ok(line.includes(`${local} ${ZONE.name} (${ZONE.id})`), `${line} has the local time ${local} ${ZONE.name}`);
    return line;
  }

  /** Everything every printed report must hold, and no control. */
  async function checkReport(doc: Printed, expect: { verdict: string; certificateId: string | undefined; needles: string[]; facts?: Array<[string, string]>; maxPages: number }) {
    const where = `${doc.format}: ${doc.path}`;
    assert.ok(doc.pages >= 1 && doc.pages <= expect.maxPages, `${where}: ${doc.pages} pages, want at most ${expect.maxPages}`);
    doc.pageTexts.forEach((t, i) => {
      const head = lines(t)[0] ?? '';
      const id = expect.certificateId ? `, certificate ${expect.certificateId}` : '';
      assert.match(head, new RegExp(`^shredproof verification report${id} ${expect.verdict}$`), `${where}: page ${i + 1} is headed by ${head}`);
      assert.ok(lines(t).includes(`page ${i + 1} of ${doc.pages}`), `${where}: page ${i + 1} is numbered`);
    });
    const flat = squeezed(doc.text);
    for (const n of expect.needles) assert.ok(flat.includes(squeezed(n)), `${where}: has ${n}`);
    // A fact of the statement, or a file's row: its name and its value on one line of the page.
    for (const [label, value] of [...(expect.facts ?? []), ...(await fileRows())]) {
      assert.match(doc.text, new RegExp(`^\\s*${escaped(label!)}\\s+${escaped(value!)}(\\s|$)`, 'm'), `${where}: has ${label}: ${value}`);
    }
    const words = spaced(doc.text);
    for (const c of controlTexts()) assert.doesNotMatch(words, new RegExp(`(^|\\W)${escaped(c)}(\\W|$)`), `${where}: prints the control “${c}”`);
    // No heading (or table caption) ends a page: each goes with what follows it.
    const headings = await p.page.$$eval('h2, h3, h4, caption', (els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
    doc.pageTexts.slice(0, -1).forEach((t, i) => {
      const last = lines(t).filter((l) => !/^page \d+ of \d+$/.test(l)).at(-1) ?? '';
      assert.ok(!headings.includes(last), `${where}: page ${i + 1} ends with the heading “${last}”`);
    });
  }

  it('finds the controls it must not print in the template', () => {
    const c = controlTexts();
    for (const label of ['Its folder', 'Remove all files', 'Verify', 'Cancel', 'Published key id', '1. Choose the files', '4. Check a photo', 'No file chosen.']) assert.ok(c.includes(label), label);
    assert.ok(c.length >= 25, `${c.length} control texts`);
  });

  // Measured: 3 pages on A4 and on Letter. Page 1: the verdict with when it was reached, the key and its pin, each file's result;
  // page 2: the statement's order, completeness and targets; page 3: its lists (exceptions, retained, re-scan) and commitments.
  // Printed with the controls this bundle took 7 pages on A4 and 8 on Letter.
  it('valid-approved, pinned by the SHA-256 of trust.json: VALID, in at most 3 pages on A4 and on Letter', async () => {
    const { verdict, from, to } = await verify('valid-approved', { trustSha256: APPROVED_TRUST_SHA256 });
    assert.equal(verdict.verdict, 'valid', verdict.detail);
    const verifiedAt = await checkVerifiedAt(from, to);
    const needles = [
      '✓ VALID',
      verifiedAt,
      await text('#pin-result'),
      APPROVED_TRUST_SHA256,
      'Key id of the key that',
      EXAMPLE_KEYID,
      await text('#verdict-approval'),
      'Completeness',
      'Per storage target',
      'Retained under a legal hold (1)',
      'Commitments',
    ];
    const facts: Array<[string, string]> = [
      ['Certificate id', CERTIFICATE_ID],
      ['Order reference', ORDER_REFERENCE],
      ['Issued at', '2026-11-20 10:05:00 UTC'],
    ];
    for (const doc of await print('valid-approved')) await checkReport(doc, { verdict: 'VALID', certificateId: CERTIFICATE_ID, needles, facts, maxPages: 3 });
    await p.screenshot('print-valid-approved-screen');
  });

  // Measured: 3 pages on A4 and on Letter; the receipt adds its sentences to the verdict and its facts after the commitments.
  it('valid-logged, pinned by the key id: VALID with its transparency log receipt, in at most 3 pages', async () => {
    const { verdict, from, to } = await verify('valid-logged', { keyid: EXAMPLE_KEYID });
    assert.equal(verdict.verdict, 'valid', verdict.detail);
    const needles = [
      '✓ VALID',
      await checkVerifiedAt(from, to),
      await text('#pin-result'),
      EXAMPLE_KEYID,
      await text('#verdict-log'),
      'Transparency log',
    ];
    const facts: Array<[string, string]> = [
      ['Certificate id', CERTIFICATE_ID],
      ['Order reference', ORDER_REFERENCE],
      ['Entry of this certificate', '3 (counted from 0)'],
      ['Cosigned by', 'witness.example.org/w1 on 2026-11-20 10:10:00 UTC'],
    ];
    for (const doc of await print('valid-logged')) await checkReport(doc, { verdict: 'VALID', certificateId: CERTIFICATE_ID, needles, facts, maxPages: 3 });
  });

  // A photo looked up after the verification prints under its own heading, without the picker: measured 3 pages on A4 and 4 on Letter.
  it('a photo looked up is printed with its result, under a heading of its own and without its picker', async () => {
    const [result] = await checkPhotos(p.page, [join(V2, 'valid-logged', 'order.json')]);
    assert.equal(result?.status, 'not-found', result?.text);
    const needles = ['Files looked up among what the certificate proves', await text('#photo-status'), 'NOT FOUND order.json: its SHA-256 is not among the 5 destroyed objects of the verified records file.'];
    for (const doc of await print('valid-logged-photo')) await checkReport(doc, { verdict: 'VALID', certificateId: CERTIFICATE_ID, needles, maxPages: 4 });
  });

  // Measured: records-line-altered 2 pages on A4 and 3 on Letter (its signature holds, so the statement is shown);
  // payload-tampered 1 page (nothing of the statement is shown, nor its id).
  for (const [name, code, certificateId, maxPages] of [
    ['records-line-altered', 'MERKLE_ROOT_MISMATCH', CERTIFICATE_ID, 3],
    ['payload-tampered', 'SIGNATURE_INVALID', undefined, 1],
  ] as const) {
    it(`invalid/${name}: INVALID ${code} with its reason and what it means, in at most ${maxPages} page(s)`, async () => {
      const { verdict, from, to } = await verify(join('invalid', name), {});
      assert.equal(verdict.code, code, verdict.detail);
      const reason = verdict.detail.slice(0, verdict.detail.indexOf('What this means: '));
      assert.ok(reason.startsWith(`${code}: `) && reason.length > code.length + 10, reason);
      const needles = ['✗ INVALID', reason, await text('#verdict-explain'), await checkVerifiedAt(from, to)];
      for (const doc of await print(`invalid-${name}`)) await checkReport(doc, { verdict: 'INVALID', certificateId, needles, maxPages });
    });
  }

  it('prints what the screen folds away: a closed details element open, its toggle gone, and a link with its URL', async () => {
    await p.page.evaluate(() => {
      const details = document.createElement('details');
      details.innerHTML = '<summary>Folded section</summary><p>Folded content that the screen hides.</p>';
      const link = document.createElement('p');
      link.innerHTML = 'Filed on <a href="https://docket.example/c-0000">the docket</a>.';
      document.getElementById('verdict-detail')!.append(details, link);
    });
    assert.equal(await p.page.isVisible('text=Folded content that the screen hides.'), false, 'closed on screen');
    const path = join(OUT, 'folded-A4.pdf');
    await p.page.pdf({ path, format: 'A4' });
    const words = spaced(readPdf(path, 'A4').text);
    assert.match(words, /Folded section Folded content that the screen hides\./);
    assert.match(words, /Filed on the docket \(https:\/\/docket\.example\/c-0000\)\./);
  });

  it('leaves the screen as it was: controls shown, the printed title not; in print media the controls are gone', async () => {
    await p.page.emulateMedia({ media: 'screen' });
    for (const sel of ['#verify', '#file-bundle', '.bundle-drop', '#pin-keyid', '#clear-all', 'h1', '#file-photo']) assert.equal(await p.page.isVisible(sel), true, `${sel} on screen`);
    assert.equal(await p.page.isVisible('.report-head'), false);
    await p.page.emulateMedia({ media: 'print' });
    for (const sel of ['#verify', '#file-bundle', '.bundle-drop', '#pin-keyid', '#clear-all', 'h1', '#file-photo']) assert.equal(await p.page.isVisible(sel), false, `${sel} in print`);
    assert.equal(await p.page.isVisible('.report-head'), true);
    await p.page.emulateMedia({ media: 'screen' });
  });

  it('made no network request and logged no error (no CSP violation)', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
