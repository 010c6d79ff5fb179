// The C2SP formats of the transparency log (docs/FORMAT.md section 12), read
// and written by the core: signed notes, checkpoints, cosignatures,
// tlog-proof receipts and tile paths. Vectors from code written elsewhere,
// each with its source:
// - C2SP/C2SP signed-note.md, "Example": a note and its verifier key;
// - golang/mod sumdb/note/note_test.go (TestSign, TestOpen, TestNewVerifier):
//   the PeterNeumann and EnochRoot keys, signatures and malformed notes;
// - transparency-dev/formats log/note_test.go (TestSumDBNoteParsing): a
//   sum.golang.org tree note with that log's real key;
// - C2SP tlog-tiles.md and transparency-dev/tessera api/layout/paths_test.go:
//   tile paths;
// - the RFC 6962 test tree (transparency-dev/merkle testonly/constants.go,
//   proof/verify_test.go): its size-8 root and the inclusion proof of leaf 5.
// A checkpoint of that tree, its cosignature and a tlog-proof were made with
// Go (golang.org/x/mod/sumdb/note v0.43.0 for the note, the cosignature/v1
// construction of transparency-dev/formats v0.1.1) from the test seeds 0x01
// and 0x02 x 32; those programs accepted them, and ours must produce the
// same bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64Decode, bytesToHex, hexToBytes, parseTrustRoot, publicKeyToPem, seedSigner, utf8Encode } from '../../packages/verify/src/core/index.js';
import { sha256 as sha256Of } from '@noble/hashes/sha2.js';

const spki = (pub: Uint8Array) => publicKeyToPem(pub).split('\n')[1]!;
import { formatCheckpointText, parseCheckpointText } from '../../packages/verify/src/core/checkpoint.js';
import { cosignatureLine, verifyCosignatures } from '../../packages/verify/src/core/cosignature.js';
import { type TrustLog } from '../../packages/verify/src/core/trust-root.js';
import { verifyReceipt } from '../../packages/verify/src/core/log-receipt.js';
import {
  formatSignedNote,
  formatVerifierKey,
  NOTE_KEY_COSIGNATURE_V1,
  NOTE_KEY_ED25519,
  noteSignatureLine,
  parseSignedNote,
  parseVerifierKey,
  verifyNote,
} from '../../packages/verify/src/core/signed-note.js';
import { formatTlogProof, parseTlogProof } from '../../packages/verify/src/core/tlog-proof.js';
import { parseTilePath, tileAt, tileIndexPath, tileOfNode, tilePath } from '../../packages/verify/src/core/tlog-tiles.js';
import { codeOf } from './fails-with.js';

/** `f` fails with `code`; `what` names the case when it does not. */
const refuses = (f: () => unknown, code: string, what: string) => assert.equal(codeOf(f), code, what);

const C2SP_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const C2SP_NOTE = 'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
/** x/mod's signer key: PRIVATE+KEY+name+hint+base64(0x01 || seed). */
const PETER_SEED = base64Decode('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz').subarray(1);
const PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_LINE = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const ENOCH_LINE = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const SUMDB_NOTE =
  'go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n\u2014 sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n';

