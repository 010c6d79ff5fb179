// Fonts, as far as text extraction needs them (ISO 32000-1:2008 sections
// 9.5 to 9.10): from a shown string's bytes to Unicode text and each
// glyph's width.
//
// What is read: a Type0 font with Identity-H encoding (2-byte codes), a
// CIDFontType0 or CIDFontType2 descendant whose /W and /DW give the widths,
// and a /ToUnicode CMap, which is what pdfkit writes for every embedded
// TrueType font; and a simple font (Type1, TrueType, MMType1), the standard
// 14 fonts included, with 1-byte codes mapped by its /ToUnicode or, without
// one, by /WinAnsiEncoding (pdfkit's) or /PDFDocEncoding, and widths from
// /FirstChar and /Widths when it has them (pdfkit gives a standard 14 font
// none: its widths are then unknown). Anything else is refused, by name:
// other CMaps, vertical writing, Type3 fonts, /Differences without a
// ToUnicode CMap, a code that maps to no text.
import { ToUnicodeMap } from './exhibit-pdf-cmap.js';
import { pdfDocChar, winAnsiChar } from './exhibit-pdf-encoding.js';
import { describe, type PdfFile } from './exhibit-pdf-file.js';
import { malformed, PdfName, PdfRef, type PdfDict, type PdfStream, type PdfValue } from './exhibit-pdf-syntax.js';

export interface Glyph {
  text: string;
  /** The horizontal displacement in thousandths of text space (glyph space): UNKNOWN_WIDTH when the font does not say. */
  width: number;
  /** A single-byte code 32, to which word spacing applies (section 9.3.3). */
  wordSpace: boolean;
}

/** The width of a glyph whose font gives none (pdfkit's standard 14 fonts): an estimate, half an em. */
export const UNKNOWN_WIDTH = 500;

interface WidthRange {
  lo: number;
  hi: number;
  w: number;
}

export class PdfFont {
  constructor(
    private readonly where: string,
    private readonly codeBytes: 1 | 2,
    private readonly toUnicode: ToUnicodeMap | undefined,
    private readonly encoding: ((code: number) => string | undefined) | undefined,
    private readonly widths: (code: number) => number | undefined,
  ) {}

  glyphs(bytes: Uint8Array): Glyph[] {
    if (bytes.length % this.codeBytes !== 0) throw malformed(`${this.where}: a string of ${bytes.length} bytes, not of ${this.codeBytes}-byte codes`);
    const out: Glyph[] = [];
    for (let i = 0; i < bytes.length; i += this.codeBytes) {
      const code = this.codeBytes === 2 ? (bytes[i]! << 8) | bytes[i + 1]! : bytes[i]!;
      const text = this.toUnicode?.lookup(code) ?? this.encoding?.(code);
      if (text === undefined) throw malformed(`${this.where}: code 0x${code.toString(16).padStart(this.codeBytes * 2, '0')} maps to no text`);
      out.push({ text, width: this.widths(code) ?? UNKNOWN_WIDTH, wordSpace: this.codeBytes === 1 && code === 32 });
    }
    return out;
  }
}

const nameOf = (v: PdfValue | undefined) => (v instanceof PdfName ? v.name : undefined);

/** The font `ref` of a page's resources, named `/name` in the page's content; `decode` reads its ToUnicode CMap's stream. */
export async function loadFont(pdf: PdfFile, ref: PdfValue | undefined, name: string, decode: (s: PdfStream, what: string) => Promise<Uint8Array>): Promise<PdfFont> {
  const where = `font /${name}${ref instanceof PdfRef ? ` (object ${ref.num})` : ''}`;
  const font = pdf.dict(ref, where);
  const subtype = nameOf(pdf.resolve(font.get('Subtype')));
  const tu = font.get('ToUnicode');
  const toUnicode = tu === undefined ? undefined : new ToUnicodeMap(await decode(pdf.stream(tu, `the /ToUnicode of ${where}`), `the /ToUnicode of ${where}`), `the ToUnicode CMap of ${where}`);
  if (subtype === 'Type0') {
    const encoding = nameOf(pdf.resolve(font.get('Encoding')));
    if (encoding !== 'Identity-H') throw malformed(`${where}: a Type0 font's encoding ${describe(pdf.resolve(font.get('Encoding')))} is not read (only /Identity-H)`);
    if (!toUnicode) throw malformed(`${where}: a Type0 font without /ToUnicode: its text cannot be read`);
    const descendants = pdf.array(font.get('DescendantFonts'), `the /DescendantFonts of ${where}`);
    if (descendants.length !== 1) throw malformed(`${where}: ${descendants.length} descendant fonts, not 1`);
    const cid = pdf.dict(descendants[0], `the descendant font of ${where}`);
    const cidType = nameOf(pdf.resolve(cid.get('Subtype')));
    if (cidType !== 'CIDFontType0' && cidType !== 'CIDFontType2') throw malformed(`${where}: its descendant font's /Subtype is not CIDFontType0 or CIDFontType2`);
    return new PdfFont(where, 2, toUnicode, undefined, cidWidths(pdf, cid, where));
  }
  if (subtype !== 'Type1' && subtype !== 'TrueType' && subtype !== 'MMType1') throw malformed(`${where}: a font of /Subtype ${describe(pdf.resolve(font.get('Subtype')))} is not read`);
  return new PdfFont(where, 1, toUnicode, simpleEncoding(pdf, font, where, toUnicode !== undefined), simpleWidths(pdf, font, where));
}

