// The text a page's content shows, in drawing order (ISO 32000-1:2008
// sections 7.8 content streams, 8.4.4 q/Q/cm, 8.10 form XObjects, 9.3 and
// 9.4 text state and text objects, 9.10 extraction of text content). The
// pages come from ./exhibit-pdf-pages.ts.
//
// Run: q, Q and cm for the transformation; BT and ET; Tf, Tc, Tw, Tz and
// TL; Td, TD, Tm and T*; and the text-showing operators Tj, TJ, ' and ",
// whose strings become text through their font (./exhibit-pdf-font.ts). A
// form XObject (Do) is run in place; images are skipped, inline images
// refused. Annotations are not read.
//
// Between two shown strings goes a single space when the second starts on
// another line (more than half an em above or below the first, in its text
// space) or more than SPACE_EM to the right of where the first ended: a TJ
// adjustment of -200 or less, or a move by Td, Tm and the like. Where a
// string ends comes from its glyphs' widths; a font that gives none
// (pdfkit's standard 14 fonts) has them estimated, half an em each, so that
// only a TJ adjustment is exact there. Simple and deterministic; the
// comparison with the statement collapses white space anyway.
//
// Hostile input: decoded content and CMaps count against a budget the
// caller sets, forms nest at most MAX_FORM_DEPTH deep and never through
// themselves, q nests at most MAX_Q deep, at most MAX_OPERANDS operands.
import type { PdfFile } from './exhibit-pdf-file.js';
import { loadFont, type PdfFont } from './exhibit-pdf-font.js';
import { PdfKeyword, PdfName, PdfParser, PdfRef, type PdfStream, type PdfValue } from './exhibit-pdf-syntax.js';

type Matrix = readonly [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];
const SPACE_EM = 0.2;
const MAX_FORM_DEPTH = 8;
const MAX_Q = 256;
const MAX_OPERANDS = 1024;

const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5],
];

/** Where the point (x, y) of user space lies in the space of `m`, or undefined if `m` has no inverse. */
function within(m: Matrix, x: number, y: number): { x: number; y: number } | undefined {
  const det = m[0] * m[3] - m[1] * m[2];
  if (det === 0 || !Number.isFinite(det)) return undefined;
  const dx = x - m[4];
  const dy = y - m[5];
  return { x: (dx * m[3] - dy * m[2]) / det, y: (dy * m[0] - dx * m[1]) / det };
}

interface GraphicsState {
  ctm: Matrix;
  font?: PdfFont;
  size: number;
  tc: number;
  tw: number;
  th: number;
  tl: number;
}

/** One page's interpreter: the graphics and text state, and the text so far. */
export class PageRun {
  private readonly parts: string[] = [];
  private gs: GraphicsState = { ctm: IDENTITY, size: 0, tc: 0, tw: 0, th: 1, tl: 0 };
  private readonly saved: GraphicsState[] = [];
  private inText = false;
  private tm: Matrix = IDENTITY;
  private tlm: Matrix = IDENTITY;
  /** The text space where the previous string ended, in user space, and its font size. */
  private prev: { end: Matrix; size: number } | undefined;
  private readonly forms: number[] = [];

  constructor(
    private readonly pdf: PdfFile,
    private readonly budget: { left: number },
    private readonly fonts: Map<PdfValue, PdfFont>,
    private readonly label: string,
  ) {}

  text(): string {
    return this.parts.join('');
  }

  async decode(s: PdfStream, what: string): Promise<Uint8Array> {
    const data = await this.pdf.data(s, this.budget.left, what);
    this.budget.left -= data.length;
    return data;
  }

