// The exhibit reader (packages/verify/src/core/exhibit-pdf.ts, issue 18):
// PDFs made by pdfkit itself, compressed and not, with the embedded DejaVu
// font (Type0, Identity-H, ToUnicode) and the standard 14 fonts (WinAnsi);
// the same PDFs rewritten by qpdf in other legal ways, which read the same,
// and with object streams, which are refused by name; the text checked
// against poppler's pdftotext, code written elsewhere; then hostile PDFs,
// each refused as EXHIBIT_MALFORMED with a message that says what and where;
// and the comparison of the pages with the statement's text.
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { checkExhibitText, EXHIBIT_PDF_LIMITS, type ExhibitPdf, type ExhibitPdfLimits, normalizeExhibitText, readExhibitPdf, streamInflate } from '../../packages/verify/src/core/exhibit-pdf.js';
import { VerificationError } from '../../packages/verify/src/core/errors.js';
import { nodeInflate } from '../../packages/verify/src/node/inflate.js';
import { appendUpdate, catalogRef, handmadePdf, patch, pdfkitPdf, pdftotext, qpdf, stream } from '../helpers/exhibit-pdf.js';

const read = (pdf: Uint8Array, limits?: Partial<ExhibitPdfLimits>) => readExhibitPdf(pdf, nodeInflate, limits);

/** The EXHIBIT_MALFORMED failure of reading `pdf`, its message matching every pattern. */
async function refused(pdf: Uint8Array, ...patterns: RegExp[]): Promise<string> {
  return refusedWith(read(pdf), ...patterns);
}
async function refusedWith(p: Promise<unknown>, ...patterns: RegExp[]): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof VerificationError, String(e));
    assert.equal(e.code, 'EXHIBIT_MALFORMED', e.message);
    for (const re of patterns) assert.match(e.message, re);
    return e.message;
  }
  assert.fail('read');
}

const FILES: Array<[string, Uint8Array]> = [
  ['certificate.json', Buffer.from('{"payloadType":"application/vnd.shredproof.certificate.v2+json"}\n')],
  ['records.ndjson', Buffer.from('{"index":0}\n'.repeat(2000))],
  ['proofs/record-2.json', Buffer.from('{}')],
  ['vendors/labels-at-acme/trust.json', Buffer.from([0, 1, 2, 255, 254])],
  ['empty.txt', new Uint8Array(0)],
];
const PARAGRAPH =
  'Certificate 0f3c2a for order ACME-2024-17 was issued on 2024-03-01 by Example Corp. The order destroyed 1,204 objects in 3 systems; 2 were retained under legal hold and none are exceptions.';
const DEJAVU_LINES = [
  'Destruction certificate — plain-language summary',
  PARAGRAPH,
  'Unicode: café, naïve, Größe, Ørsted, “quotes”, ‘single’, € 12, ½, ±, →, Ωμέγα, Привет, fi and fl (ligatures), office.',
  'Punctuation: (parentheses) [brackets] \\ backslash, 100% 5 < 6 > 4 & #hash',
  'Merkle root 9f2c0d1e4b7a8c3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5',
];
const HELVETICA_LINES = ['Standard fonts: Helvetica with WinAnsi — “curly” quotes, café, €, Œuvre, 50¢', PARAGRAPH];
const TIMES_LINES = ['Times-Roman: the second standard font on this page.'];

/** What a page says, as the comparison sees it. */
const normal = (lines: string[]) => normalizeExhibitText(lines.join('\n'));

function assertSameAsPoppler(pdf: Uint8Array, got: ExhibitPdf): void {
  const poppler = pdftotext(pdf);
  assert.equal(got.pages.length, poppler.length);
  got.pages.forEach((page, i) => assert.equal(normalizeExhibitText(page), normalizeExhibitText(poppler[i]!), `page ${i + 1}`));
}

