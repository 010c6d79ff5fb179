// A PDF's embedded files (ISO 32000-1:2008 section 7.11.4): the document
// catalog's /Names /EmbeddedFiles name tree (7.9.6), each value a file
// specification (7.11.3) whose /UF (else /F) is the file's name and whose
// /EF /F is the embedded file stream. pdfkit's `doc.file()` writes exactly
// this, one leaf node with a /Names array.
//
// The names become paths (the CLI writes the files into a directory to
// verify them as a bundle), and the PDF is hostile: a name is refused if it
// is empty, absolute, holds '..', a backslash, a control character, a
// character Windows refuses (a colon names a drive or an NTFS stream), an
// empty or '.' segment, or a segment Windows reads as a device (nul.json)
// or trims (a trailing dot or space); two names that are one file on a
// case-insensitive file system, or a name that is another's directory, are
// refused; and so are more than maxFiles files, more than maxBytes in all, a
// declared /Params /Size that is not the data's, and a name tree that nests
// deeper than MAX_TREE_DEPTH, has more than MAX_TREE_NODES nodes or loops.
import { decodeTextString } from './exhibit-pdf-encoding.js';
import { describe, type PdfFile } from './exhibit-pdf-file.js';
import { malformed, PdfName, PdfRef, PdfStream, type PdfDict, type PdfValue } from './exhibit-pdf-syntax.js';

export interface AttachmentLimits {
  /** At most this many embedded files. */
  maxFiles: number;
  /** At most this many bytes in all, decoded. */
  maxBytes: number;
}

const MAX_TREE_DEPTH = 16;
const MAX_TREE_NODES = 1024;
const MAX_NAME = 1024;
const at = (v: PdfValue | undefined) => (v instanceof PdfRef ? ` (object ${v.num})` : '');

/** The embedded files, by name, in the name tree's order. */
export async function readAttachments(pdf: PdfFile, limits: AttachmentLimits): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const catalog = pdf.dict(pdf.trailer.get('Root'), 'the document catalog');
  const names = pdf.resolve(catalog.get('Names'));
  if (names === undefined || names === null) return files;
  const tree = pdf.dict(names, 'the catalog\'s /Names').get('EmbeddedFiles');
  if (tree === undefined) return files;
  const seen = new Map<string, string>();
  let total = 0;
  for (const spec of leaves(pdf, tree, limits.maxFiles)) {
    const { name, file, where } = fileSpecification(pdf, spec);
    const key = name.normalize('NFC').toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) throw malformed(`two embedded files are named ${JSON.stringify(other)} and ${JSON.stringify(name)}: one file on a case-insensitive file system`);
    seen.set(key, name);
    const data = await embeddedData(pdf, file, where, limits.maxBytes - total);
    total += data.length;
    files.set(name, data);
  }
  for (const key of seen.keys()) {
    for (let i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) {
      if (seen.has(key.slice(0, i))) throw malformed(`the embedded file ${JSON.stringify(seen.get(key.slice(0, i)))} is also the directory of ${JSON.stringify(seen.get(key))}`);
    }
  }
  return files;
}

/** The values of the name tree's leaves, in order; the keys are not used (the file specification names the file). */
function leaves(pdf: PdfFile, root: PdfValue, maxFiles: number): PdfValue[] {
  const out: PdfValue[] = [];
  const visited = new Set<number>();
  const stack: Array<{ node: PdfValue; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node instanceof PdfRef) {
      if (visited.has(node.num)) throw malformed(`the embedded files' name tree reaches object ${node.num} twice: it loops or shares a node`);
      visited.add(node.num);
    }
    if (visited.size > MAX_TREE_NODES) throw malformed(`the embedded files' name tree has more than ${MAX_TREE_NODES} nodes`);
    const what = `a node of the embedded files' name tree${at(node)}`;
    const dict = pdf.dict(node, what);
    const kids = dict.get('Kids');
    const pairs = dict.get('Names');
    if (kids !== undefined && pairs !== undefined) throw malformed(`${what} has both /Kids and /Names`);
    if (kids !== undefined) {
      if (depth + 1 > MAX_TREE_DEPTH) throw malformed(`the embedded files' name tree is deeper than ${MAX_TREE_DEPTH} levels`);
      const list = pdf.array(kids, `the /Kids of ${what}`);
      if (list.length > MAX_TREE_NODES) throw malformed(`${what} has ${list.length} /Kids`);
      for (const k of [...list].reverse()) {
        if (!(k instanceof PdfRef)) throw malformed(`a /Kids entry of ${what} is not an indirect reference`);
        stack.push({ node: k, depth: depth + 1 });
      }
    } else if (pairs !== undefined) {
      const list = pdf.array(pairs, `the /Names of ${what}`);
      if (list.length % 2 !== 0) throw malformed(`the /Names of ${what} has an odd number of entries`);
      if (out.length + list.length / 2 > maxFiles) throw malformed(`more than ${maxFiles} embedded files`);
      for (let i = 0; i < list.length; i += 2) {
        if (!(pdf.resolve(list[i]) instanceof Uint8Array)) throw malformed(`the /Names of ${what}: key ${i / 2} is ${describe(list[i])}, not a string`);
        out.push(list[i + 1]!);
      }
    }
  }
  return out;
}

