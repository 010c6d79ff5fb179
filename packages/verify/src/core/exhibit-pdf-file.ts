// A PDF file's structure (ISO 32000-1:2008 section 7.5): the header, the
// classic cross-reference tables and trailers found from `startxref`
// (7.5.4, 7.5.5), incremental updates through /Prev (7.5.6), indirect
// objects (7.3.10) and streams (7.3.8) with FlateDecode (7.4.4) or no filter.
//
// pdfkit writes one classic table; qpdf rewrites it in other legal ways
// (linearized, QDF with indirect stream lengths, uncompressed). A
// cross-reference stream or object streams (7.5.7, 7.5.8, PDF 1.5), which
// pdfkit does not write, are refused, as are encryption and any filter but
// FlateDecode without a predictor.
//
// Hostile input: every offset is checked against the file, a stream's
// /Length must end exactly at `endstream`, object headers must match the
// table, references are followed with cycle detection and a hop limit, and
// the bytes parsed outside stream data may total at most twice the file's
// size (cached objects are parsed once), so no crafted overlap of objects
// makes the reader quadratic.
import { malformed, PdfKeyword, PdfName, PdfParser, PdfRef, PdfStream, type PdfDict, type PdfValue } from './exhibit-pdf-syntax.js';

/**
 * Decompresses zlib data (RFC 1950), as FlateDecode is. Node passes
 * zlib.inflateSync with { maxOutputLength }, a browser a
 * DecompressionStream('deflate') (see streamInflate). It should stop
 * beyond `maxLength` bytes, and may throw; longer output is refused anyway.
 */
export type Inflate = (data: Uint8Array, maxLength: number) => Uint8Array | Promise<Uint8Array>;

const MAX_SECTIONS = 64;
const MAX_OBJECTS = 1_000_000;
const MAX_HOPS = 32;
const TAIL = 1024;
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(Math.max(0, from), Math.min(bytes.length, to)));

interface Entry {
  offset: number;
  gen: number;
}

export class PdfFile {
  private readonly cache = new Map<number, PdfValue>();
  private readonly loading: number[] = [];
  private parsed = 0;
  readonly trailer: PdfDict;
  private readonly entries = new Map<number, Entry | null>();

  constructor(
    readonly bytes: Uint8Array,
    private readonly inflate: Inflate,
  ) {
    if (ascii(bytes, 0, 5) !== '%PDF-' || !/^\d\.\d$/.test(ascii(bytes, 5, 8))) throw malformed('not a PDF: it does not begin with %PDF-');
    this.trailer = this.readTables(this.startxref());
  }

  /** The offset `startxref` gives, in the last kilobyte, before the final %%EOF. */
  private startxref(): number {
    const b = this.bytes;
    let end = b.length;
    while (end > 0 && /[\r\n \t\0\f]/.test(String.fromCharCode(b[end - 1]!))) end--;
    if (ascii(b, end - 5, end) !== '%%EOF') throw malformed(`the file (${b.length} bytes) does not end with %%EOF: it was cut short or is not a PDF`);
    const tail = ascii(b, end - TAIL, end - 5);
    const m = /startxref\s+(\d{1,15})\s*$/.exec(tail);
    if (!m) throw malformed(`no startxref offset before the final %%EOF (byte ${end - 5})`);
    return Number(m[1]);
  }

  /** Reads the newest cross-reference section, then every older one its /Prev names; returns the newest trailer. */
  private readTables(first: number): PdfDict {
    let trailer: PdfDict | undefined;
    const seen = new Set<number>();
    for (let at: number | undefined = first; at !== undefined; ) {
      if (seen.has(at)) throw malformed(`the cross-reference sections' /Prev chain loops back to byte ${at}`);
      if (seen.size >= MAX_SECTIONS) throw malformed(`more than ${MAX_SECTIONS} cross-reference sections`);
      seen.add(at);
      const t = this.readTable(at);
      trailer ??= t;
      const prev = t.get('Prev');
      if (prev !== undefined && (typeof prev !== 'number' || !Number.isSafeInteger(prev) || prev < 0)) throw malformed(`the trailer at byte ${at}: /Prev is not an offset`);
      at = prev;
    }
    if (!(trailer!.get('Root') instanceof PdfRef)) throw malformed('the trailer has no /Root reference to the document catalog');
    if (trailer!.has('Encrypt')) throw malformed('the PDF is encrypted: an exhibit is not, and this reader does not decrypt');
    return trailer!;
  }

