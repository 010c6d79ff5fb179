// PDF objects and their syntax (ISO 32000-1:2008 section 7.2, lexical
// conventions, and 7.3, objects), for the exhibit reader (./exhibit-pdf.ts).
//
// The PDF is hostile input: a court exhibit anyone can edit. Parsed
// strictly and boundedly: containers nest at most MAX_NESTING deep (the
// parser recurses once per level, never more), a dictionary that names a key
// twice is refused (two readers could see two values), tokens, names,
// strings, arrays and dictionaries have size limits, and every failure is EXHIBIT_MALFORMED with the object and
// byte offset where it happened. Names are kept as their bytes read as
// Latin-1, strings as bytes; numbers as JavaScript numbers.
import { VerificationError } from './errors.js';

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

/** An operator of a content stream (or, in a file, a keyword such as obj or stream). */
export class PdfKeyword {
  constructor(readonly keyword: string) {}
}

/** A stream object: its dictionary, and where its raw (still encoded) data lies in the file. */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly num: number,
    readonly start: number,
    readonly length: number,
  ) {}
}

export type PdfDict = Map<string, PdfValue>;
export type PdfValue = null | boolean | number | Uint8Array | PdfName | PdfRef | PdfDict | PdfValue[] | PdfStream;

/** Containers nest at most this deep (pdfkit writes 3 levels). */
export const MAX_NESTING = 32;
const MAX_TOKEN = 255;
/** A string, an array or a dictionary holds at most this many bytes or entries (a CID font's /W of 65,536 glyphs fits). */
const MAX_ITEMS = 1 << 20;

export function malformed(message: string): VerificationError {
  return new VerificationError('EXHIBIT_MALFORMED', message);
}

const isWhite = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
const isDelimiter = (b: number) => b === 0x28 || b === 0x29 || b === 0x3c || b === 0x3e || b === 0x5b || b === 0x5d || b === 0x7b || b === 0x7d || b === 0x2f || b === 0x25;
const isRegular = (b: number) => !isWhite(b) && !isDelimiter(b);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
/** \n \r \t \b \f \( \) \\ in a literal string. */
const ESCAPES = new Map([[0x6e, 0x0a], [0x72, 0x0d], [0x74, 0x09], [0x62, 0x08], [0x66, 0x0c], [0x28, 0x28], [0x29, 0x29], [0x5c, 0x5c]]);
const hexValue = (b: number) => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1);

/**
 * Reads objects from `data[pos, end)`. `where` says what is being read (an
 * object, a page's content) for the messages; `refs` allows `n g R`
 * (a content stream has none).
 */
export class PdfParser {
  constructor(
    readonly data: Uint8Array,
    public pos: number,
    readonly end: number,
    readonly where: string,
    readonly refs: boolean,
  ) {}

  fail(message: string, at = this.pos): VerificationError {
    return malformed(`${this.where}, byte ${at}: ${message}`);
  }

  /** Skips white space and comments; true unless at the end. */
  skipSpace(): boolean {
    const d = this.data;
    while (this.pos < this.end) {
      const b = d[this.pos]!;
      if (isWhite(b)) this.pos++;
      else if (b === 0x25) while (this.pos < this.end && d[this.pos] !== 0x0a && d[this.pos] !== 0x0d) this.pos++;
      else return true;
    }
    return false;
  }

  /** The next regular token (a number, keyword, true, false, null), or undefined if the next byte is not regular. */
  private regular(): string | undefined {
    const start = this.pos;
    while (this.pos < this.end && isRegular(this.data[this.pos]!)) {
      if (this.pos - start >= MAX_TOKEN) throw this.fail(`a token longer than ${MAX_TOKEN} bytes`, start);
      this.pos++;
    }
    if (this.pos === start) return undefined;
    let s = '';
    for (let i = start; i < this.pos; i++) s += String.fromCharCode(this.data[i]!);
    return s;
  }

  /** The next object, or a keyword; `depth` counts the containers around it. */
  value(depth = 0): PdfValue | PdfKeyword {
    if (!this.skipSpace()) throw this.fail('unexpected end of data');
    const d = this.data;
    const at = this.pos;
    const b = d[at]!;
    if (b === 0x2f) return this.nameToken();
    if (b === 0x28) return this.literalString();
    if (b === 0x3c) return d[at + 1] === 0x3c ? this.dictionary(depth + 1) : this.hexString();
    if (b === 0x5b) return this.array(depth + 1);
    if ((b === 0x7b || b === 0x7d) && !this.refs) {
      this.pos++; // a PostScript procedure's brace, in a CMap: a keyword to its reader
      return new PdfKeyword(String.fromCharCode(b));
    }
    const token = this.regular();
    if (token === undefined) throw this.fail(`unexpected '${String.fromCharCode(b)}'`);
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    if (!NUMBER.test(token)) return new PdfKeyword(token);
    const n = Number(token);
    if (!Number.isFinite(n)) throw this.fail(`number ${token} out of range`, at);
    if (this.refs && /^\d+$/.test(token)) return this.maybeRef(n, at);
    return n;
  }

  /** An object, never a keyword. */
  object(depth = 0): PdfValue {
    const at = (this.skipSpace(), this.pos);
    const v = this.value(depth);
    if (v instanceof PdfKeyword) throw this.fail(`unexpected keyword '${v.keyword}'`, at);
    return v;
  }

