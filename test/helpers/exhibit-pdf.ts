// PDFs for the exhibit reader's tests (issue 18): made by pdfkit itself (the
// library `shredproof exhibit` writes with), rewritten by qpdf, read by
// poppler's pdftotext (code written elsewhere, to cross-check the text),
// and, for hostile cases, written by hand: a whole small PDF from object
// bodies, or an incremental update appended to another PDF.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';

export const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export interface PageSpec {
  /** 'DejaVuSans' (embedded, Type0 Identity-H) or a standard 14 font name (WinAnsi). Default DejaVuSans. */
  font?: string;
  lines: string[];
  options?: PDFKit.Mixins.TextOptions;
  /** Draws more after the lines: text in ways the lines do not (continued, positioned). */
  draw?: (doc: PDFKit.PDFDocument) => void;
}

export interface PdfSpec {
  compress: boolean;
  pages: PageSpec[];
  files?: Array<[name: string, data: Uint8Array]>;
  /** PDF/A-3b, as the exhibit is (embedded fonts only). */
  pdfa?: boolean;
}

/** A PDF made by pdfkit: one page per spec, one text() call per line, the files attached with doc.file(). */
export async function pdfkitPdf(spec: PdfSpec): Promise<Buffer> {
  const doc = new PDFDocument({
    compress: spec.compress,
    autoFirstPage: false,
    ...(spec.pdfa ? { pdfVersion: '1.7', subset: 'PDF/A-3b', tagged: true, info: { Title: 'exhibit test' } } : {}),
  } as PDFKit.PDFDocumentOptions);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.registerFont('DejaVuSans', DEJAVU);
  for (const page of spec.pages) {
    doc.addPage();
    doc.font(page.font ?? 'DejaVuSans').fontSize(11);
    for (const line of page.lines) doc.text(line, page.options);
    page.draw?.(doc);
  }
  for (const [name, data] of spec.files ?? []) doc.file(Buffer.from(data), { name, type: 'application/octet-stream' });
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

function withTemp<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'sp-exhibit-pdf-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PDF rewritten by qpdf with `args` (exit 0, or 3: warnings). */
export function qpdf(pdf: Uint8Array, ...args: string[]): Buffer {
  return withTemp((dir) => {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    const r = spawnSync('qpdf', [...args, join(dir, 'in.pdf'), join(dir, 'out.pdf')], { encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 3) throw new Error(`qpdf ${args.join(' ')}: ${r.status} ${r.stderr}`);
    return readFileSync(join(dir, 'out.pdf'));
  });
}

/** poppler's text of each page, in content stream order (-raw). */
export function pdftotext(pdf: Uint8Array): string[] {
  return withTemp((dir) => {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    const r = spawnSync('pdftotext', ['-raw', '-enc', 'UTF-8', join(dir, 'in.pdf'), '-'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pdftotext: ${r.status} ${r.stderr}`);
    const pages = r.stdout.split('\f');
    pages.pop(); // after the last form feed
    return pages;
  });
}

const latin1 = (s: string | Uint8Array) => (typeof s === 'string' ? Buffer.from(s, 'latin1') : Buffer.from(s));

/** A stream object's body: `<< dict /Length n >>` and its data. */
export function stream(dict: string, data: string | Uint8Array): Buffer {
  const d = latin1(data);
  return Buffer.concat([latin1(`<< ${dict} /Length ${d.length} >>\nstream\n`), d, latin1('\nendstream')]);
}

/** `objects` written as "N 0 obj ... endobj" after `head`, then one cross-reference section for them and the trailer. */
function body(head: Buffer, objects: Record<number, string | Uint8Array>, trailer: (xrefAt: number, size: number) => string, fromZero: boolean): Buffer {
  const parts: Buffer[] = [head];
  let at = head.length;
  const offsets = new Map<number, number>();
  for (const [n, o] of Object.entries(objects).sort((a, b) => Number(a[0]) - Number(b[0]))) {
    const bytes = Buffer.concat([latin1(`${n} 0 obj\n`), latin1(o), latin1('\nendobj\n')]);
    offsets.set(Number(n), at);
    parts.push(bytes);
    at += bytes.length;
  }
  const size = Math.max(...offsets.keys()) + 1;
  let xref = 'xref\n';
  if (fromZero) {
    xref += `0 ${size}\n`;
    for (let n = 0; n < size; n++) xref += offsets.has(n) ? `${String(offsets.get(n)).padStart(10, '0')} 00000 n \n` : `0000000000 ${n === 0 ? '65535' : '00000'} f \n`;
  } else for (const [n, o] of offsets) xref += `${n} 1\n${String(o).padStart(10, '0')} 00000 n \n`;
  parts.push(latin1(`${xref}trailer\n${trailer(at, size)}\nstartxref\n${at}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** A whole PDF written by hand: object bodies by number, and the trailer's entries besides /Size. */
export function handmadePdf(objects: Record<number, string | Uint8Array>, trailer = '/Root 1 0 R'): Buffer {
  return body(latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'), objects, (_, size) => `<< /Size ${size} ${trailer} >>`, true);
}

/** `pdf` with an incremental update appended: these objects, a cross-reference section for them, a trailer whose /Prev is the old one. */
export function appendUpdate(pdf: Uint8Array, objects: Record<number, string | Uint8Array>, trailer?: string): Buffer {
  const old = Buffer.from(pdf);
  const tail = old.subarray(-1024).toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s*%%EOF\s*$/.exec(tail)![1]);
  const oldTrailer = old.subarray(prev).toString('latin1');
  const root = /\/Root (\d+ \d+ R)/.exec(oldTrailer)![1];
  const oldSize = Number(/\/Size (\d+)/.exec(oldTrailer)![1]);
  return body(old, objects, (_, size) => trailer ?? `<< /Size ${Math.max(size, oldSize)} /Root ${root} /Prev ${prev} >>`, false);
}

/** The object number the catalog's `key` refers to, read from an uncompressed dictionary. */
export function catalogRef(pdf: Uint8Array, key: string): number {
  const text = Buffer.from(pdf).toString('latin1');
  const root = /\/Root (\d+) 0 R/.exec(text.slice(text.lastIndexOf('trailer')))![1];
  const catalog = new RegExp(`\\n${root} 0 obj\\s*<<([\\s\\S]*?)>>\\s*endobj`).exec(text)![1]!;
  return Number(new RegExp(`/${key} (\\d+) 0 R`).exec(catalog)![1]);
}

/** `pdf` with the first `from` replaced by `to`, which must be as long (offsets stay right). */
export function patch(pdf: Uint8Array, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('patch: the lengths differ');
  const b = Buffer.from(pdf);
  const at = b.indexOf(latin1(from));
  if (at < 0) throw new Error(`patch: ${from} not found`);
  latin1(to).copy(b, at);
  return b;
}