  private readTable(at: number): PdfDict {
    const b = this.bytes;
    if (at >= b.length) throw malformed(`startxref or /Prev points at byte ${at}, past the end of the file (${b.length} bytes)`);
    if (ascii(b, at, at + 4) !== 'xref') {
      if (/^\d+\s+\d+\s+obj\b/.test(ascii(b, at, at + 40))) {
        throw malformed(`byte ${at} holds a cross-reference stream (PDF 1.5), which pdfkit does not write and this reader does not read; rewrite it with qpdf --object-streams=disable`);
      }
      throw malformed(`startxref or /Prev points at byte ${at}, where there is no cross-reference table`);
    }
    const p = new PdfParser(b, at + 4, b.length, `the cross-reference table at byte ${at}`, true);
    for (;;) {
      if (!p.skipSpace()) throw p.fail('no trailer');
      if (b[p.pos] === 0x74) break; // "trailer"
      const first = p.expectInteger('a first object number');
      const count = p.expectInteger('an entry count');
      p.skipSpace();
      if (p.pos + count * 20 > b.length) throw p.fail(`${count} entries of 20 bytes run past the end of the file`);
      if (this.entries.size + count > MAX_OBJECTS) throw p.fail(`more than ${MAX_OBJECTS} objects`);
      for (let i = 0; i < count; i++, p.pos += 20) this.entry(first + i, p);
    }
    p.expectKeyword('trailer');
    const trailer = p.object();
    if (!(trailer instanceof Map)) throw p.fail('the trailer is not a dictionary');
    if (trailer.has('XRefStm')) throw malformed(`the trailer at byte ${at} names a cross-reference stream (/XRefStm): this reader does not read them; rewrite the file with qpdf --object-streams=disable`);
    this.parsed += p.pos - at;
    return trailer;
  }

  /** One 20-byte entry "oooooooooo ggggg n\r\n" (section 7.5.4); a newer section's entry wins. */
  private entry(num: number, p: PdfParser): void {
    const line = ascii(this.bytes, p.pos, p.pos + 20);
    const m = /^(\d{10}) (\d{5}) ([nf])( \r| \n|\r\n)$/.exec(line);
    if (!m) throw p.fail(`entry for object ${num} is not "oooooooooo ggggg n" and an end of line, 20 bytes`);
    if (this.entries.has(num)) return;
    this.entries.set(num, m[3] === 'n' ? { offset: Number(m[1]), gen: Number(m[2]) } : null);
  }

  /** The object a reference names, parsed once (the cache also bounds the work). */
  get(ref: PdfRef): PdfValue {
    const cached = this.cache.get(ref.num);
    if (cached !== undefined) return cached;
    const e = this.entries.get(ref.num);
    if (!e || e.gen !== ref.gen) throw malformed(`${ref} names an object that is not in the cross-reference table`);
    if (this.loading.includes(ref.num)) throw malformed(`object ${ref.num}'s stream /Length leads back to itself`);
    if (this.loading.length >= 4) throw malformed(`object ${ref.num}: stream lengths refer to streams ${this.loading.length} deep`);
    this.loading.push(ref.num);
    try {
      const v = this.parseAt(ref.num, e);
      this.cache.set(ref.num, v);
      return v;
    } finally {
      this.loading.pop();
    }
  }

  private parseAt(num: number, e: Entry): PdfValue {
    const b = this.bytes;
    if (e.offset >= b.length) throw malformed(`object ${num}: the cross-reference table puts it at byte ${e.offset}, past the end of the file`);
    const p = new PdfParser(b, e.offset, b.length, `object ${num} (at byte ${e.offset})`, true);
    const n = p.expectInteger('its object number');
    const g = p.expectInteger('its generation');
    if (n !== num || g !== e.gen) throw p.fail(`the cross-reference table points here for object ${num} ${e.gen}, but this is object ${n} ${g}`, e.offset);
    p.expectKeyword('obj');
    const value = p.object();
    p.skipSpace();
    const kwAt = p.pos;
    const kw = p.value();
    let streamLength = 0;
    let result = value;
    if (kw instanceof PdfKeyword && kw.keyword === 'stream') {
      if (!(value instanceof Map)) throw p.fail('a stream whose dictionary is not a dictionary', kwAt);
      if (b[p.pos] === 0x0d && b[p.pos + 1] === 0x0a) p.pos += 2;
      else if (b[p.pos] === 0x0a) p.pos += 1;
      else throw p.fail("'stream' not followed by an end of line");
      const start = p.pos;
      streamLength = this.lengthOf(value, num);
      if (streamLength > b.length - start) throw p.fail(`/Length ${streamLength} runs past the end of the file (${b.length - start} bytes are left)`, start);
      // An end of line, not counted in /Length, should come before endstream: pdfkit writes one, qpdf not always.
      p.pos = start + streamLength;
      if (b[p.pos] === 0x0d && b[p.pos + 1] === 0x0a) p.pos += 2;
      else if (b[p.pos] === 0x0a || b[p.pos] === 0x0d) p.pos += 1;
      if (ascii(b, p.pos, p.pos + 9) !== 'endstream') throw p.fail(`/Length ${streamLength} does not end the data at 'endstream': the length is wrong`, start + streamLength);
      p.pos += 9;
      p.expectKeyword('endobj');
      result = new PdfStream(value, num, start, streamLength);
    } else if (!(kw instanceof PdfKeyword && kw.keyword === 'endobj')) throw p.fail("'endobj' expected", kwAt);
    this.parsed += p.pos - e.offset - streamLength;
    if (this.parsed > 2 * b.length + 65536) throw malformed(`object ${num}: the objects read overlap: more than twice the file's bytes parsed`);
    return result;
  }