/** WinAnsiEncoding or PDFDocEncoding, by name or as a /BaseEncoding without /Differences; undefined beside a ToUnicode CMap. */
function simpleEncoding(pdf: PdfFile, font: PdfDict, where: string, hasToUnicode: boolean): ((code: number) => string | undefined) | undefined {
  let enc = pdf.resolve(font.get('Encoding'));
  if (enc instanceof Map) {
    if (enc.has('Differences') && !hasToUnicode) throw malformed(`${where}: an encoding with /Differences and no /ToUnicode: its text cannot be read`);
    enc = pdf.resolve(enc.get('BaseEncoding'));
  }
  const name = nameOf(enc);
  if (name === 'WinAnsiEncoding') return winAnsiChar;
  if (name === 'PDFDocEncoding') return pdfDocChar;
  if (hasToUnicode) return undefined;
  throw malformed(`${where}: no /ToUnicode, and its encoding ${describe(enc)} is not WinAnsiEncoding or PDFDocEncoding: its text cannot be read`);
}

const widthNumber = (v: PdfValue | undefined, what: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw malformed(`${what}: a width that is not a number`);
  return v;
};

function simpleWidths(pdf: PdfFile, font: PdfDict, where: string): (code: number) => number | undefined {
  if (!font.has('Widths')) return () => undefined;
  const first = pdf.resolve(font.get('FirstChar'));
  if (typeof first !== 'number' || !Number.isInteger(first)) throw malformed(`${where}: /Widths without an integer /FirstChar`);
  const widths = pdf.array(font.get('Widths'), `the /Widths of ${where}`).map((w) => widthNumber(pdf.resolve(w), where));
  const descriptor = pdf.resolve(font.get('FontDescriptor'));
  const missing = descriptor instanceof Map ? pdf.resolve(descriptor.get('MissingWidth')) : undefined;
  const fallback = missing === undefined ? 0 : widthNumber(missing, where);
  return (code) => widths[code - first] ?? fallback;
}

/** A CID font's /W (section 9.7.4.3): `c [w1 w2 ...]` and `cfirst clast w`, ranges kept as ranges; /DW for the rest. */
function cidWidths(pdf: PdfFile, cid: PdfDict, where: string): (code: number) => number {
  const dw = pdf.resolve(cid.get('DW'));
  const fallback = dw === undefined ? 1000 : widthNumber(dw, where);
  const single = new Map<number, number>();
  const ranges: WidthRange[] = [];
  const w = cid.has('W') ? pdf.array(cid.get('W'), `the /W of ${where}`) : [];
  for (let i = 0; i < w.length; ) {
    const c = pdf.resolve(w[i]);
    const next = pdf.resolve(w[i + 1]);
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) throw malformed(`${where}: /W entry ${i} is not a code`);
    if (Array.isArray(next)) {
      next.forEach((x, k) => single.has(c + k) || single.set(c + k, widthNumber(pdf.resolve(x), where)));
      i += 2;
    } else {
      if (typeof next !== 'number' || !Number.isInteger(next) || next < c) throw malformed(`${where}: /W entry ${i} is not a range`);
      ranges.push({ lo: c, hi: next, w: widthNumber(pdf.resolve(w[i + 2]), where) });
      i += 3;
    }
  }
  ranges.sort((a, b) => a.lo - b.lo);
  return (code) => {
    const s = single.get(code);
    if (s !== undefined) return s;
    let lo = 0;
    let hi = ranges.length - 1;
    let found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid]!.lo <= code) {
        if (code <= ranges[mid]!.hi) found = ranges[mid]!.w;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found ?? fallback;
  };
}
