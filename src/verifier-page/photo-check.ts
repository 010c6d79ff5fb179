// "Check a photo", in the worker: the SHA-256 of each chosen file, read in
// chunks, then looked up among the destroyed objects of the last
// verification. In a records file, every file is looked up in one pass, and
// each record found gets its inclusion proof built from the verified leaf
// hashes and checked against the certified root (RFC 9162 section 2.1.3). A
// proof file was checked whole when it was verified. A photo that was not
// destroyed is also looked up among the retained entries that carry a content
// hash (docs/FORMAT.md section 5.5): only the matching entry is reported.
import { bytesEqual, bytesToHex, decodeLine, hexToBytes, newScannedRecord, nobleHasher, parseRecordLine, type ScannedRecord, scanRecord, utf8Encode, verifyInclusion } from '@shredproof/verify';
import { forEachBlobLine } from './blob-lines.js';
import { BlobWindow } from './blob-window.js';
import type { CheckOutcome, HeldMatch, Match, ProgressFn, Searched } from './protocol.js';
import { Sha256 } from './sha256.js';
import type { VerifiedRecords } from './file-jobs.js';
import type { VerifiedSession } from './verify-job.js';

// For a line the scanner declines: in a canonical record this text precedes
// the value of every member named sha256, and it cannot occur inside a
// string, where '"' is escaped. So the 64 characters after each occurrence
// include the record's own sha256; the line is then parsed to confirm the
// match is the record's, not a nested member's.
const SHA256_MEMBER = '"sha256":"';
const HASH_WINDOW_BYTES = 1 << 20;

async function hashFile(file: File, progress: ProgressFn): Promise<string> {
  const h = new Sha256();
  const window = new BlobWindow(file, HASH_WINDOW_BYTES);
  try {
    // Each read is hashed whole and then dropped (consumed) by the next fill.
    while (await window.fill(window.end)) {
      h.update(window.bytes.subarray(0, window.end));
      progress('hash', window.read, file.size, 0);
    }
  } finally {
    await window.close();
  }
  return bytesToHex(h.digest());
}

/** The first 32 bits of a lowercase hex SHA-256 as a number: a cheap first test before a line's hash is made a string. */
const hexKey = (hex: string) => Number.parseInt(hex.slice(0, 8), 16);

function bytesHexKey(bytes: Uint8Array, at: number): number {
  let k = 0;
  for (let i = at; i < at + 8; i++) {
    const c = bytes[i]!;
    k = k * 16 + (c <= 0x39 ? c - 0x30 : c - 0x57); // scanRecord accepted [0-9a-f] only
  }
  return k;
}

/** The records of the verified file whose sha256 is one of `wanted`, each proved against the certified root. */
async function searchRecords(records: VerifiedRecords, rootHash: string, wanted: ReadonlySet<string>, progress: ProgressFn): Promise<Map<string, Match[]>> {
  const found: Array<{ line: string; index: number; sha256: string }> = [];
  const keys = new Set([...wanted].map(hexKey));
  const scanned = newScannedRecord();
  await forEachBlobLine(
    records.file,
    (bytes, start, end, lineNumber) => {
      // The usual line, as verification read it: its sha256 is where the scanner says, and only a likely match is made a string.
      if (scanRecord(bytes, start, end, scanned)) {
        if (!keys.has(bytesHexKey(bytes, scanned.sha256))) return;
        const hex = String.fromCharCode(...bytes.subarray(scanned.sha256, scanned.sha256 + 64));
        if (wanted.has(hex)) found.push({ line: decodeLine(bytes.subarray(start, end), lineNumber), index: lineNumber - 1, sha256: hex });
        return;
      }
      const text = decodeLine(bytes.subarray(start, end), lineNumber);
      for (let at = text.indexOf(SHA256_MEMBER); at !== -1; at = text.indexOf(SHA256_MEMBER, at + 1)) {
        const hex = text.slice(at + SHA256_MEMBER.length, at + SHA256_MEMBER.length + 64);
        if (wanted.has(hex) && parseRecordLine(text, lineNumber).sha256 === hex) {
          found.push({ line: text, index: lineNumber - 1, sha256: hex });
          return;
        }
      }
    },
    { progress: (bytes, lines) => progress('search', bytes, records.file.size, lines) },
  );
  const matches = new Map<string, Match[]>();
  if (found.length === 0) return matches;
  const tree = records.leaves.tree();
  const root = hexToBytes(rootHash);
  for (const { line, index, sha256: hex } of found) {
    // The leaf hash and the proof check use the core's noble SHA-256, not the page's that built the tree: each checks the other.
    const leafHash = nobleHasher.hashLeaf(utf8Encode(line));
    if (index >= tree.size || !bytesEqual(leafHash, tree.nodeHash({ start: index, end: index + 1 }))) {
      throw new Error('the records file changed on disk since it was verified; verify it again');
    }
    const path = tree.inclusionProof(index);
    verifyInclusion(index, tree.size, leafHash, path, root);
    matches.set(hex, [...(matches.get(hex) ?? []), { record: parseRecordLine(line), proofLength: path.length, source: 'records' }]);
  }
  return matches;
}

