// The pages of a PDF and their text (ISO 32000-1:2008 section 7.7.3, the
// page tree): each page's /Contents, a stream or an array of streams joined
// by a line end, run by ./exhibit-pdf-text.ts with the /Resources the page
// has or inherits.
//
// Hostile input: at most maxPages pages, maxContentBytes of decoded
// content, forms and CMaps in all, a page tree at most MAX_DEPTH deep that
// never reaches a node twice.
import type { PdfFile } from './exhibit-pdf-file.js';
import type { PdfFont } from './exhibit-pdf-font.js';
import { malformed, PdfName, PdfRef, PdfStream, type PdfDict, type PdfValue } from './exhibit-pdf-syntax.js';
import { PageRun } from './exhibit-pdf-text.js';

export interface TextLimits {
  maxPages: number;
  /** Decoded content streams, form XObjects and ToUnicode CMaps, in all. */
  maxContentBytes: number;
}

const MAX_DEPTH = 32;

interface Page {
  dict: PdfDict;
  resources: PdfValue | undefined;
  label: string;
}

/** Every page's text, in page order. */
export async function readPageTexts(pdf: PdfFile, limits: TextLimits): Promise<string[]> {
  const catalog = pdf.dict(pdf.trailer.get('Root'), 'the document catalog');
  const budget = { left: limits.maxContentBytes };
  const fonts = new Map<PdfValue, PdfFont>();
  const texts: string[] = [];
  for (const page of pageList(pdf, catalog.get('Pages'), limits.maxPages)) {
    const run = new PageRun(pdf, budget, fonts, page.label);
    const contents = pdf.resolve(page.dict.get('Contents'));
    const parts = contents === undefined || contents === null ? [] : contents instanceof PdfStream ? [page.dict.get('Contents')] : pdf.array(contents, `the /Contents of ${page.label}`);
    const data: Uint8Array[] = [];
    for (const c of parts) data.push(await run.decode(pdf.stream(c, `a content stream of ${page.label}`), `a content stream of ${page.label}`), Uint8Array.of(0x0a));
    const all = new Uint8Array(data.reduce((n, d) => n + d.length, 0));
    data.reduce((at, d) => (all.set(d, at), at + d.length), 0);
    await run.content(all, pdf.resolve(page.resources), `the content of ${page.label}`, 0);
    texts.push(run.text());
  }
  return texts;
}

/** The page tree's leaves in order, each with the /Resources it has or inherits (section 7.7.3.4). */
function pageList(pdf: PdfFile, root: PdfValue | undefined, maxPages: number): Page[] {
  const pages: Page[] = [];
  const visited = new Set<number>();
  const stack: Array<{ node: PdfValue | undefined; resources: PdfValue | undefined; depth: number }> = [{ node: root, resources: undefined, depth: 0 }];
  while (stack.length > 0) {
    const { node, resources, depth } = stack.pop()!;
    const label = node instanceof PdfRef ? `object ${node.num}` : 'the page tree root';
    if (node instanceof PdfRef) {
      if (visited.has(node.num)) throw malformed(`the page tree reaches object ${node.num} twice: it loops or shares a node`);
      visited.add(node.num);
    }
    const dict = pdf.dict(node, `a node of the page tree (${label})`);
    const inherited = dict.has('Resources') ? dict.get('Resources') : resources;
    const type = pdf.resolve(dict.get('Type'));
    const kind = type instanceof PdfName ? type.name : undefined;
    if (kind === 'Page') {
      pages.push({ dict, resources: inherited, label: `page ${pages.length + 1} (${label})` });
      if (pages.length > maxPages) throw malformed(`more than ${maxPages} pages`);
    } else if (kind === 'Pages') {
      if (depth + 1 > MAX_DEPTH) throw malformed(`the page tree is deeper than ${MAX_DEPTH} levels`);
      const kids = pdf.array(dict.get('Kids'), `the /Kids of ${label}`);
      for (const k of [...kids].reverse()) stack.push({ node: k, resources: inherited, depth: depth + 1 });
    } else throw malformed(`${label} in the page tree is neither /Type /Page nor /Pages`);
  }
  return pages;
}