function assertFiles(got: ExhibitPdf, files = FILES): void {
  assert.deepEqual([...got.attachments.keys()].sort(), files.map(([n]) => n).sort());
  for (const [name, data] of files) assert.deepEqual(Buffer.from(got.attachments.get(name)!), Buffer.from(data), name);
}

describe('PDFs made by pdfkit', () => {
  for (const compress of [true, false]) {
    it(`compress: ${compress}, PDF/A-3b, embedded DejaVu: the files, and each page's text as pdftotext reads it`, async () => {
      const pdf = await pdfkitPdf({ compress, pdfa: true, pages: [{ lines: DEJAVU_LINES }, { lines: ['Page two.', PARAGRAPH] }], files: FILES });
      const got = await read(pdf);
      assertFiles(got);
      assert.deepEqual(got.pages.map(normalizeExhibitText), [normal(DEJAVU_LINES), normal(['Page two.', PARAGRAPH])]);
      assertSameAsPoppler(pdf, got);
    });

    it(`compress: ${compress}, standard 14 fonts (WinAnsi) beside the embedded font`, async () => {
      const pdf = await pdfkitPdf({ compress, pages: [{ font: 'Helvetica', lines: HELVETICA_LINES }, { font: 'Times-Roman', lines: TIMES_LINES }, { lines: ['DejaVu again.'] }], files: FILES.slice(0, 1) });
      const got = await read(pdf);
      assertFiles(got, FILES.slice(0, 1));
      assert.deepEqual(got.pages.map(normalizeExhibitText), [normal(HELVETICA_LINES), normal(TIMES_LINES), 'DejaVu again.']);
      assertSameAsPoppler(pdf, got);
    });
  }

  it('justified text (word gaps as TJ adjustments, no space glyph), wrapped lines, character and word spacing', async () => {
    for (const font of ['DejaVuSans', 'Helvetica']) {
      const justified = await pdfkitPdf({ compress: true, pages: [{ font, lines: [PARAGRAPH, PARAGRAPH], options: { align: 'justify', width: 300 } }] });
      const got = await read(justified);
      assert.deepEqual(got.pages.map(normalizeExhibitText), [normal([PARAGRAPH, PARAGRAPH])], font);
      assertSameAsPoppler(justified, got);
      // Not against poppler: it splits a word where character spacing widens a kerned pair ("Cer tificate").
      const spaced = await pdfkitPdf({ compress: true, pages: [{ font, lines: [PARAGRAPH], options: { characterSpacing: 1.5, wordSpacing: 4 } }] });
      assert.deepEqual((await read(spaced)).pages.map(normalizeExhibitText), [normal([PARAGRAPH])], font);
    }
  });

  it('text continued on one line in another font has no space where none was drawn; text placed apart has one', async () => {
    const pdf = await pdfkitPdf({
      compress: true,
      pages: [
        {
          lines: [],
          draw: (doc) => {
            doc.font('DejaVuSans').text('Status: ', 72, 100, { continued: true }).font('Helvetica').text('destr', { continued: true }).font('DejaVuSans').text('oyed.');
            doc.font('DejaVuSans').text('Key id', 72, 200).text('a1b2c3', 300, 200);
          },
        },
      ],
    });
    const got = await read(pdf);
    assert.equal(normalizeExhibitText(got.pages[0]!), 'Status: destroyed. Key id a1b2c3');
    assertSameAsPoppler(pdf, got);
  });

  it('streamInflate (DecompressionStream, for browsers) reads what zlib reads', async () => {
    const pdf = await pdfkitPdf({ compress: true, pdfa: true, pages: [{ lines: DEJAVU_LINES }], files: FILES });
    const a = await read(pdf);
    const b = await readExhibitPdf(pdf, streamInflate);
    assert.deepEqual(b, a);
    assertFiles(b);
  });
});