  /** Runs a content stream (a page's, or a form's at `depth`) with its resources. */
  async content(data: Uint8Array, resources: PdfValue | undefined, where: string, depth: number): Promise<void> {
    const p = new PdfParser(data, 0, data.length, where, false);
    const operands: PdfValue[] = [];
    const qDepth = this.saved.length;
    while (p.skipSpace()) {
      const at = p.pos;
      const v = p.value();
      if (!(v instanceof PdfKeyword)) {
        if (operands.push(v) > MAX_OPERANDS) throw p.fail(`more than ${MAX_OPERANDS} operands`);
        continue;
      }
      const fail = (why: string) => p.fail(`${v.keyword}: ${why}`, at);
      await this.operator(v.keyword, operands, resources, fail, depth);
      operands.length = 0;
    }
    if (this.inText) throw p.fail('BT without ET');
    if (this.saved.length !== qDepth) throw p.fail('q without Q');
  }

  private async operator(op: string, o: PdfValue[], resources: PdfValue | undefined, fail: (why: string) => Error, depth: number): Promise<void> {
    const nums = (n: number) => {
      if (o.length !== n || o.some((x) => typeof x !== 'number')) throw fail(`${n} numbers expected`);
      return o.slice() as number[]; // a copy: the operand stack is reused
    };
    const textOnly = () => {
      if (!this.inText) throw fail('outside BT ... ET');
    };
    const gs = this.gs;
    switch (op) {
      case 'q':
        if (this.saved.length >= MAX_Q) throw fail(`q nested deeper than ${MAX_Q}`);
        this.saved.push({ ...gs });
        return;
      case 'Q':
        if (this.saved.length === 0) throw fail('Q without q');
        this.gs = this.saved.pop()!;
        return;
      case 'cm':
        gs.ctm = multiply(nums(6) as unknown as Matrix, gs.ctm);
        return;
      case 'BT':
        if (this.inText) throw fail('BT inside BT');
        this.inText = true;
        this.tm = this.tlm = IDENTITY;
        return;
      case 'ET':
        textOnly();
        this.inText = false;
        return;
      case 'Tf': {
        const [name, size] = o;
        if (o.length !== 2 || !(name instanceof PdfName) || typeof size !== 'number') throw fail('a font name and a size expected');
        gs.font = await this.font(resources, name.name, fail);
        gs.size = size;
        return;
      }
      case 'Tc':
        [gs.tc] = nums(1) as [number];
        return;
      case 'Tw':
        [gs.tw] = nums(1) as [number];
        return;
      case 'Tz':
        gs.th = nums(1)[0]! / 100;
        return;
      case 'TL':
        [gs.tl] = nums(1) as [number];
        return;
      case 'Td':
      case 'TD': {
        textOnly();
        const [tx, ty] = nums(2) as [number, number];
        if (op === 'TD') gs.tl = -ty;
        this.tm = this.tlm = multiply([1, 0, 0, 1, tx, ty], this.tlm);
        return;
      }
      case 'Tm':
        textOnly();
        this.tm = this.tlm = nums(6) as unknown as Matrix;
        return;
      case 'T*':
        textOnly();
        this.tm = this.tlm = multiply([1, 0, 0, 1, 0, -gs.tl], this.tlm);
        return;
      case 'Tj':
      case "'":
      case '"': {
        textOnly();
        if (op === '"') {
          if (o.length !== 3 || typeof o[0] !== 'number' || typeof o[1] !== 'number') throw fail('two numbers and a string expected');
          [gs.tw, gs.tc] = o as [number, number];
        }
        const s = o[o.length - 1];
        if (o.length !== (op === '"' ? 3 : 1) || !(s instanceof Uint8Array)) throw fail('a string expected');
        if (op !== 'Tj') this.tm = this.tlm = multiply([1, 0, 0, 1, 0, -gs.tl], this.tlm);
        this.show(s, fail);
        return;
      }
      case 'TJ': {
        textOnly();
        const [items] = o;
        if (o.length !== 1 || !Array.isArray(items)) throw fail('an array expected');
        for (const item of items) {
          if (typeof item === 'number') this.tm = multiply([1, 0, 0, 1, (-item / 1000) * gs.size * gs.th, 0], this.tm);
          else if (item instanceof Uint8Array) this.show(item, fail);
          else throw fail('an array of strings and numbers expected');
        }
        return;
      }
      case 'Do':
        if (this.inText) throw fail('inside BT ... ET');
        if (o.length !== 1 || !(o[0] instanceof PdfName)) throw fail('a name expected');
        return this.form(resources, o[0].name, fail, depth);
      case 'BI':
        throw fail('inline images are not read');
      default:
        return; // paths, colours, marked content...: no text
    }
  }