// The size-8 RFC 6962 test tree, its checkpoint by the test log key (seed 0x01 x 32) and a witness's cosignature (seed 0x02 x 32) at 1700000000.
const LOG_NAME = 'example.com/shredproof-test-log';
const LOG_VKEY = 'example.com/shredproof-test-log+0b93462c+AYqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c';
const WITNESS_VKEY = 'witness.example/w1+df1c0a35+BIE5dw6ofRdfVqNUZsNMfszLjYqRtO43ol32D1uPybOU';
const ROOT8 = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';
const CHECKPOINT_TEXT = `${LOG_NAME}\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n`;
const LOG_LINE = `\u2014 ${LOG_NAME} C5NGLL5joc2JIj2vq++y+FKW8lnw5PDuU71DgTm+UEzB2YaLRD5rmpY3vi4ANLHc08dPgZ4skkxj+3TufXZWbCFC9wk=\n`;
const WITNESS_LINE = '\u2014 witness.example/w1 3xwKNQAAAABlU/EAzi8kJ0ssomBoKUeUdDrM/OqulKFBHxAYuLzzFIRQs0SWld6/iSRN+lt7BeYBc5euaYqfdLJYfxOhQ5NASocPDA==\n';
const COSIGNED = CHECKPOINT_TEXT + '\n' + LOG_LINE + WITNESS_LINE;
const PROOF5 = ['vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=', 'yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=', '037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc='];
const RECEIPT5 = `c2sp.org/tlog-proof@v1\nindex 5\n${PROOF5.join('\n')}\n\n${COSIGNED}`;
const LEAF5 = hexToBytes('40414243');

const logSigner = seedSigner(new Uint8Array(32).fill(1));
const witnessSigner = seedSigner(new Uint8Array(32).fill(2));

