// A per-person receipt (src/app/receipts.ts) as a PDF for the person: one page or
// two in plain language (which certificate, issued when and by whom, each of
// their objects and what became of it, and how to check it), with the
// proofs, the receipt JSON and the signing key embedded as file attachments
// (proof-<n>.json, receipt.json, public-key.pem), so that the PDF carries
// what checks it. It prints only the receipt's own content: the
// statement's facts about the targets and the entries of the person's proofs.
// Every string from a certificate is shown through escapeForDisplay: a
// locator is attacker controlled, and bidi controls would reorder the text.
import PDFDocument from 'pdfkit';
import { type CertificateStatementV2, escapeForDisplay, jsonForDisplay, type ObjectProofV2 } from '@shredproof/verify';
import type { Receipt, ReceiptObject } from '../../app/receipts.js';

/** DejaVu Sans, embedded (subset): it covers the Latin, Greek and Cyrillic of most locators and names. */
export const RECEIPT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export interface ReceiptPdfOptions {
  /** The verified statement of receipt.certificate: the targets' systems and what their methods leave behind. */
  statement: CertificateStatementV2;
  /** The signing key, PEM (SPKI), attached as public-key.pem. */
  publicKeyPem: string;
  font?: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2026-11-20T10:00:03.000Z` as `20 November 2026, 10:00:03 UTC`; anything else as it is. */
export function plainDate(time: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(time);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return time;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}, ${m[4]} UTC`;
}

const show = (s: string) => escapeForDisplay(s);
type Entry = Record<string, string | number | undefined>;
const entryOf = (p: ObjectProofV2): Entry => JSON.parse(p.entry) as Entry;

/** What the person named, in their words. */
function asked(o: ReceiptObject): string {
  const q = o.query;
  if ('file' in q) return `Your file “${show(q.file)}” (content SHA-256 ${q.sha256})`;
  if ('sha256' in q) return `Content with SHA-256 ${q.sha256}`;
  return `The object “${show(q.locator)}”`;
}

const RESCAN_FOUND: Record<string, string> = {
  held: 'a check after the order found it still there, kept under its hold, as expected',
  exception: 'a check after the order found it still there, not destroyed',
  unplanned: 'a check after the order found it still within the order’s scope; it was not in the plan (it may have appeared after the plan was made), so this order did not destroy it',
  recreated: 'a check after the order found it again at the same place: it was re-created after it had been destroyed',
};

/** The lines that say what became of one object, and the attachments that prove it. */
function fate(o: ReceiptObject, n: number, statement: CertificateStatementV2): { verdict: string; lines: string[] } {
  if (!o.proof) {
    return {
      verdict: 'NOT IN THIS CERTIFICATE',
      lines: [
        'This certificate names no object like this one: not among the destroyed, the kept or the not destroyed.',
        'That is all it says. It does not say that the object exists, or that it was destroyed: it may have been outside this order, never part of it, or a different copy (a resized or re-encoded photo has another SHA-256).',
      ],
    };
  }
  const e = entryOf(o.proof);
  const where = `${show(String(e.locator))} in ${show(String(e.target))}`;
  const target = statement.targets.find((t) => t.name === e.target);
  const proofLine = `Proof: proof-${n}.json, attached to this PDF.`;
  let verdict: string;
  const lines: string[] = [];
  if (o.status === 'destroyed') {
    verdict = `DESTROYED on ${plainDate(String(e.destroyedAt))}`;
    lines.push(`It was ${where}${target ? ` (${show(target.system)})` : ''}. It was deleted by “${show(String(e.method))}” and found to be gone at that time.`);
    if (target && target.persistence.length > 0) lines.push(`What this kind of deletion can leave behind, as the certificate states it: ${target.persistence.map(show).join('; ')}`);
  } else if (o.status === 'retained') {
    verdict = 'KEPT, NOT DESTROYED: under a legal hold';
    lines.push(`It is ${where}. It is kept under the legal hold ${show(String(e.holdId))}: ${show(String(e.reason))}.`);
  } else if (o.status === 'exception') {
    verdict = 'NOT DESTROYED';
    lines.push(`It is ${where}. It could not be destroyed: ${show(String(e.reason))} (code ${show(String(e.code))}).`);
  } else {
    verdict = 'NOT DESTROYED: found after the order ran';
    lines.push(`It is ${where}: ${RESCAN_FOUND[String(e.status)] ?? show(String(e.status))}.`);
  }
  lines.push(proofLine);
  if (o.rescan) {
    const r = entryOf(o.rescan);
    lines.push(`Also: ${RESCAN_FOUND[String(r.status)] ?? show(String(r.status))}. Proof: proof-${n}-rescan.json.`);
  }
  return { verdict, lines };
}