  /**
   * Shows one string, after a space if it starts on another line or far
   * enough to the right of where the previous one ended (see the top of
   * this file).
   */
  private show(bytes: Uint8Array, fail: (why: string) => Error): void {
    const gs = this.gs;
    if (!gs.font) throw fail('no font selected (Tf)');
    const glyphs = gs.font.glyphs(bytes);
    if (glyphs.length === 0) return;
    const start = multiply(this.tm, gs.ctm);
    const prev = this.prev;
    if (prev && this.parts.length > 0) {
      const q = prev.size > 0 ? within(prev.end, start[4], start[5]) : undefined;
      if (q === undefined || Math.abs(q.y / prev.size) > 0.5 || q.x / prev.size > SPACE_EM) this.parts.push(' ');
    }
    let advance = 0;
    for (const g of glyphs) {
      this.parts.push(g.text);
      advance += ((g.width / 1000) * gs.size + gs.tc + (g.wordSpace ? gs.tw : 0)) * gs.th;
    }
    this.tm = multiply([1, 0, 0, 1, advance, 0], this.tm);
    this.prev = { end: multiply(this.tm, gs.ctm), size: Math.abs(gs.size) };
  }

  private async font(resources: PdfValue | undefined, name: string, fail: (why: string) => Error): Promise<PdfFont> {
    const dict = resources === undefined ? undefined : this.pdf.resolve(this.pdf.dict(resources, `the /Resources of ${this.label}`).get('Font'));
    const ref = dict instanceof Map ? dict.get(name) : undefined;
    if (ref === undefined) throw fail(`the font /${name} is not in the resources`);
    const key = ref instanceof PdfRef ? ref.num : ref;
    let font = this.fonts.get(key);
    if (!font) {
      font = await loadFont(this.pdf, ref, name, (st, what) => this.decode(st, what));
      this.fonts.set(key, font);
    }
    return font;
  }

  /** Do: a form XObject's content, run in place with its matrix; an image has no text. */
  private async form(resources: PdfValue | undefined, name: string, fail: (why: string) => Error, depth: number): Promise<void> {
    const dict = resources === undefined ? undefined : this.pdf.resolve(this.pdf.dict(resources, `the /Resources of ${this.label}`).get('XObject'));
    const ref = dict instanceof Map ? dict.get(name) : undefined;
    if (ref === undefined) throw fail(`the XObject /${name} is not in the resources`);
    const s = this.pdf.stream(ref, `the XObject /${name}`);
    const subtype = this.pdf.resolve(s.dict.get('Subtype'));
    if (!(subtype instanceof PdfName) || subtype.name !== 'Form') return;
    if (this.forms.includes(s.num)) throw fail(`the form XObject (object ${s.num}) draws itself`);
    if (depth + 1 > MAX_FORM_DEPTH) throw fail(`form XObjects nested deeper than ${MAX_FORM_DEPTH}`);
    const matrix = s.dict.has('Matrix') ? this.pdf.array(s.dict.get('Matrix'), `the /Matrix of object ${s.num}`).map((x) => this.pdf.resolve(x)) : [...IDENTITY];
    if (matrix.length !== 6 || matrix.some((x) => typeof x !== 'number')) throw fail(`the /Matrix of object ${s.num} is not 6 numbers`);
    const data = await this.decode(s, `the form XObject /${name}`);
    this.forms.push(s.num);
    this.saved.push({ ...this.gs });
    this.gs.ctm = multiply(matrix as unknown as Matrix, this.gs.ctm);
    await this.content(data, s.dict.has('Resources') ? this.pdf.resolve(s.dict.get('Resources')) : resources, `the form XObject ${s.num} of ${this.label}`, depth + 1);
    this.gs = this.saved.pop()!;
    this.forms.pop();
  }
}
