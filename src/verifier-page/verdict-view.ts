// The verdict, in three forms that cannot be taken for one another
// (docs/FORMAT.md section 5.8): VALID (every file valid, the key pinned by
// something the person holds), "Signature valid, key NOT pinned" (valid, but
// nothing ties the key to the issuer: the page says what to compare, and
// where), and INVALID with the first failure's code (a pin that does not
// hold is INVALID PIN_MISMATCH). Each has its own word, colour, symbol and
// data-verdict, inside one polite live region that a screen reader reads
// whole. A valid verdict says who approved and whether their own key says
// so, what became of the derived artifacts, and what the receipt of the
// issuer's transparency log proves (section 12.8), and, for a legal exhibit
// (section 13), that its pages say what the signed statement says; an
// INVALID one what its code means. Below it: what to compare, one line per file (a vendor's
// files by their path in vendors/<artifact>/), and the statement. Every
// verdict ends with when it was reached, in local time and UTC, so that a
// printed page says when (page.css prints it as a report; issue 18 item 4).
import { type AnyCertificateStatement, escapeForDisplay, isStatementV2, type Pin } from '@shredproof/verify';
import { explainCode } from './code-text.js';
import { byId, h, replaceChildren, time } from './dom.js';
import type { ExhibitShown, FileReport, ReceiptShown, TrustFacts, VendorShown, VerifyOutcome } from './protocol.js';
import { approvalSentences } from './render-approval.js';
import { receiptSentences } from './render-receipt.js';
import { derivedSummary } from './render-derived.js';
import { renderKey } from './render-check.js';
import { facts, mono } from './render-parts.js';
import { renderStatement } from './render-statement.js';

export type VerdictState = 'idle' | 'running' | 'valid' | 'unpinned' | 'invalid' | 'error';

export const VERDICT_WORDS = { valid: 'VALID', unpinned: 'Signature valid, key NOT pinned', invalid: 'INVALID', error: 'NOT CHECKED' } as const;
const ICONS: Record<VerdictState, string> = { idle: '', running: '', valid: '✓', unpinned: '⚠', invalid: '✗', error: '–' };

const ui = {
  verdict: byId('verdict'),
  icon: byId('verdict-icon'),
  word: byId('verdict-word'),
  detail: byId('verdict-detail'),
  keyBox: byId('key-box'),
  pinResult: byId('pin-result'),
  keyFacts: byId('key-facts'),
  keyInfo: byId('key-info'),
  filesBox: byId('files-box'),
  files: byId('file-reports'),
  statementBox: byId('statement-box'),
  statementTitle: byId('statement-title'),
  statement: byId('statement'),
};

export function setVerdict(state: VerdictState, word: string, ...detail: Array<Node | string | null>): void {
  ui.verdict.dataset.verdict = state;
  ui.icon.textContent = ICONS[state];
  ui.word.textContent = word;
  replaceChildren(ui.detail, ...detail);
}

/** Hides every result below the verdict. */
export function clearResult(word: string): void {
  setVerdict('idle', word);
  setPrintedCertificate(undefined);
  ui.keyBox.hidden = true;
  ui.filesBox.hidden = true;
  ui.statementBox.hidden = true;
  ui.statement.replaceChildren();
  ui.files.replaceChildren();
  ui.pinResult.textContent = '';
  delete ui.pinResult.dataset.match;
}

/** The VALID verdict's first line: which key signed, and how the person's pin ties it to the issuer. */
function validLine(f: TrustFacts): string {
  const keyid = f.signer?.keyid ?? '';
  if (f.pin?.kind === 'keyid') return `Signed by key ${keyid}: the key id you pinned.`;
  if (f.pin?.kind === 'trust-sha256') return `Signed by key ${keyid}, listed in trust.json, whose SHA-256 is the one you pinned (${f.pin.value}).`;
  return `Signed by key ${keyid}, listed in your own trust.json (SHA-256 ${f.pin?.value ?? ''}).`;
}

function pinnedBy(pin: Pin): string {
  if (pin.kind === 'keyid') return `the key id you entered (${pin.value})`;
  if (pin.kind === 'trust-sha256') return `the SHA-256 of trust.json you entered (${pin.value})`;
  return `your own trust.json (SHA-256 ${pin.value})`;
}

const para = (id: string, ...children: Array<Node | string>) => h('p', { id }, ...children);