  /** `num gen R` after the integer `num`: a reference, else the integer alone (the parser goes back). */
  private maybeRef(num: number, at: number): PdfValue {
    const back = this.pos;
    this.skipSpace();
    const gen = this.regular();
    if (gen !== undefined && /^\d+$/.test(gen)) {
      this.skipSpace();
      if (this.regular() === 'R') {
        if (!Number.isSafeInteger(num) || Number(gen) > 65535) throw this.fail(`reference ${num} ${gen} R out of range`, at);
        return new PdfRef(num, Number(gen));
      }
    }
    this.pos = back;
    return num;
  }

  /** A name, `/` then regular bytes with #xx escapes (section 7.3.5). */
  nameToken(): PdfName {
    const start = ++this.pos;
    let s = '';
    while (this.pos < this.end && isRegular(this.data[this.pos]!)) {
      let b = this.data[this.pos++]!;
      if (b === 0x23) {
        const hi = hexValue(this.data[this.pos] ?? 0);
        const lo = hexValue(this.data[this.pos + 1] ?? 0);
        if (hi < 0 || lo < 0 || this.pos + 2 > this.end) throw this.fail('a # in a name not followed by two hex digits');
        b = hi * 16 + lo;
        this.pos += 2;
      }
      s += String.fromCharCode(b);
      if (this.pos - start > MAX_TOKEN) throw this.fail(`a name longer than ${MAX_TOKEN} bytes`, start - 1);
    }
    return new PdfName(s);
  }

  /** A literal string `( ... )` with balanced parentheses and backslash escapes (section 7.3.4.2). */
  private literalString(): Uint8Array {
    const d = this.data;
    const start = this.pos++;
    const out: number[] = [];
    let nest = 1;
    while (this.pos < this.end) {
      let b = d[this.pos++]!;
      if (b === 0x28) nest++;
      else if (b === 0x29 && --nest === 0) return Uint8Array.from(out);
      else if (b === 0x0d) {
        if (d[this.pos] === 0x0a) this.pos++; // an end of line in a string is a line feed, whatever it was
        b = 0x0a;
      } else if (b === 0x5c) {
        if (this.pos >= this.end) break;
        const e = d[this.pos++]!;
        const simple = ESCAPES.get(e);
        if (simple !== undefined) b = simple;
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && this.pos < this.end && d[this.pos]! >= 0x30 && d[this.pos]! <= 0x37; i++) v = v * 8 + d[this.pos++]! - 0x30;
          b = v & 0xff;
        } else if (e === 0x0a || e === 0x0d) {
          if (e === 0x0d && d[this.pos] === 0x0a) this.pos++; // a backslash at the end of a line continues the string
          continue;
        } else b = e; // an unknown escape is the character itself
      }
      if (out.push(b) > MAX_ITEMS) throw this.fail(`a string longer than ${MAX_ITEMS} bytes`, start);
    }
    throw this.fail('a string that is not closed', start);
  }

  /** A hexadecimal string `< ... >`; an odd last digit is followed by 0 (section 7.3.4.3). */
  private hexString(): Uint8Array {
    const start = this.pos++;
    const out: number[] = [];
    let high = -1;
    while (this.pos < this.end) {
      const b = this.data[this.pos++]!;
      if (b === 0x3e) {
        if (high >= 0) out.push(high * 16);
        return Uint8Array.from(out);
      }
      if (isWhite(b)) continue;
      const v = hexValue(b);
      if (v < 0) throw this.fail(`'${String.fromCharCode(b)}' in a hexadecimal string`, this.pos - 1);
      if (high < 0) high = v;
      else {
        if (out.push(high * 16 + v) > MAX_ITEMS) throw this.fail(`a string longer than ${MAX_ITEMS} bytes`, start);
        high = -1;
      }
    }
    throw this.fail('a hexadecimal string that is not closed', start);
  }

  private array(depth: number): PdfValue[] {
    if (depth > MAX_NESTING) throw this.fail(`arrays and dictionaries nested deeper than ${MAX_NESTING}`);
    this.pos++;
    const out: PdfValue[] = [];
    for (;;) {
      if (!this.skipSpace()) throw this.fail('an array that is not closed');
      if (this.data[this.pos] === 0x5d) {
        this.pos++;
        return out;
      }
      if (out.push(this.object(depth)) > MAX_ITEMS) throw this.fail(`an array of more than ${MAX_ITEMS} elements`);
    }
  }

  private dictionary(depth: number): PdfDict {
    if (depth > MAX_NESTING) throw this.fail(`arrays and dictionaries nested deeper than ${MAX_NESTING}`);
    this.pos += 2;
    const out: PdfDict = new Map();
    for (;;) {
      if (!this.skipSpace()) throw this.fail('a dictionary that is not closed');
      const at = this.pos;
      if (this.data[at] === 0x3e && this.data[at + 1] === 0x3e) {
        this.pos += 2;
        return out;
      }
      if (this.data[at] !== 0x2f) throw this.fail('a dictionary key that is not a name');
      const key = this.nameToken().name;
      if (out.has(key)) throw this.fail(`the key /${key} twice in one dictionary`, at);
      if (out.size >= MAX_ITEMS) throw this.fail(`a dictionary of more than ${MAX_ITEMS} entries`, at);
      out.set(key, this.object(depth));
    }
  }

  /** The keyword `kw` next, else a failure naming it. */
  expectKeyword(kw: string): void {
    const at = (this.skipSpace(), this.pos);
    if (this.regular() !== kw) throw this.fail(`'${kw}' expected`, at);
  }

  /** A non-negative integer next (an object number, an offset). */
  expectInteger(what: string): number {
    const at = (this.skipSpace(), this.pos);
    const t = this.regular();
    if (t === undefined || !/^\d{1,15}$/.test(t)) throw this.fail(`${what} expected`, at);
    return Number(t);
  }
}