describe('the same PDFs rewritten by qpdf', () => {
  for (const compress of [true, false]) {
    const made = pdfkitPdf({ compress, pdfa: true, pages: [{ lines: DEJAVU_LINES }, { font: 'DejaVuSans', lines: [PARAGRAPH], options: { align: 'justify' } }], files: FILES });
    for (const args of [['--object-streams=disable'], ['--stream-data=uncompress'], ['--stream-data=compress'], ['--qdf'], ['--linearize'], ['--object-streams=disable', '--linearize', '--compress-streams=y']]) {
      it(`compress: ${compress}, qpdf ${args.join(' ')}: the same files and text`, async () => {
        const original = await read(await made);
        const rewritten = qpdf(await made, ...args);
        assert.notDeepEqual(rewritten, await made);
        const got = await read(rewritten);
        assertFiles(got);
        assert.deepEqual(got.pages, original.pages);
        assertSameAsPoppler(rewritten, got);
      });
    }
    it(`compress: ${compress}, qpdf --object-streams=generate: refused, naming the cross-reference stream`, async () => {
      await refused(qpdf(await made, '--object-streams=generate'), /cross-reference stream/, /qpdf --object-streams=disable/);
    });
  }

  it('qpdf --encrypt: refused, an exhibit is not encrypted', async () => {
    const pdf = await pdfkitPdf({ compress: true, pages: [{ lines: ['x'] }], files: FILES.slice(0, 1) });
    await refused(qpdf(pdf, '--object-streams=disable', '--encrypt', 'u', 'o', '256', '--'), /encrypted/);
  });
});

describe('incremental updates (/Prev)', () => {
  it('an update that replaces an attachment: the newest version is read, and the old tables still serve the rest', async () => {
    const pdf = await pdfkitPdf({ compress: false, pages: [{ lines: ['x'] }], files: FILES });
    const text = pdf.toString('latin1');
    // certificate.json's embedded file stream: the /EF /F of the file specification whose /UF is (certificate.json).
    const spec = new RegExp(`\\n(\\d+) 0 obj\\n<<[^]*?/F (\\d+) 0 R[^]*?/UF \\(certificate\\.json\\)`).exec(text)!;
    const updated = appendUpdate(pdf, { [Number(spec[2])]: stream('/Type /EmbeddedFile', 'replaced') });
    const got = await read(updated);
    assert.equal(Buffer.from(got.attachments.get('certificate.json')!).toString(), 'replaced');
    assertFiles({ ...got, attachments: new Map([...got.attachments].filter(([n]) => n !== 'certificate.json')) }, FILES.slice(1));
    assertSameAsPoppler(updated, got);
  });

  it('a /Prev that loops back is refused', async () => {
    const pdf = await pdfkitPdf({ compress: false, pages: [{ lines: ['x'] }] });
    const root = /\/Root (\d+ \d+ R)/.exec(pdf.toString('latin1'))![1];
    const object = '900 0 obj\n(x)\nendobj\n';
    // The update's own table follows its one object: its /Prev names itself.
    await refused(appendUpdate(pdf, { 900: '(x)' }, `<< /Size 901 /Root ${root} /Prev ${pdf.length + object.length} >>`), /\/Prev chain loops back/);
  });
});