describe('signed notes (c2sp.org/signed-note)', () => {
  it('verifies the spec\'s example and the sum.golang.org tree note with their verifier keys', () => {
    assert.deepEqual(verifyNote(parseSignedNote(C2SP_NOTE), [parseVerifierKey(C2SP_VKEY)]).map((k) => k.name), ['example.com/foo']);
    const sumdb = parseSignedNote(SUMDB_NOTE);
    assert.deepEqual(verifyNote(sumdb, [parseVerifierKey(SUMDB_VKEY)]).map((k) => k.name), ['sum.golang.org']);
    assert.deepEqual([parseCheckpointText(sumdb.text).size, parseCheckpointText(sumdb.text).origin], [6476701, 'go.sum database tree']);
  });

  it('signs as golang.org/x/mod does: the same key hint, the same deterministic line, for two keys', () => {
    const peter = seedSigner(PETER_SEED);
    assert.equal(formatVerifierKey('PeterNeumann', NOTE_KEY_ED25519, peter.publicKey), PETER_VKEY);
    assert.equal(noteSignatureLine(PETER_TEXT, 'PeterNeumann', peter), PETER_LINE);
    const both = parseSignedNote(formatSignedNote(PETER_TEXT, [PETER_LINE, ENOCH_LINE]));
    assert.deepEqual(verifyNote(both, [parseVerifierKey(PETER_VKEY), parseVerifierKey(ENOCH_VKEY)]).map((k) => k.name), ['PeterNeumann', 'EnochRoot']);
  });

  it('ignores signers it does not know, as the spec requires, and refuses a note no known key signed', () => {
    const both = parseSignedNote(PETER_TEXT + '\n' + PETER_LINE + ENOCH_LINE);
    assert.deepEqual(verifyNote(both, [parseVerifierKey(ENOCH_VKEY)]).map((k) => k.name), ['EnochRoot']);
    refuses(() => verifyNote(parseSignedNote(PETER_TEXT + '\n' + PETER_LINE), [parseVerifierKey(ENOCH_VKEY)]), 'NOTE_UNVERIFIED', 'EnochRoot');
  });

  it('refuses the whole note when a known key\'s signature fails (x/mod TestOpen: ABCD inserted at offset 60)', () => {
    const note = PETER_TEXT + '\n' + PETER_LINE.slice(0, 60) + 'ABCD' + PETER_LINE.slice(60);
    refuses(() => verifyNote(parseSignedNote(note), [parseVerifierKey(PETER_VKEY)]), 'NOTE_SIGNATURE_INVALID', 'PeterNeumann');
    const changed = PETER_TEXT.replace('answer', 'answers') + '\n' + PETER_LINE;
    refuses(() => verifyNote(parseSignedNote(changed), [parseVerifierKey(PETER_VKEY)]), 'NOTE_SIGNATURE_INVALID', 'changed text');
  });

  it('parses strictly: x/mod TestOpen\'s malformed notes, extra lines, duplicated signatures, control characters, lax base64', () => {
    const bad: Array<[string, string]> = [
      [PETER_TEXT, 'no blank line'],
      [PETER_TEXT + '\n', 'no signature line'],
      [PETER_TEXT + '\n' + PETER_LINE.slice(0, -1), 'the last line does not end in a newline'],
      ['\x01' + PETER_TEXT + '\n' + PETER_LINE, 'a control character'],
      [PETER_TEXT.replace('\n', '\r\n') + '\n' + PETER_LINE, 'a carriage return'],
      [PETER_TEXT + '\n' + PETER_LINE.replace('PeterNeumann', 'Bad Name'), 'a key name with a space'],
      [PETER_TEXT + '\n' + PETER_LINE + 'And this is not a signature line.\n', 'an extra line after the signatures'],
      [PETER_TEXT + '\n' + PETER_LINE.replace('\u2014', '-'), 'a hyphen for the em dash'],
      [PETER_TEXT + '\n' + PETER_LINE + PETER_LINE, 'one key\'s signature twice'],
      [PETER_TEXT + '\n' + PETER_LINE.replace('AM=\n', 'AM\n'), 'base64 without its padding'],
      [PETER_TEXT + '\n' + PETER_LINE.repeat(1).replace(/x08go/, 'x08g_'), 'URL-safe base64'],
      [PETER_TEXT + '\n' + '\u2014 PeterNeumann AAAA\n', 'a signature shorter than a key hint and one byte'],
      [PETER_TEXT + '\n' + Array.from({ length: 101 }, (_, i) => `\u2014 k${i} ${PETER_LINE.split(' ')[2]!}`).join(''), '101 signature lines'],
    ];
    for (const [note, what] of bad) refuses(() => parseSignedNote(note), 'NOTE_MALFORMED', what);
    refuses(() => parseSignedNote(new Uint8Array([0xff, 0x0a, 0x0a])), 'NOTE_MALFORMED', 'not UTF-8');
    // The text may hold blank lines of its own: the signatures start after the LAST one.
    const inner = parseSignedNote('a\n\nb\n\n' + PETER_LINE);
    assert.equal(inner.text, 'a\n\nb\n');
  });

  it('reads verifier keys strictly: the hint must be the key\'s, lowercase, and the type known (x/mod TestNewVerifier)', () => {
    const bad = [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      PETER_VKEY.replace('c74f20a3', 'c74f20a4'),
      PETER_VKEY.replace('c74f20a3', 'C74F20A3'),
      PETER_VKEY.replace('PeterNeumann', 'Peter Neumann'),
      PETER_VKEY.slice(0, -1),
      'PeterNeumann+c74f20a3',
    ];
    for (const v of bad) refuses(() => parseVerifierKey(v), 'NOTE_MALFORMED', v);
    refuses(() => parseVerifierKey(PETER_VKEY, NOTE_KEY_COSIGNATURE_V1), 'NOTE_MALFORMED', 'a log key is not a witness key');
  });
});

