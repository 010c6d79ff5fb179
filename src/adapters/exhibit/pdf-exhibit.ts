// The legal exhibit (docs/FORMAT.md section 13): a PDF/A-3b a court can
// file, made with pdfkit from a certificate bundle that verifies. Its pages
// say, in plain words, exactly what exhibitText (the verifier package)
// makes from the signed statement and the bundle's files, and nothing else;
// its file attachments are the bundle's files, so that the exhibit verifies
// itself (`shredproof verify --exhibit`). A bundle that does not verify gets
// no exhibit.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import encodeQR from '@paulmillr/qr';
import {
  checkCertificateReceipt,
  exhibitDigestInput,
  exhibitQrText,
  type ExhibitFacts,
  exhibitSections,
  isStatementV2,
  LIST_NAMES,
  parseCertificate,
  RECEIPT_FILE,
  resolveTrust,
  verifyCertificate,
  verifyListFile,
  verifyOrderFile,
  verifyTrusted,
  type CertificateStatementV2,
} from '@shredproof/verify';
import { verifyRecordsFile } from '@shredproof/verify/node';
import PDFDocument from 'pdfkit';

/** The fonts every exhibit embeds (PDF/A embeds every font it uses): Debian's fonts-dejavu-core. */
export const EXHIBIT_FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONTS = { body: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;

/** records.ndjson larger than this is not attached; the statement's records.sha256 stands for it. */
export const DEFAULT_RECORDS_LIMIT_BYTES = 50 * 1024 * 1024;

export interface ExhibitOptions {
  recordsLimitBytes?: number;
  paper?: 'letter' | 'a4';
  /** When the PDF is made (its metadata); default now. */
  now?: Date;
}

export interface Exhibit {
  pdf: Buffer;
  statement: CertificateStatementV2;
  /** The files attached, by name, and whether records.ndjson was left out for its size. */
  attached: string[];
  recordsOmitted: boolean;
}

export class ExhibitError extends Error {
  override readonly name = 'ExhibitError';
}

/** The bundle's files that an exhibit attaches, by their names in the bundle (vendors/... included). */
function bundleFiles(dir: string): string[] {
  const top = ['certificate.json', 'records.ndjson', ...LIST_NAMES.map((l) => `${l}.ndjson`), 'order.json', 'trust.json', 'public-key.pem', RECEIPT_FILE];
  const names = top.filter((f) => existsSync(join(dir, f)));
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.isFile() ? [relative(dir, join(d, e.name)).split(sep).join('/')] : []));
  if (existsSync(join(dir, 'vendors'))) names.push(...walk(join(dir, 'vendors')).sort());
  return names;
}

/** Verifies the bundle as a regulator would (its own trust root), and gathers what the exhibit says beyond the statement. */
async function verifiedBundle(dir: string, attach: ReadonlyMap<string, Buffer>): Promise<{ statement: CertificateStatementV2; facts: ExhibitFacts }> {
  const read = (f: string) => {
    try {
      return readFileSync(join(dir, f));
    } catch (e) {
      throw new ExhibitError(`the bundle ${dir} has no readable ${f}: ${(e as Error).message}`);
    }
  };
  const certificate = read('certificate.json');
  const trust = resolveTrust({ bundleRoot: read('trust.json') });
  const { statement } = verifyTrusted(trust, (keys) => verifyCertificate(certificate, keys));
  if (!isStatementV2(statement)) throw new ExhibitError('an exhibit is made of a version 2 certificate; this one is version 1');
  const order = read('order.json');
  verifyOrderFile(order, statement);
  for (const l of LIST_NAMES) if (existsSync(join(dir, `${l}.ndjson`))) verifyListFile(l, statement, read(`${l}.ndjson`));
  if (existsSync(join(dir, 'records.ndjson'))) await verifyRecordsFile(statement, join(dir, 'records.ndjson'));
  const receipt = existsSync(join(dir, RECEIPT_FILE)) ? read(RECEIPT_FILE) : undefined;
  const logged = trust.root ? checkCertificateReceipt(trust.root, parseCertificate(certificate) as { payload: string }, statement, receipt) : undefined;
  const doc = JSON.parse(order.toString('utf8')) as { holds?: Array<{ id?: unknown }> };
  const holdIds = (doc.holds ?? []).map((h) => h.id).filter((id): id is string => typeof id === 'string');
  const hashes = new Map([...attach].map(([name, bytes]) => [name, createHash('sha256').update(bytes).digest('hex')]));
  const bundleSha256 = createHash('sha256').update(exhibitDigestInput(hashes, statement.records.sha256)).digest('hex');
  return { statement, facts: { holdIds, bundleSha256, ...(logged ? { receipt: { index: logged.index, treeSize: logged.treeSize, origin: logged.origin } } : {}) } };
}

