// Single-byte encodings of PDF text (ISO 32000-1:2008 Annex D.2) and text
// strings (section 7.9.2.2): PDFDocEncoding, UTF-16BE after FE FF and, as
// PDF 2.0 allows, UTF-8 after EF BB BF; and WinAnsiEncoding, the encoding
// pdfkit gives the standard 14 fonts. Strict: a byte sequence that is not
// valid in its encoding, or a code the encoding leaves undefined, throws.
import { malformed } from './exhibit-pdf-syntax.js';

/** 0x80-0x9F of WinAnsiEncoding (Windows code page 1252); the unused codes are the bullet, as Annex D note 6 says. */
const WIN_ANSI_80 = '€•‚ƒ„…†‡ˆ‰Š‹Œ•Ž••‘’“”•–—˜™š›œ•žŸ';
/** 0x18-0x1F and 0x80-0x9E of PDFDocEncoding; 0x9F is undefined. */
const PDF_DOC_18 = '˘ˇˆ˙˝˛˚˜';
const PDF_DOC_80 = '•†‡…—–ƒ⁄‹›−‰„“”‘’‚™ﬁﬂŁŒŠŸŽıłœšž';

/** The character of `code` in WinAnsiEncoding, or undefined. */
export function winAnsiChar(code: number): string | undefined {
  if (code >= 0x20 && code <= 0x7e) return String.fromCharCode(code);
  if (code === 0x7f) return '•';
  if (code >= 0x80 && code <= 0x9f) return WIN_ANSI_80[code - 0x80];
  if (code >= 0xa0 && code <= 0xff) return String.fromCharCode(code);
  return undefined;
}

/** The character of `code` in PDFDocEncoding, or undefined. */
export function pdfDocChar(code: number): string | undefined {
  if (code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code <= 0x7e)) return String.fromCharCode(code);
  if (code >= 0x18 && code <= 0x1f) return PDF_DOC_18[code - 0x18];
  if (code >= 0x80 && code <= 0x9e) return PDF_DOC_80[code - 0x80];
  if (code === 0xa0) return '€';
  if (code >= 0xa1 && code <= 0xff && code !== 0xad) return String.fromCharCode(code);
  return undefined;
}

const utf16 = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true });
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-16BE code units (a ToUnicode destination): well formed, or a failure naming `what`. */
export function decodeUtf16(bytes: Uint8Array, what: string): string {
  try {
    if (bytes.length % 2 !== 0) throw new TypeError('an odd number of bytes');
    return utf16.decode(bytes);
  } catch {
    throw malformed(`${what}: not well-formed UTF-16BE`);
  }
}

/** A text string (a file name): UTF-16BE or UTF-8 after its byte order mark, else PDFDocEncoding. */
export function decodeTextString(bytes: Uint8Array, what: string): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), what);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    try {
      return utf8.decode(bytes.subarray(3));
    } catch {
      throw malformed(`${what}: not valid UTF-8`);
    }
  }
  let s = '';
  for (const b of bytes) {
    const c = pdfDocChar(b);
    if (c === undefined) throw malformed(`${what}: byte 0x${b.toString(16).padStart(2, '0')} has no character in PDFDocEncoding`);
    s += c;
  }
  return s;
}
