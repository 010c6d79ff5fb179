// A legal exhibit (issue 18): a PDF/A-3b, written by `shredproof exhibit`
// with pdfkit, whose pages describe a certificate in plain language and
// whose embedded files (ISO 32000-1:2008 section 7.11.4; PDF/A-3, ISO
// 19005-3) are the certificate bundle's files (docs/FORMAT.md section 10).
// `shredproof verify --exhibit` reads it here, verifies the embedded files
// as a bundle, then compares the pages' text with the text the statement
// gives (checkExhibitText).
//
// A strict, small reader of what pdfkit writes and qpdf's other legal forms
// of it (./exhibit-pdf-file.ts says what is refused), for hostile input:
// pure and browser-safe, synchronous but for decompression, which the
// caller injects (the package depends on nothing beyond @noble): Node's
// zlib, or a browser's DecompressionStream (streamInflate here). Every
// failure is a VerificationError EXHIBIT_MALFORMED that says what and where.
//
// The page text is what the fonts' ToUnicode maps say the glyphs mean: a
// forger can make a font draw other letters than it declares, or draw text
// as an image. The comparison catches an exhibit whose words disagree with
// the certificate (an edited page, a swapped attachment, a stale template);
// it cannot prove what a hostile PDF looks like. The embedded bundle is what
// is verified.
import { type AttachmentLimits, readAttachments } from './exhibit-pdf-attachments.js';
import { type Inflate, PdfFile } from './exhibit-pdf-file.js';
import { readPageTexts, type TextLimits } from './exhibit-pdf-pages.js';
import { VerificationError } from './errors.js';

export type { Inflate } from './exhibit-pdf-file.js';

export interface ExhibitPdfLimits extends AttachmentLimits, TextLimits {}

export const EXHIBIT_PDF_LIMITS: Readonly<ExhibitPdfLimits> = {
  maxFiles: 64,
  maxBytes: 2 * 1024 ** 3,
  maxPages: 1000,
  maxContentBytes: 64 * 1024 ** 2,
};

export interface ExhibitPdf {
  /** The embedded files by name (`certificate.json`, `proofs/record-2.json`), in the name tree's order. */
  attachments: Map<string, Uint8Array>;
  /** Each page's text, in drawing order, a space between strings shown on different lines or apart. */
  pages: string[];
}

/** Reads an exhibit's embedded files and page text; throws EXHIBIT_MALFORMED. */
export async function readExhibitPdf(bytes: Uint8Array, inflate: Inflate, limits: Partial<ExhibitPdfLimits> = {}): Promise<ExhibitPdf> {
  const l = { ...EXHIBIT_PDF_LIMITS, ...limits };
  try {
    const pdf = new PdfFile(bytes, inflate);
    const attachments = await readAttachments(pdf, l);
    const pages = await readPageTexts(pdf, l);
    return { attachments, pages };
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    // A limit of the JavaScript engine (a stack, an allocation) reached by a crafted file: still no verdict but this one.
    throw new VerificationError('EXHIBIT_MALFORMED', `the PDF cannot be read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** NFC, every run of white space one space, trimmed: the form in which page text and statement text are compared. */
export function normalizeExhibitText(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

const EXCERPT = 40;
const excerpt = (s: string, at: number) => `${at > 10 ? '…' : ''}${s.slice(Math.max(0, at - 10), at + EXCERPT)}${at + EXCERPT < s.length ? '…' : ''}`;

/** The form the comparison uses: NFC, and no white space at all (docs/FORMAT.md section 13: pdfkit breaks a word longer than a line between two lines). */
const comparable = (text: string) => text.normalize('NFC').replace(/\s+/gu, '');

/**
 * The exhibit's pages say exactly what the statement's text says, white
 * space and Unicode normalisation (NFC) aside; else EXHIBIT_MISMATCH,
 * naming the page and the first place they differ, with a short excerpt of each.
 */
export function checkExhibitText(pages: readonly string[], expected: readonly string[]): void {
  const want = comparable(expected.join(''));
  const starts: number[] = [];
  let got = '';
  pages.forEach((page, i) => {
    starts[i] = got.length;
    got += comparable(page);
  });
  if (got === want) return;
  let at = 0;
  while (at < got.length && at < want.length && got[at] === want[at]) at++;
  let page = 0;
  while (page + 1 < pages.length && starts[page + 1]! <= at) page++;
  const where = pages.length === 0 ? 'the exhibit has no pages' : `page ${page + 1}, character ${at - (starts[page] ?? 0) + 1}`;
  const says = at < got.length ? JSON.stringify(excerpt(got, at)) : 'nothing more';
  const gives = at < want.length ? JSON.stringify(excerpt(want, at)) : 'nothing more';
  throw new VerificationError('EXHIBIT_MISMATCH', `${where}: the pages say ${says} where the statement's text says ${gives}`);
}

/**
 * An Inflate for browsers (and Node): the Compression Streams API's
 * DecompressionStream('deflate'), which reads the zlib format FlateDecode
 * uses; it stops reading beyond `maxLength` bytes.
 */
export async function streamInflate(data: Uint8Array, maxLength: number): Promise<Uint8Array> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(data.slice());
      controller.close();
    },
  });
  const reader = input.pipeThrough(new DecompressionStream('deflate') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxLength) {
      await reader.cancel();
      throw new RangeError(`more than ${maxLength} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  chunks.reduce((at, c) => (out.set(c, at), at + c.length), 0);
  return out;
}