const TYPES: Record<string, string> = { json: 'application/json', ndjson: 'application/x-ndjson', pem: 'application/x-pem-file', 'tlog-proof': 'text/plain' };

/** Makes the exhibit of the certificate bundle in `dir`. ExhibitError, or the verifier's VerificationError, when it cannot. */
export async function buildExhibit(dir: string, opts: ExhibitOptions = {}): Promise<Exhibit> {
  for (const f of Object.values(FONTS)) {
    if (!existsSync(join(EXHIBIT_FONT_DIR, f))) throw new ExhibitError(`the font ${join(EXHIBIT_FONT_DIR, f)} is missing: install Debian's fonts-dejavu-core (an exhibit embeds its fonts, as PDF/A requires)`);
  }
  const limit = opts.recordsLimitBytes ?? DEFAULT_RECORDS_LIMIT_BYTES;
  const names = bundleFiles(dir);
  const recordsOmitted = names.includes('records.ndjson') && statSync(join(dir, 'records.ndjson')).size > limit;
  const attach = new Map(names.filter((n) => !(recordsOmitted && n === 'records.ndjson')).map((n) => [n, readFileSync(join(dir, n))]));
  const { statement, facts } = await verifiedBundle(dir, attach);
  const now = opts.now ?? new Date();
  const doc = new PDFDocument({
    size: opts.paper === 'a4' ? 'A4' : 'LETTER',
    margin: 64,
    pdfVersion: '1.7',
    subset: 'PDF/A-3b',
    lang: 'en-US',
    displayTitle: true,
    font: join(EXHIBIT_FONT_DIR, FONTS.body),
    info: {
      Title: `Certificate of data destruction ${statement.certificateId}`,
      Author: statement.issuer.name,
      Subject: `Order ${statement.order.reference}`,
      Creator: `${statement.tool.name} ${statement.tool.version}`,
      CreationDate: now,
      ModDate: now,
    },
  });
  doc.registerFont('body', join(EXHIBIT_FONT_DIR, FONTS.body));
  doc.registerFont('bold', join(EXHIBIT_FONT_DIR, FONTS.bold));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => doc.on('end', () => resolve()));

  const width = doc.page.width - 128;
  exhibitSections(statement, facts).forEach((section, i) => {
    if (section.newPage) doc.addPage();
    else if (i > 0) doc.moveDown(0.6);
    doc.font('bold').fontSize(i === 0 ? 16 : 12).fillColor('black').text(section.heading, { width });
    doc.moveDown(0.3);
    for (const p of section.paragraphs) {
      doc.font('body').fontSize(9.5).text(p, { width, lineGap: 1.5 });
      doc.moveDown(0.35);
    }
    // The QR code: the certificate id, the root and the key id, for a reader to look the certificate up.
    if (section.heading === 'Verification') drawQr(doc, exhibitQrText(statement));
  });

  for (const [name, bytes] of attach) {
    const ext = name.slice(name.lastIndexOf('.') + 1);
    doc.file(bytes, {
      name,
      type: TYPES[ext] ?? 'application/octet-stream',
      description: name === 'certificate.json' ? 'the signed certificate (DSSE envelope)' : `the certificate bundle's ${name}`,
      relationship: name === 'certificate.json' ? 'Source' : 'Data',
      creationDate: new Date(statement.issuedAt),
      modifiedDate: new Date(statement.issuedAt),
    } as never);
  }
  doc.end();
  await ended;
  return { pdf: Buffer.concat(chunks), statement, attached: [...attach.keys()], recordsOmitted };
}

/** A QR code of `text`, 1.2 inches wide, below the current position. */
function drawQr(doc: PDFKit.PDFDocument, text: string): void {
  const matrix = encodeQR(text, 'raw', { ecc: 'medium' });
  const size = 86;
  const cell = size / (matrix.length + 8);
  if (doc.y + size > doc.page.height - 64) doc.addPage();
  const x0 = doc.page.margins.left + cell * 4;
  const y0 = doc.y + cell * 4;
  doc.save().fillColor('black');
  matrix.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) doc.rect(x0 + x * cell, y0 + y * cell, cell, cell);
    }),
  );
  doc.fill().restore();
  doc.y += size;
}