describe('hostile PDFs: EXHIBIT_MALFORMED, saying what and where', () => {
  const base = pdfkitPdf({ compress: false, pages: [{ lines: ['Hello'] }], files: [['certificate.json', Buffer.from('0123456789abcdef')]] });

  it('not a PDF; a truncated one', async () => {
    await refused(Buffer.from('{"payloadType": "not a pdf"}'), /not a PDF/);
    await refused(new Uint8Array(0), /not a PDF/);
    const pdf = await base;
    await refused(pdf.subarray(0, pdf.length >> 1), /does not end with %%EOF/);
    await refused(pdf.subarray(0, pdf.length - 30), /does not end with %%EOF/);
  });

  it('startxref or an entry of the table pointing at garbage', async () => {
    const pdf = await base;
    const tail = pdf.toString('latin1', pdf.length - 40);
    const xref = /startxref\n(\d+)/.exec(tail)![1]!;
    const bad = String(Number(xref) - 7).padStart(xref.length, '0');
    await refused(patch(pdf, `startxref\n${xref}`, `startxref\n${bad}`), new RegExp(`byte ${Number(bad)}, where there is no cross-reference table`));
    await refused(patch(pdf, `startxref\n${xref}`, `startxref\n${'9'.repeat(xref.length)}`), /past the end of the file/);
    // The entry of object 1 moved 3 bytes on: the object there is not object 1.
    const entry = /\n(\d{10}) 00000 n \r?\n/.exec(pdf.toString('latin1', Number(xref)))!;
    const moved = String(Number(entry[1]) + 3).padStart(10, '0');
    await refused(patch(pdf, `${entry[1]} 00000 n`, `${moved} 00000 n`), new RegExp(`object 1 \\(at byte ${Number(moved)}\\)`));
    await refused(patch(pdf, `${entry[1]} 00000 n`, `${entry[1]} 0000 n `), /entry for object 1 is not/);
  });

  it("a stream's /Length that lies: short, long, or one byte long (caught by /Params /Size)", async () => {
    const pdf = await base;
    await refused(patch(pdf, '/Length 16', '/Length 15'), /\/Length 15 does not end the data at 'endstream'/, /object \d+ \(at byte \d+\), byte \d+/);
    await refused(patch(pdf, '/Length 16', '/Length 18'), /\/Length 18 does not end the data/);
    await refused(patch(pdf, '/Length 16', '/Length 17'), /declares \/Size 16 but holds 17 bytes/);
    await refused(patch(pdf, '/Size 16', '/Size 61'), /declares \/Size 61/);
  });

  it('a huge declared /Length, and a stream that decompresses beyond the limits', async () => {
    const pdf = await base;
    const text = pdf.toString('latin1');
    const ef = Number(/\/EF <<\n\/F (\d+) 0 R/.exec(text)![1]);
    await refused(appendUpdate(pdf, { [ef]: '<< /Length 99999999999 >>\nstream\nabc\nendstream' }), /\/Length 99999999999 runs past the end of the file/);
    const bomb = deflateSync(Buffer.alloc(4 << 20));
    const bombed = appendUpdate(pdf, { [ef]: stream('/Filter /FlateDecode', bomb) });
    // Within the default limits 4 MiB read; within a lower one, not.
    assert.equal((await read(bombed)).attachments.get('certificate.json')!.length, 4 << 20);
    await refusedWith(read(bombed, { maxBytes: 1 << 20 }), new RegExp(`does not decompress to at most ${1 << 20} bytes`));
    await refusedWith(readExhibitPdf(bombed, streamInflate, { maxBytes: 1 << 20 }), /does not decompress to at most/);
    await refusedWith(read(appendUpdate(pdf, { [ef]: stream('/Filter /FlateDecode', bomb.subarray(0, 100)) })), /FlateDecode data does not decompress/);
    await refusedWith(read(appendUpdate(pdf, { [ef]: stream('/Filter /ASCIIHexDecode', '41>') })), /only FlateDecode or no filter is read, not \/ASCIIHexDecode/);
    await refusedWith(read(appendUpdate(pdf, { [ef]: stream('/Filter /FlateDecode /DecodeParms << /Predictor 12 >>', bomb) })), /predictor/);
  });

  it('more than 64 files, or more bytes than allowed in all', async () => {
    assert.equal(EXHIBIT_PDF_LIMITS.maxFiles, 64);
    assert.equal(EXHIBIT_PDF_LIMITS.maxBytes, 2 * 1024 ** 3);
    const files = (n: number) => Array.from({ length: n }, (_, i): [string, Uint8Array] => [`f${i}.txt`, Buffer.from(`${i}`)]);
    assert.equal((await read(await pdfkitPdf({ compress: true, pages: [{ lines: ['x'] }], files: files(64) }))).attachments.size, 64);
    await refused(await pdfkitPdf({ compress: true, pages: [{ lines: ['x'] }], files: files(65) }), /more than 64 embedded files/);
    const two = await pdfkitPdf({ compress: true, pages: [{ lines: ['x'] }], files: [['a', Buffer.alloc(600)], ['b', Buffer.alloc(600)]] });
    assert.equal((await read(two, { maxBytes: 1200 })).attachments.size, 2);
    await refusedWith(read(two, { maxBytes: 1199 }), /"b"/, /at most 599 bytes/);
  });

  it('names that are not safe paths, and two names that are one file or a file and its directory', async () => {
    const named = (...names: string[]) => pdfkitPdf({ compress: true, pages: [{ lines: ['x'] }], files: names.map((n): [string, Uint8Array] => [n, Buffer.from(n)]) });
    for (const [name, why] of [
      ['../x', /"\.\.\/x", which holds '\.\.'/],
      ['proofs/../../x', /holds '\.\.'/],
      ['/etc/passwd', /starts with \//],
      ['a\\b', /backslash/],
      ['C:x', /holds ":", which no file name may hold on Windows/],
      ['a?.json', /holds "\?"/],
      ['proofs/nul.json', /device or trims/],
      ['trust.json.', /device or trims/],
      ['a//b', /empty or '\.' path segment/],
      ['./a', /empty or '\.' path segment/],
      ['a/', /empty or '\.' path segment/],
      ['a\tb', /control character/],
      ['a\u0085b', /control character/],
    ] as const) {
      await refused(await named(name), why, /the file specification \(object \d+\)/);
    }
    await refused(await named('certificate.json', 'Certificate.json'), /"certificate\.json" and "Certificate\.json"/);
    await refused(await named('proofs', 'proofs/a.json'), /"proofs" is also the directory of "proofs\/a\.json"/);
    // Two file specifications with one name under two keys of the tree (pdfkit keys the tree by name, so written by hand).
    const pdf = await named('a.json', 'b.json');
    const tree = catalogRef(pdf, 'Names');
    const specs = [...pdf.toString('latin1').matchAll(/\((?:a|b)\.json\) (\d+) 0 R/g)].map((m) => m[1]);
    const dup = appendUpdate(pdf, { [tree]: `<< /EmbeddedFiles << /Names [(a.json) ${specs[0]} 0 R (b.json) ${specs[0]} 0 R] >> >>` });
    await refused(dup, /"a\.json" and "a\.json"/);
  });

  it('cycles: in the name tree, the page tree, references, stream lengths; and nesting too deep', async () => {
    const pdf = await base;
    const pages = catalogRef(pdf, 'Pages');
    const catalog = (names: string) => `<< /Type /Catalog /Pages ${pages} 0 R /Names ${names} >>`;
    const root = Number(/\/Root (\d+) 0 R/.exec(pdf.toString('latin1'))![1]);
    await refused(appendUpdate(pdf, { [root]: catalog('900 0 R'), 900: '<< /EmbeddedFiles 901 0 R >>', 901: '<< /Kids [902 0 R] >>', 902: '<< /Kids [901 0 R] >>' }), /name tree reaches object 901 twice/);
    await refused(appendUpdate(pdf, { [root]: catalog('900 0 R'), 900: '<< /EmbeddedFiles 901 0 R >>', 901: '<< /Kids [901 0 R] >>' }), /name tree reaches object 901 twice/);
    await refused(appendUpdate(pdf, { [root]: catalog('900 0 R'), 900: '<< /EmbeddedFiles 901 0 R >>', 901: '<< /Kids [902 0 R] >>', 902: '<< /Names [(x) 903 0 R] /Kids [] >>' }), /both \/Kids and \/Names/);
    const chain: Record<number, string> = { [root]: catalog('900 0 R'), 900: '<< /EmbeddedFiles 901 0 R >>' };
    for (let i = 901; i < 930; i++) chain[i] = `<< /Kids [${i + 1} 0 R] >>`;
    chain[930] = '<< /Names [] >>';
    await refused(appendUpdate(pdf, chain), /name tree is deeper than 16 levels/);
    await refused(appendUpdate(pdf, { [root]: `<< /Type /Catalog /Pages 900 0 R >>`, 900: '<< /Type /Pages /Kids [901 0 R] /Count 1 >>', 901: '<< /Type /Pages /Kids [900 0 R] /Count 1 >>' }), /page tree reaches object 900 twice/);
    await refused(appendUpdate(pdf, { [root]: '900 0 R', 900: `901 0 R`, 901: `${root} 0 R` }), /a cycle of references/);
    await refused(appendUpdate(pdf, { [root]: catalog('900 0 R'), 900: '<< /EmbeddedFiles << /Names [(a) << /UF (a) /EF << /F 901 0 R >> >>] >> >>', 901: '<< /Length 901 0 R >>\nstream\nx\nendstream' }), /object 901's stream \/Length leads back to itself/);
    await refused(appendUpdate(pdf, { [root]: `${'['.repeat(40)}${']'.repeat(40)}` }), /nested deeper than 32/);
    await refused(appendUpdate(pdf, { [root]: '<< /Type /Catalog /Type /Catalog >>' }), /the key \/Type twice/);
    await refused(appendUpdate(pdf, { [root]: catalog('777 0 R') }), /777 0 R names an object that is not in the cross-reference table/);
  });
});

/** A one-page PDF written by hand: Helvetica as /F1, `content` as the page's content, `extra` objects from 10 on. */
function onePage(content: string, extra: Record<number, string | Uint8Array> = {}, font = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>', xobjects = ''): Buffer {
  return handmadePdf({
    1: '<< /Type /Catalog /Pages 2 0 R >>',
    2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    3: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> ${xobjects} >> >>`,
    4: stream('', content),
    5: font,
    ...extra,
  });
}

describe('text written by other means than pdfkit (by hand), checked against pdftotext', () => {
  it("a form XObject's text is read where it is drawn; a form that draws itself is refused", async () => {
    const form = stream('/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>', 'BT /F1 12 Tf 72 650 Td (inside the form) Tj ET');
    const pdf = onePage('BT /F1 12 Tf 72 700 Td (Before) Tj ET /X1 Do BT /F1 12 Tf 72 600 Td (after.) Tj ET', { 10: form }, undefined, '/XObject << /X1 10 0 R >>');
    const got = await read(pdf);
    assert.equal(normalizeExhibitText(got.pages[0]!), 'Before inside the form after.');
    assertSameAsPoppler(pdf, got);
    const loop = stream('/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X1 10 0 R >> >>', '/X1 Do');
    await refused(onePage('/X1 Do', { 10: loop }, undefined, '/XObject << /X1 10 0 R >>'), /the form XObject \(object 10\) draws itself/);
  });

  it("a ToUnicode CMap's bfchar and both bfrange forms, a surrogate pair included, override the encoding", async () => {
    const cmap = stream('', ['/CIDInit /ProcSet findresource begin 12 dict begin begincmap', '1 begincodespacerange <00> <FF> endcodespacerange', '1 beginbfchar <01> <0048> endbfchar', '2 beginbfrange <02> <04> <0065> <05> <06> [<006C> <D83DDE00>] endbfrange', 'endcmap CMapName currentdict /CMap defineresource pop end end'].join('\n'));
    const font = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /ToUnicode 10 0 R >>';
    const pdf = onePage('BT /F1 12 Tf 72 700 Td <0102030405> Tj 0 -20 Td [<06>] TJ ET', { 10: cmap }, font);
    const got = await read(pdf);
    assert.equal(got.pages[0], 'Hefgl 😀');
    assertSameAsPoppler(pdf, got);
    await refused(onePage('BT /F1 12 Tf 72 700 Td <07> Tj ET', { 10: cmap }, font), /font \/F1 \(object 5\): code 0x07 maps to no text/);
  });

  it("text operators out of place, an unknown font, an inline image, Type0 fonts it cannot read", async () => {
    await refused(onePage('(x) Tj'), /the content of page 1 \(object 3\), byte 4: Tj: outside BT \.\.\. ET/);
    await refused(onePage('BT (x) Tj ET'), /Tj: no font selected/);
    await refused(onePage('BT /F9 12 Tf ET'), /Tf: the font \/F9 is not in the resources/);
    await refused(onePage('BT /F1 12 Tf (x) Tj'), /BT without ET/);
    await refused(onePage('Q'), /Q without q/);
    await refused(onePage('BI /W 1 /H 1 ID x EI'), /inline images are not read/);
    await refused(onePage('BT /F1 12 Tf 1 2 Tj ET'), /Tj: a string expected/);
    await refused(onePage('BT /F1 12 Tf (x) Tj ET', {}, '<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [] >>'), /without \/ToUnicode/);
    await refused(onePage('BT /F1 12 Tf (x) Tj ET', {}, '<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /UniJIS-UCS2-H >>'), /encoding \/UniJIS-UCS2-H is not read/);
    await refused(onePage('BT /F1 12 Tf (x) Tj ET', {}, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Differences [65 /B] >> >>'), /\/Differences and no \/ToUnicode/);
    await refused(onePage('BT /F1 12 Tf (x) Tj ET', {}, '<< /Type /Font /Subtype /Type3 >>'), /\/Subtype \/Type3 is not read/);
  });
});

describe('checkExhibitText: the pages against the statement\'s text', () => {
  const mismatch = (pages: string[], expected: string[]): string => {
    try {
      checkExhibitText(pages, expected);
    } catch (e) {
      assert.ok(e instanceof VerificationError);
      assert.equal(e.code, 'EXHIBIT_MISMATCH');
      return e.message;
    }
    assert.fail('matched');
  };

  it('the same words, however the white space and pages fall, and canonically equivalent text (NFC), match', () => {
    checkExhibitText(['  Destroyed 3 of\n 3 objects.', '', 'Key id  abc '], ['Destroyed 3 of 3 objects.', 'Key id abc']);
    checkExhibitText(['cafe\u0301'], ['café']);
    checkExhibitText(['a very-long-tok', 'en that pdfkit broke'], ['a very-long-token that pdfkit broke']); // a word broken between two lines
    checkExhibitText([], []);
    checkExhibitText(['\n'], ['  ']);
  });

  it('a difference names the page, the character and both excerpts', () => {
    const m = mismatch(['Destroyed 3 of 3 objects.', 'Retained 2 under hold H-1.'], ['Destroyed 3 of 3 objects.', 'Retained 0 under hold H-1.']);
    // Compared without white space (docs/FORMAT.md section 13), and so shown.
    assert.equal(m, 'page 2, character 9: the pages say "…s.Retained2underholdH-1." where the statement\'s text says "…s.Retained0underholdH-1."');
    assert.equal(mismatch(['ab'], ['ab cd']), 'page 1, character 3: the pages say nothing more where the statement\'s text says "abcd"');
    assert.equal(mismatch(['ab cd'], ['ab']), 'page 1, character 3: the pages say "abcd" where the statement\'s text says nothing more');
    assert.match(mismatch([], ['x']), /^the exhibit has no pages: the pages say nothing more where/);
    assert.match(mismatch(['Destroyed', 'x'], ['Destroyed', 'y']), /^page 2, character 1: /);
    assert.equal(mismatch(['Destroyed' + 'x'.repeat(100)], ['Destroyed' + 'x'.repeat(99) + 'y']), `page 1, character 109: the pages say "…${'x'.repeat(11)}" where the statement's text says "…${'x'.repeat(10)}y"`);
  });
});