  /** A stream's /Length: a direct integer, or a reference to one (qpdf's QDF form). */
  private lengthOf(dict: PdfDict, num: number): number {
    let v = dict.get('Length');
    if (v instanceof PdfRef) v = this.get(v);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw malformed(`object ${num}: the stream's /Length is not a non-negative integer`);
    return v;
  }

  /** `v`, with references followed (a chain of references to references is cut off, and a cycle named). */
  resolve(v: PdfValue | undefined): PdfValue | undefined {
    const seen: number[] = [];
    while (v instanceof PdfRef) {
      if (seen.includes(v.num)) throw malformed(`object ${v.num}: a cycle of references (${[...seen, v.num].join(' -> ')})`);
      if (seen.length >= MAX_HOPS) throw malformed(`object ${v.num}: more than ${MAX_HOPS} references in a row`);
      seen.push(v.num);
      v = this.get(v);
    }
    return v;
  }

  dict(v: PdfValue | undefined, what: string): PdfDict {
    const r = this.resolve(v);
    if (!(r instanceof Map)) throw malformed(`${what}${v instanceof PdfRef ? ` (object ${v.num})` : ''} is not a dictionary`);
    return r;
  }

  array(v: PdfValue | undefined, what: string): PdfValue[] {
    const r = this.resolve(v);
    if (!Array.isArray(r)) throw malformed(`${what}${v instanceof PdfRef ? ` (object ${v.num})` : ''} is not an array`);
    return r;
  }

  stream(v: PdfValue | undefined, what: string): PdfStream {
    const r = this.resolve(v);
    if (!(r instanceof PdfStream)) throw malformed(`${what}${v instanceof PdfRef ? ` (object ${v.num})` : ''} is not a stream`);
    return r;
  }

  /** A stream's decoded data, at most `maxLength` bytes: FlateDecode or no filter, nothing else. */
  async data(s: PdfStream, maxLength: number, what: string): Promise<Uint8Array> {
    const where = `${what} (object ${s.num})`;
    let filter = this.resolve(s.dict.get('Filter'));
    if (Array.isArray(filter) && filter.length <= 1) filter = this.resolve(filter[0]);
    const flate = filter instanceof PdfName && filter.name === 'FlateDecode';
    if (filter !== undefined && filter !== null && !flate) throw malformed(`${where}: only FlateDecode or no filter is read, not ${describe(filter)}`);
    if (s.dict.has('F')) throw malformed(`${where}: its data is in an external file (/F)`);
    const parms = this.resolve(s.dict.get('DecodeParms'));
    const parm = Array.isArray(parms) ? this.resolve(parms[0]) : parms;
    const predictor = parm instanceof Map ? this.resolve(parm.get('Predictor')) : undefined;
    if (predictor !== undefined && predictor !== 1) throw malformed(`${where}: a FlateDecode predictor is not read`);
    const raw = plain(this.bytes.subarray(s.start, s.start + s.length));
    if (!flate) {
      if (raw.length > maxLength) throw malformed(`${where}: ${raw.length} bytes, more than the ${maxLength} allowed`);
      return raw;
    }
    let out: Uint8Array;
    try {
      out = await this.inflate(raw, maxLength);
    } catch (e) {
      throw malformed(`${where}: its FlateDecode data does not decompress to at most ${maxLength} bytes: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (out.length > maxLength) throw malformed(`${where}: decompresses to ${out.length} bytes, more than the ${maxLength} allowed`);
    return plain(out);
  }
}

/** A Uint8Array view of the same bytes (not a Node Buffer), whatever the caller or the inflate gave. */
const plain = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** A value as a message shows it. */
export function describe(v: PdfValue | undefined): string {
  if (v instanceof PdfName) return `/${v.name}`;
  if (v instanceof PdfRef) return v.toString();
  if (v instanceof Map) return 'a dictionary';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return 'a string';
  if (v instanceof PdfStream) return 'a stream';
  return String(v);
}
