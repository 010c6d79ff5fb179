// ToUnicode CMaps (ISO 32000-1:2008 section 9.10.3; Adobe technical note
// 5411): from character codes to Unicode text. pdfkit writes one for every
// embedded font, with one `beginbfrange` of the array form per 256 glyphs;
// other writers use `beginbfchar` and the incrementing form
// `<lo> <hi> <dst>`, where the last UTF-16 code unit of dst counts up.
//
// A CMap in an exhibit is hostile: ranges are kept as ranges (a 40-byte
// line can span 2^32 codes), never expanded, and looked up by binary
// search; overlapping ranges, a range whose array is not as long as the
// range, a destination that is not well-formed UTF-16BE, glyph-name
// destinations and `usecmap` are refused.
import { decodeUtf16 } from './exhibit-pdf-encoding.js';
import { malformed, PdfKeyword, PdfParser, type PdfValue } from './exhibit-pdf-syntax.js';

interface Range {
  lo: number;
  hi: number;
  /** The incrementing form: the destination of `lo`, as bytes. */
  first?: Uint8Array;
  /** The array form: one destination per code. */
  each?: string[];
}

export class ToUnicodeMap {
  private readonly chars = new Map<number, string>();
  private readonly ranges: Range[] = [];

  constructor(data: Uint8Array, private readonly where: string) {
    const p = new PdfParser(data, 0, data.length, where, false);
    while (p.skipSpace()) {
      const v = p.value();
      if (!(v instanceof PdfKeyword)) continue;
      if (v.keyword === 'usecmap') throw malformed(`${where}: usecmap is not read`);
      if (v.keyword === 'beginbfchar') this.block(p, 'endbfchar', 2, ([src, dst]) => this.chars.set(code(src!, p), destination(dst!, p)));
      if (v.keyword === 'beginbfrange') this.block(p, 'endbfrange', 3, (e) => this.ranges.push(range(e, p)));
    }
    this.ranges.sort((a, b) => a.lo - b.lo);
    for (let i = 1; i < this.ranges.length; i++) {
      if (this.ranges[i]!.lo <= this.ranges[i - 1]!.hi) throw malformed(`${where}: two bfranges overlap at code 0x${this.ranges[i]!.lo.toString(16)}`);
    }
  }

  /** Entries of `size` values up to the keyword `end`. */
  private block(p: PdfParser, end: string, size: number, add: (entry: PdfValue[]) => void): void {
    for (;;) {
      const entry: PdfValue[] = [];
      while (entry.length < size) {
        const v = p.value();
        if (v instanceof PdfKeyword) {
          if (v.keyword === end && entry.length === 0) return;
          throw p.fail(`'${v.keyword}' inside a bf block`);
        }
        entry.push(v);
      }
      add(entry);
    }
  }

  /** The text of `code`, or undefined when the CMap does not map it. */
  lookup(code: number): string | undefined {
    const c = this.chars.get(code);
    if (c !== undefined) return c;
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid]!;
      if (code < r.lo) hi = mid - 1;
      else if (code > r.hi) lo = mid + 1;
      else if (r.each) return r.each[code - r.lo];
      else {
        const bytes = r.first!.slice();
        const last = ((bytes[bytes.length - 2]! << 8) | bytes[bytes.length - 1]!) + (code - r.lo);
        if (last > 0xffff) throw malformed(`${this.where}: the bfrange from 0x${r.lo.toString(16)} counts past U+FFFF at code 0x${code.toString(16)}`);
        bytes[bytes.length - 2] = last >> 8;
        bytes[bytes.length - 1] = last & 0xff;
        return decodeUtf16(bytes, `${this.where}: the destination of code 0x${code.toString(16)}`);
      }
    }
    return undefined;
  }
}

/** A source code: a string of 1 to 4 bytes, as a number. */
function code(v: PdfValue, p: PdfParser): number {
  if (!(v instanceof Uint8Array) || v.length < 1 || v.length > 4) throw p.fail('a source code that is not a string of 1 to 4 bytes');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

function destination(v: PdfValue, p: PdfParser): string {
  if (!(v instanceof Uint8Array)) throw p.fail('a destination that is not a UTF-16BE string (glyph names are not read)');
  return decodeUtf16(v, `${p.where}: a destination`);
}

function range([lo, hi, dst]: PdfValue[], p: PdfParser): Range {
  const r: Range = { lo: code(lo!, p), hi: code(hi!, p) };
  if ((lo as Uint8Array).length !== (hi as Uint8Array).length || r.hi < r.lo) throw p.fail(`a bfrange from 0x${r.lo.toString(16)} to 0x${r.hi.toString(16)}`);
  if (Array.isArray(dst)) {
    if (dst.length !== r.hi - r.lo + 1) throw p.fail(`a bfrange of ${r.hi - r.lo + 1} codes with ${dst.length} destinations`);
    r.each = dst.map((d) => destination(d, p));
  } else {
    if (!(dst instanceof Uint8Array) || dst.length < 2 || dst.length % 2 !== 0) throw p.fail('a bfrange destination that is not a UTF-16BE string');
    r.first = dst;
  }
  return r;
}