/** The receipt as a PDF, in memory. */
export function renderReceiptPdf(receipt: Receipt, opts: ReceiptPdfOptions): Promise<Buffer> {
  const { statement } = opts;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    font: opts.font ?? RECEIPT_FONT,
    pdfVersion: '1.7',
    lang: 'en',
    displayTitle: true,
    info: { Title: `Receipt: what became of your data (certificate ${receipt.certificateId})`, Author: receipt.issuer.name, Subject: 'Per-person receipt of a shredproof destruction certificate', Creator: 'shredproof' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const para = (text: string, size = 10, gap = 6) => doc.fontSize(size).fillColor('black').text(text, { width, paragraphGap: gap });

  doc.fontSize(18).text('Receipt: what became of your data', { width });
  doc.moveDown(0.3);
  doc.fontSize(9).fillColor('#444444').text(`Certificate ${show(receipt.certificateId)}, issued ${plainDate(receipt.issuedAt)} by ${show(receipt.issuer.name)}`, { width });
  doc.moveDown(0.8);
  para(
    `${show(receipt.issuer.name)} carried out the order “${show(receipt.order.reference)}” and signed a certificate of what it destroyed. ` +
      `This receipt is about the ${receipt.objects.length === 1 ? 'object you asked about' : `${receipt.objects.length} objects you asked about`}, and only those: it names no one else’s data, and no one else’s data can be worked out from it.`,
  );
  doc.moveDown(0.4);
  doc.fontSize(13).text('What became of your data', { width });
  doc.moveDown(0.3);
  receipt.objects.forEach((o, k) => {
    const { verdict, lines } = fate(o, k + 1, statement);
    doc.fontSize(10.5).fillColor('black').text(`${k + 1}. ${asked(o)}`, left, undefined, { width, paragraphGap: 2 });
    doc.fontSize(10.5).fillColor(o.status === 'destroyed' ? '#0a5c2a' : '#8a1c00').text(verdict, left + 14, undefined, { width: width - 14, paragraphGap: 2 });
    for (const l of lines) doc.fontSize(9.5).fillColor('black').text(l, left + 14, undefined, { width: width - 14, paragraphGap: 2 });
    doc.x = left;
    doc.moveDown(0.6);
  });
  // The section that says how to check it stays on one page: the command in it is copied as it is.
  if (doc.y > doc.page.height - doc.page.margins.bottom - 200) doc.addPage();
  doc.fontSize(13).fillColor('black').text('How to check this receipt', left, undefined, { width });
  doc.moveDown(0.3);
  para(
    'Each proof is attached to this PDF as a file (proof-1.json and so on), with the whole receipt as receipt.json and the issuer’s signing key as public-key.pem; a PDF reader lists them under attachments, and “pdfdetach -saveall” saves them. ' +
      'A proof holds your entry, its place in the certificate’s Merkle tree (RFC 6962), the hashes that lead from it to the tree’s signed root, and the signed certificate. It shows nothing of the other entries but those hashes.',
  );
  para('Check a proof yourself, without trusting this document:', 9.5, 2);
  // The command on lines of its own, never wrapped at a hyphen: it is copied as it is.
  for (const line of ['shredproof verify --proof proof-1.json --public-key public-key.pem \\', `    --keyid ${receipt.issuer.keyid}`]) {
    doc.fontSize(8.5).text(line, left + 14, undefined, { width: width - 14, lineBreak: false });
  }
  doc.x = left;
  doc.moveDown(0.5);
  para(
    `The key id must be the one ${show(receipt.issuer.name)} publishes. The formats are public (shredproof docs/FORMAT.md, section 7.1): any program that follows them can check the proofs.`,
    9.5,
  );

  const attach = (text: string, name: string, type: string, description: string) => doc.file(Buffer.from(text, 'utf8'), { name, type, description });
  receipt.objects.forEach((o, k) => {
    if (o.proof) attach(jsonForDisplay(o.proof, 2) + '\n', `proof-${k + 1}.json`, 'application/json', `Per-object proof of object ${k + 1}`);
    if (o.rescan) attach(jsonForDisplay(o.rescan, 2) + '\n', `proof-${k + 1}-rescan.json`, 'application/json', `The re-scan's entry for object ${k + 1}`);
  });
  attach(jsonForDisplay(receipt, 2) + '\n', 'receipt.json', 'application/json', 'This receipt, as JSON');
  attach(opts.publicKeyPem, 'public-key.pem', 'application/x-pem-file', 'The signing key of the certificate (compare its key id with the one the issuer publishes)');
  doc.end();
  return done;
}