describe('checkpoints (c2sp.org/tlog-checkpoint) and cosignatures (c2sp.org/tlog-cosignature)', () => {
  it('signs the size-8 test tree\'s checkpoint and cosigns it exactly as the Go programs did', () => {
    const text = formatCheckpointText({ origin: LOG_NAME, size: 8, rootHash: hexToBytes(ROOT8), extensions: [] });
    assert.equal(text, CHECKPOINT_TEXT);
    assert.equal(formatVerifierKey(LOG_NAME, NOTE_KEY_ED25519, logSigner.publicKey), LOG_VKEY);
    assert.equal(formatVerifierKey('witness.example/w1', NOTE_KEY_COSIGNATURE_V1, witnessSigner.publicKey), WITNESS_VKEY);
    assert.equal(noteSignatureLine(text, LOG_NAME, logSigner), LOG_LINE);
    assert.equal(cosignatureLine(text, 'witness.example/w1', witnessSigner, 1700000000), WITNESS_LINE);
    const note = parseSignedNote(COSIGNED);
    assert.deepEqual(verifyNote(note, [parseVerifierKey(LOG_VKEY), parseVerifierKey(WITNESS_VKEY)]).map((k) => k.name), [LOG_NAME], 'a cosignature is not a log signature');
    assert.deepEqual(verifyCosignatures(note, [parseVerifierKey(WITNESS_VKEY)]).map((c) => [c.key.name, c.time]), [['witness.example/w1', 1700000000]]);
  });

  it('a cosignature over another checkpoint, or with its time changed, does not hold', () => {
    const other = parseSignedNote(CHECKPOINT_TEXT.replace('\n8\n', '\n9\n') + '\n' + WITNESS_LINE);
    refuses(() => verifyCosignatures(other, [parseVerifierKey(WITNESS_VKEY)]), 'NOTE_SIGNATURE_INVALID', 'another checkpoint');
    const later = cosignatureLine(CHECKPOINT_TEXT, 'witness.example/w1', witnessSigner, 1700000001);
    const swapped = WITNESS_LINE.slice(0, 30) + later.slice(30, 42) + WITNESS_LINE.slice(42);
    refuses(() => verifyCosignatures(parseSignedNote(CHECKPOINT_TEXT + '\n' + swapped), [parseVerifierKey(WITNESS_VKEY)]), 'NOTE_SIGNATURE_INVALID', 'time changed');
  });

  it('a cosignature time is any of 1 to 2^63 - 1, signed as its decimal digits; 0 and beyond are refused', () => {
    const key = parseVerifierKey(WITNESS_VKEY);
    const lineAt = (timeBytes: number[]) => {
      const sig = witnessSigner.sign(utf8Encode(`cosignature/v1\ntime ${timeBytes.reduce((t, b) => t * 256n + BigInt(b), 0n)}\n${CHECKPOINT_TEXT}`));
      const bytes = new Uint8Array([...base64Decode(WITNESS_LINE.split(' ')[2]!.trim()).subarray(0, 4), ...timeBytes, ...sig]);
      return `\u2014 witness.example/w1 ${Buffer.from(bytes).toString('base64')}\n`;
    };
    const far = [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]; // 2^63 - 1
    assert.equal(verifyCosignatures(parseSignedNote(CHECKPOINT_TEXT + '\n' + lineAt(far)), [key]).length, 1);
    for (const t of [[0, 0, 0, 0, 0, 0, 0, 0], [0x80, 0, 0, 0, 0, 0, 0, 0]]) {
      refuses(() => verifyCosignatures(parseSignedNote(CHECKPOINT_TEXT + '\n' + lineAt(t)), [key]), 'NOTE_SIGNATURE_INVALID', t.join(','));
    }
  });

  it('parses checkpoints as strictly as x/mod\'s tree notes: canonical size, a 32-byte root, non-empty lines', () => {
    const root = 'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=';
    for (const [text, what] of [
      ['o\n8\n', 'two lines'],
      [`\n8\n${root}\n`, 'an empty origin'],
      [`o\n08\n${root}\n`, 'a leading zero'],
      [`o\n+8\n${root}\n`, 'a sign'],
      [`o\n9007199254740992\n${root}\n`, 'beyond 2^53'],
      [`o\n8\n${root.slice(0, -1)}\n`, 'an unpadded root'],
      [`o\n8\nAAAA\n`, 'a 3-byte root'],
      [`o\n8\n${root}\n\n`, 'an empty extension line'],
      [`o\n8\n${root}`, 'no final newline'],
    ] as const) {
      refuses(() => parseCheckpointText(text), 'NOTE_MALFORMED', what);
    }
    assert.deepEqual(parseCheckpointText(`o\n0\n${root}\next\n`).extensions, ['ext']);
  });
});