function compareHint(f: TrustFacts): HTMLElement {
  const keyid = f.signer?.keyid ?? '';
  return para(
    'verdict-compare',
    'Compare the key id ',
    mono(keyid),
    ...(f.trustSha256 ? [' and the SHA-256 of trust.json ', mono(f.trustSha256)] : []),
    ` with the ${f.trustSha256 ? 'ones' : 'one'} published in the settlement or in the regulator’s or court’s docket. Never compare with a value from the same server, website or email as these files. Then enter it under “2. Pin the issuer’s key” and verify again.`,
  );
}

function showKeyBox(o: Exclude<VerifyOutcome, { verdict: 'error' }>): void {
  const f = o.facts;
  const mismatch = o.verdict === 'invalid' && o.code === 'PIN_MISMATCH';
  if (o.verdict === 'valid' && f.pin) {
    ui.pinResult.dataset.match = 'yes';
    ui.pinResult.textContent = `Pinned: the key that signed is the one you pinned by ${pinnedBy(f.pin)}.`;
  } else if (mismatch) {
    ui.pinResult.dataset.match = 'no';
    ui.pinResult.textContent = 'PIN MISMATCH: the certificate was not signed by the key you pinned. Do not rely on it.';
  } else if (o.verdict === 'unpinned') {
    ui.pinResult.dataset.match = 'none';
    ui.pinResult.textContent = 'NOT pinned: you gave no published key id, trust.json SHA-256 or trust.json of your own.';
  }
  const rows: Array<[string, Node | string]> = [];
  if (f.signer) rows.push(['Key id of the key that signed', mono(f.signer.keyid)]);
  if (mismatch && f.unpinnedSigner) rows.push(['Key id that signed, from the bundle (not the pinned key)', mono(f.unpinnedSigner.keyid)]);
  if (f.trustSha256) rows.push(['SHA-256 of the bundle’s trust.json (as sha256sum trust.json prints it)', mono(f.trustSha256)]);
  if (f.ownTrustSha256) rows.push(['SHA-256 of your own trust.json', mono(f.ownTrustSha256)]);
  if (f.publicKeyId) rows.push(['Key id of public-key.pem', mono(f.publicKeyId)]);
  if (f.pin) rows.push([f.pinned ? 'Pinned by' : 'Your pin', pinnedBy(f.pin)]);
  replaceChildren(ui.keyFacts, facts(rows));
  const key = f.signer ?? (mismatch ? f.unpinnedSigner : undefined);
  replaceChildren(ui.keyInfo, key?.publicKeyHex ? renderKey(key) : null);
  ui.keyBox.hidden = rows.length === 0 && !ui.pinResult.textContent;
}

const STATUS_TEXT = (r: FileReport) => (r.status === 'valid' ? 'VALID' : r.status === 'invalid' ? `INVALID ${r.code}` : r.status);

function showFiles(files: readonly FileReport[]): void {
  ui.files.replaceChildren(
    ...files.map((r) =>
      h(
        'tr',
        { 'data-file': r.file, 'data-status': r.status },
        h('td', null, h('code', null, r.file), r.chosen ? ` (${r.chosen})` : ''),
        h('td', null, STATUS_TEXT(r)),
        h('td', null, r.detail ?? ''),
      ),
    ),
  );
  ui.filesBox.hidden = files.length === 0;
}

const took = (ms: number) => `Took ${(ms / 1000).toFixed(2)} s.`;