const NOTHING_TO_SEARCH = 'Verify a certificate with its records file or a proof file first: the photo is looked up among what they prove.';

/** The retained entries whose content hash is `sha256`: from the verified retained.ndjson, else from verified proofs of retained entries. */
function heldMatches(session: VerifiedSession, sha256: string): HeldMatch[] {
  const listed = session.retained?.bySha256.get(sha256) ?? [];
  if (listed.length > 0) return listed.map((entry) => ({ entry, source: 'retained' }));
  return session.heldProofs.filter((e) => e.sha256 === sha256).map((entry) => ({ entry, source: 'proof' }));
}

export async function runCheck(files: readonly File[], session: VerifiedSession | undefined, progress: ProgressFn): Promise<CheckOutcome[]> {
  const { records, recordProofs = [], retained, heldProofs = [] } = session ?? {};
  if (!session || (!records && recordProofs.length === 0 && !retained && !heldProofs.some((e) => e.sha256 !== undefined))) {
    return files.map((f) => ({ status: 'error', name: f.name, message: NOTHING_TO_SEARCH }));
  }
  const hashed: Array<{ file: File; sha256: string } | { file: File; error: string }> = [];
  for (const file of files) {
    try {
      hashed.push({ file, sha256: await hashFile(file, progress) });
    } catch (e) {
      hashed.push({ file, error: `cannot read it: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  const wanted = new Set(hashed.flatMap((h) => ('sha256' in h ? [h.sha256] : [])));
  let matches = new Map<string, Match[]>();
  if (records) {
    try {
      matches = await searchRecords(records, session.statement.merkle.rootHash, wanted, progress);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return files.map((f) => ({ status: 'error', name: f.name, message }));
    }
  }
  // A proof's record was proved when it was verified; the records file, when given, has already found the same record.
  for (const p of records ? [] : recordProofs) {
    if (wanted.has(p.record.sha256)) matches.set(p.record.sha256, [...(matches.get(p.record.sha256) ?? []), { record: p.record, proofLength: p.proofLength, source: 'proof' }]);
  }
  const searched: Searched = {
    recordProofs: records ? 0 : recordProofs.length,
    retainedProofs: retained ? 0 : heldProofs.filter((e) => e.sha256 !== undefined).length,
    version: session.statement.version,
    ...(records ? { records: records.count } : {}),
    ...(retained ? { retained: { count: retained.count, hashed: retained.hashed } } : {}),
  };
  return hashed.map((h) => {
    if ('error' in h) return { status: 'error', name: h.file.name, message: h.error };
    const m = matches.get(h.sha256) ?? [];
    const held = heldMatches(session, h.sha256);
    const status = m.length > 0 ? 'found' : held.length > 0 ? 'held' : 'not-found';
    return { status, name: h.file.name, size: h.file.size, sha256: h.sha256, searched, matches: m, held, unpinned: !session.pinned };
  });
}