describe('receipts (c2sp.org/tlog-proof)', () => {
  const log: TrustLog = { origin: LOG_NAME, keys: [LOG_VKEY], witnesses: [WITNESS_VKEY], witnessQuorum: 1 };

  it('reads and writes the receipt of leaf 5 byte for byte, and verifies it against the log and its witness', () => {
    const p = parseTlogProof(RECEIPT5);
    assert.equal(formatTlogProof(p), RECEIPT5);
    assert.deepEqual([p.index, p.hashes.length, p.checkpoint], [5, 3, COSIGNED]);
    const facts = verifyReceipt(log, utf8Encode(RECEIPT5), LEAF5);
    assert.deepEqual(facts, { index: 5, treeSize: 8, rootHash: ROOT8, origin: LOG_NAME, logKeys: [`${LOG_NAME}+0b93462c`], cosignatures: [{ witness: 'witness.example/w1', time: 1700000000 }] });
  });

  it('refuses another leaf, another index, a wrong hash, another origin, an untrusted log, too few witnesses', () => {
    refuses(() => verifyReceipt(log, RECEIPT5, hexToBytes('5051525354555657')), 'RECEIPT_MISMATCH', 'another leaf');
    refuses(() => verifyReceipt(log, RECEIPT5.replace('index 5', 'index 4'), LEAF5), 'RECEIPT_MISMATCH', 'another index');
    refuses(() => verifyReceipt(log, RECEIPT5.replace('index 5', 'index 8'), LEAF5), 'RECEIPT_MISMATCH', 'beyond the tree');
    refuses(() => verifyReceipt(log, RECEIPT5.replace(PROOF5[1]!, PROOF5[2]!), LEAF5), 'RECEIPT_MISMATCH', 'a wrong hash');
    refuses(() => verifyReceipt(log, RECEIPT5.replace(`${PROOF5[2]!}\n`, ''), LEAF5), 'RECEIPT_MISMATCH', 'a hash short');
    refuses(() => verifyReceipt({ ...log, origin: 'example.com/other' }, RECEIPT5, LEAF5), 'NOTE_UNVERIFIED', 'another origin');
    refuses(() => verifyReceipt({ ...log, keys: [PETER_VKEY] }, RECEIPT5, LEAF5), 'NOTE_UNVERIFIED', 'another log key');
    const uncosigned = RECEIPT5.replace(WITNESS_LINE, '');
    refuses(() => verifyReceipt(log, uncosigned, LEAF5), 'COSIGNATURE_MISSING', 'no witness');
    assert.equal(verifyReceipt({ ...log, witnessQuorum: 0 }, uncosigned, LEAF5).cosignatures.length, 0, 'no quorum: none needed');
  });

  it('parses strictly', () => {
    for (const [text, what] of [
      [RECEIPT5.replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v2'), 'another version'],
      [RECEIPT5.replace('index 5', 'index 05'), 'a leading zero'],
      [RECEIPT5.replace('index 5\n', ''), 'no index'],
      [RECEIPT5.replace(PROOF5[0]!, PROOF5[0]!.slice(0, -1)), 'an unpadded hash'],
      [RECEIPT5.replace(PROOF5[0]!, 'AAAA'), 'a short hash'],
      [RECEIPT5.split('\n\n')[0]!, 'no checkpoint'],
      [RECEIPT5.replace('index 5', 'extra !!\nindex 5'), 'extra that is not base64'],
    ] as const) {
      refuses(() => parseTlogProof(text), 'NOTE_MALFORMED', what);
    }
    assert.deepEqual(parseTlogProof(RECEIPT5.replace('index 5', 'extra AQI=\nindex 5')).extra, new Uint8Array([1, 2]));
  });
});

describe('the trust root\'s log (section 12.7)', () => {
  const root = (log: unknown) => JSON.stringify({ type: 'shredproof.trust-root', version: 1, issuer: 'x', certificateKeys: [{ keyid: bytesToHex(sha256Of(logSigner.publicKey)), publicKey: spki(logSigner.publicKey), validFrom: '2026-01-01T00:00:00Z' }], log });
  const log = { origin: LOG_NAME, keys: [LOG_VKEY], witnesses: [WITNESS_VKEY], witnessQuorum: 1 };
  it('reads a log, and refuses a witness twice by name or by key, a quorum beyond them, a log key of the wrong type', () => {
    assert.deepEqual(parseTrustRoot(root(log)).log?.witnesses, [WITNESS_VKEY]);
    const sameKeyOtherName = formatVerifierKey('witness.example/w2', NOTE_KEY_COSIGNATURE_V1, witnessSigner.publicKey);
    for (const [bad, what] of [
      [{ ...log, witnesses: [WITNESS_VKEY, sameKeyOtherName] }, 'one key under two names'],
      [{ ...log, witnesses: [WITNESS_VKEY, formatVerifierKey('witness.example/w1', NOTE_KEY_COSIGNATURE_V1, logSigner.publicKey)] }, 'one name twice'],
      [{ ...log, witnessQuorum: 2 }, 'a quorum beyond the witnesses'],
      [{ ...log, keys: [WITNESS_VKEY] }, 'a witness key as the log key'],
      [{ ...log, keys: [] }, 'no log key'],
      [{ ...log, origin: 'a\nb' }, 'a control character in the origin'],
    ] as const) {
      refuses(() => parseTrustRoot(root(bad)), 'TRUST_ROOT_INVALID', what);
    }
  });
});

describe('tile paths (c2sp.org/tlog-tiles)', () => {
  it('writes and reads the spec\'s and tessera\'s examples', () => {
    const cases: Array<[number, number, number, string]> = [
      [0, 0, 256, 'tile/0/000'],
      [0, 0, 255, 'tile/0/000.p/255'],
      [1, 0, 256, 'tile/1/000'],
      [15, 455667, 256, 'tile/15/x455/667'],
      [15, 123456789, 41, 'tile/15/x123/x456/789.p/41'],
      [-1, 0, 8, 'tile/entries/000.p/8'],
      [-1, 255, 253, 'tile/entries/255.p/253'],
      [-1, 123456789, 256, 'tile/entries/x123/x456/789'],
    ];
    for (const [level, index, width, path] of cases) {
      assert.equal(tilePath({ level, index, width }), path);
      assert.deepEqual(parseTilePath(path), { level, index, width }, path);
    }
    assert.equal(tileIndexPath(1234067), 'x001/x234/067');
    for (const bad of ['tile/0/0', 'tile/0/000.p/256', 'tile/0/000.p/0', 'tile/0/000.p/07', 'tile/64/000', 'tile/01/000', 'tile/0/x000/001', 'tile/0/1234', 'tile/0/x1/001', 'tile/data/000']) {
      assert.equal(typeof parseTilePath(bad), 'string', bad);
    }
  });

  it('knows which tiles a tree has: the spec\'s 70,000-entry example', () => {
    assert.deepEqual(tileAt(0, 272, 70000), { level: 0, index: 272, width: 256 });
    assert.deepEqual(tileAt(0, 273, 70000), { level: 0, index: 273, width: 112 });
    assert.equal(tileAt(0, 274, 70000), undefined);
    assert.deepEqual(tileAt(1, 0, 70000), { level: 1, index: 0, width: 256 });
    assert.deepEqual(tileAt(1, 1, 70000), { level: 1, index: 1, width: 17 });
    assert.deepEqual(tileAt(2, 0, 70000), { level: 2, index: 0, width: 1 });
    assert.deepEqual(tileOfNode({ start: 512, end: 1024 }, 70000), { tile: { level: 1, index: 0, width: 256 }, offset: 2, count: 2 });
    assert.deepEqual(tileOfNode({ start: 69888, end: 69889 }, 70000), { tile: { level: 0, index: 273, width: 112 }, offset: 0, count: 1 });
    assert.equal(bytesToHex(new Uint8Array()), '');
  });
});