const LOCAL_TIME: Intl.DateTimeFormatOptions = { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' };

/**
 * When the verification completed, by this computer's clock (the page has no
 * other): in the reader's local time with its zone, and in UTC as the page
 * shows every other time. The month in words, so no reader takes 03/04 for 4 March.
 */
function verifiedAtPara(at: Date): HTMLElement {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const utc = time(at.toISOString().replace(/\.\d+Z$/, 'Z'));
  return para('verdict-time', 'Verified at ', h('time', { datetime: at.toISOString() }, `${new Intl.DateTimeFormat(undefined, LOCAL_TIME).format(at)} (${zone})`), `, that is ${utc}, by this computer’s clock.`);
}

/** The certificate id in the printed page's running header (page.css reads this attribute): only from a statement whose signature verified. */
function setPrintedCertificate(id: string | undefined): void {
  if (id === undefined) delete document.documentElement.dataset.certificateId;
  else document.documentElement.dataset.certificateId = escapeForDisplay(id);
}

/** Who approved, and whether their own key says so (docs/FORMAT.md section 5.9). */
function approvalPara(f: TrustFacts, s: AnyCertificateStatement): HTMLElement | null {
  return f.approvals ? para('verdict-approval', approvalSentences(f.approvals, s.order.approvedBy).join(' ')) : null;
}

/** What became of the derived artifacts, when the certificate accounts for them (docs/FORMAT.md section 5.10); the statement below shows each. */
function derivedPara(s: AnyCertificateStatement, vendors: readonly VendorShown[]): HTMLElement | null {
  if (!isStatementV2(s) || s.derivedArtifacts === undefined) return null;
  const bundles = vendors.length === 0 ? '' : vendors.length === 1 ? ' The vendor’s own certificate bundle verified.' : ` The ${vendors.length} vendors’ own certificate bundles verified.`;
  return para('verdict-derived', `${derivedSummary(s)}${bundles} See “Derived artifacts” below.`);
}

/** What the receipt of the issuer's transparency log proves, and what it does not (docs/FORMAT.md section 12.8). */
function receiptPara(r: ReceiptShown | undefined): HTMLElement | null {
  return r ? para('verdict-log', receiptSentences(r)) : null;
}

/** How a legal exhibit's pages compared with the signed statement (docs/FORMAT.md section 13); absent when the PDF could not be read. */
function exhibitPara(e: ExhibitShown | undefined): HTMLElement | null {
  if (!e) return null;
  const pages = `its ${e.pages} page${e.pages === 1 ? '' : 's'}`;
  const text =
    e.text === 'matches'
      ? `The exhibit ${e.file}: ${pages} say what the signed statement says, word for word (white space aside); its ${e.attachments} attached files are the bundle verified here. This compares the text the PDF declares; what was verified is the bundle attached to it.`
      : e.text === 'differs'
        ? `The exhibit ${e.file}: ${pages} do NOT say what the signed statement says.`
        : `The exhibit ${e.file}: its pages were not compared with the statement: the bundle attached to it is not valid.`;
  return para('verdict-exhibit', text);
}

export function showOutcome(o: VerifyOutcome): void {
  if (o.verdict === 'error') {
    setVerdict('error', VERDICT_WORDS.error, o.message);
    return;
  }
  const f = o.facts;
  const verifiedAt = verifiedAtPara(new Date());
  if (o.verdict === 'invalid') {
    const extra =
      o.code === 'PIN_MISMATCH'
        ? [para('verdict-pin', `The certificate was not signed by the key you pinned${f.unpinnedSigner ? `; it was signed by key ${f.unpinnedSigner.keyid}, which the bundle itself offers` : ''}. Do not rely on it.`)]
        : [];
    const explain = para('verdict-explain', h('strong', null, 'What this means: '), explainCode(o.code));
    setVerdict('invalid', VERDICT_WORDS.invalid, h('span', { class: 'code', id: 'verdict-code' }, o.code), `: ${o.message}`, explain, exhibitPara(o.exhibit), ...extra, verifiedAt);
  } else if (o.verdict === 'valid') {
    setVerdict('valid', VERDICT_WORDS.valid, para('verdict-pin', validLine(f)), approvalPara(f, o.statement), derivedPara(o.statement, o.vendors), receiptPara(o.receipt), exhibitPara(o.exhibit), para('verdict-checked', `Checked: ${o.checked.join(', ')}. ${took(o.elapsedMs)}`), verifiedAt);
  } else {
    setVerdict(
      'unpinned',
      VERDICT_WORDS.unpinned,
      para('verdict-pin', 'Every file checks out, but nothing you gave ties the signing key to the issuer: anyone can make a key and sign with it.'),
      compareHint(f),
      approvalPara(f, o.statement),
      derivedPara(o.statement, o.vendors),
      receiptPara(o.receipt),
      exhibitPara(o.exhibit),
      para('verdict-checked', `Checked: ${o.checked.join(', ')}. ${took(o.elapsedMs)}`),
      verifiedAt,
    );
  }
  setPrintedCertificate(o.statement?.certificateId);
  showKeyBox(o);
  showFiles(o.files);
  if (o.statement) {
    ui.statementTitle.textContent =
      o.verdict === 'valid'
        ? 'What the certificate states (signature verified, key pinned)'
        : o.verdict === 'unpinned'
          ? 'What the certificate states (signature verified; key NOT pinned)'
          : 'What the certificate states (its signature verified; a later check failed, see above)';
    replaceChildren(ui.statement, renderStatement(o.statement, o.lists, f.approvals, o.vendors, o.receipt));
    ui.statementBox.hidden = false;
  }
}