/** A file specification's name, checked, and its embedded file: a stream, or (pdfkit's empty file) a dictionary alone. */
function fileSpecification(pdf: PdfFile, spec: PdfValue): { name: string; file: PdfStream | PdfDict; where: string } {
  const what = `the file specification${at(spec)}`;
  const fs = pdf.dict(spec, what);
  const nameValue = pdf.resolve(fs.get('UF') ?? fs.get('F'));
  if (!(nameValue instanceof Uint8Array)) throw malformed(`${what} has no file name (/UF or /F string)`);
  const name = decodeTextString(nameValue, `${what}: its name`);
  checkName(name, what);
  const ef = pdf.dict(fs.get('EF'), `the /EF of ${what} (${JSON.stringify(name)})`);
  const ref = ef.get('F');
  const where = `the embedded file ${JSON.stringify(name)}${at(ref)}`;
  const file = pdf.resolve(ref);
  // pdfkit writes an empty file as its dictionary without a stream.
  const dict = file instanceof PdfStream ? file.dict : file instanceof Map ? file : undefined;
  if (dict === undefined) throw malformed(`${where} is not a stream`);
  const type = pdf.resolve(dict.get('Type'));
  if (!(file instanceof PdfStream) && !(type instanceof PdfName)) throw malformed(`${where} is not a stream`);
  if (type !== undefined && !(type instanceof PdfName && type.name === 'EmbeddedFile')) throw malformed(`${where}: /Type is ${describe(type)}, not /EmbeddedFile`);
  return { name, file: file as PdfStream | PdfDict, where };
}

/** The file's bytes, decoded, at most `maxBytes`, and as many as its /Params /Size says when it says. */
async function embeddedData(pdf: PdfFile, file: PdfStream | PdfDict, where: string, maxBytes: number): Promise<Uint8Array> {
  const data = file instanceof PdfStream ? await pdf.data(file, maxBytes, where) : new Uint8Array(0);
  const dict = file instanceof PdfStream ? file.dict : file;
  const params = pdf.resolve(dict.get('Params'));
  const size = params instanceof Map ? pdf.resolve(params.get('Size')) : undefined;
  if (size !== undefined && size !== data.length) throw malformed(`${where} declares /Size ${describe(size)} but holds ${data.length} bytes`);
  return data;
}

/** Characters Windows refuses in a file name (the colon would name a drive or an NTFS stream). */
const WINDOWS = /[<>:"|?*]/;
/** Windows' device names, which a file name with any extension still opens. */
const DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
/** Control characters: C0, DEL, C1. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A name that is safe as a relative path on any file system, or a failure saying why. */
function checkName(name: string, what: string): void {
  const problem =
    name.length === 0 ? 'is empty'
    : name.length > MAX_NAME ? `is longer than ${MAX_NAME} characters`
    : name.startsWith('/') ? 'starts with /'
    : name.includes('..') ? "holds '..'"
    : name.includes('\\') ? 'holds a backslash'
    : WINDOWS.test(name) ? `holds ${JSON.stringify(WINDOWS.exec(name)![0])}, which no file name may hold on Windows`
    : CONTROL.test(name) ? 'holds a control character'
    : name.split('/').some((s) => s === '' || s === '.') ? "has an empty or '.' path segment"
    : name.split('/').some((s) => DEVICE.test(s) || /[. ]$/.test(s)) ? 'has a path segment Windows reads as a device or trims'
    : undefined;
  if (problem !== undefined) throw malformed(`${what} names the file ${JSON.stringify(name)}, which ${problem}`);
}
