// The bundle's data files, checked in the worker by the core's rules with the
// page's hashes: records.ndjson streamed through the page's records verifier
// (./records-check.ts: the CLI's fast path, the core's codes), and the list
// files of a version 2 certificate (docs/FORMAT.md section 5.5) by the core's
// verifyListFile, as `shredproof verify --bundle` checks them. What verified
// is kept for the statement view and the photo check.
import {
  type AnyCertificateStatement,
  type CertificateStatementV2,
  type ListEntry,
  listFileName,
  type ListName,
  parseListEntryLine,
  type RetainedEntry,
  VerificationError,
  verifyListFile,
} from '@shredproof/verify';
import { forEachBlobLine } from './blob-lines.js';
import { pageFileDigest, readBytes, UsageProblem } from './job-io.js';
import { LeafHashes } from './leaf-hashes.js';
import { pageMerkleHasher } from './page-hasher.js';
import { MAX_LIST_ROWS, type ListView, type ProgressFn } from './protocol.js';
import { PageRecordsVerifier } from './records-check.js';

export interface VerifiedRecords {
  file: File;
  count: number;
  bytes: number;
  leaves: LeafHashes;
}

export async function verifyRecordsBlob(statement: AnyCertificateStatement, file: File, progress: ProgressFn): Promise<VerifiedRecords> {
  const leaves = new LeafHashes();
  // The CLI's fast path, not the core's RecordsVerifier: the same verdicts and codes, several times as fast (./records-check.ts).
  const verifier = new PageRecordsVerifier(statement, leaves);
  try {
    await forEachBlobLine(file, (bytes, start, end, lineNumber) => verifier.line(bytes, start, end, lineNumber), {
      onLines: (bytes, start, end) => verifier.fileBytes(bytes, start, end),
      progress: (bytes, lines) => progress('records', bytes, file.size, lines),
    });
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    throw new UsageProblem(`cannot read the records file ${file.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const summary = verifier.finish();
  return { file, count: summary.count, bytes: summary.bytes, leaves };
}

/** The verified retained entries that carry the held object's content hash, by that hash: what a photo is looked up in. */
export interface RetainedIndex {
  count: number;
  hashed: number;
  bySha256: Map<string, RetainedEntry[]>;
}

export interface VerifiedList {
  view: ListView;
  retained?: RetainedIndex;
}

/**
 * Verifies a list file against the statement (the core's verifyListFile:
 * every rule and code of section 5.5), then reads its entries again, now
 * known to be the certified ones: the first MAX_LIST_ROWS to show, and for
 * retained.ndjson every entry with a content hash.
 */
export async function verifyList(list: ListName, statement: CertificateStatementV2, file: File): Promise<VerifiedList> {
  const bytes = await readBytes(file, listFileName(list));
  const { count } = verifyListFile(list, statement, bytes, { hasher: pageMerkleHasher(), fileDigest: pageFileDigest() });
  const entries: ListEntry[] = [];
  const index: RetainedIndex | undefined = list === 'retained' ? { count, hashed: 0, bySha256: new Map() } : undefined;
  const decoder = new TextDecoder();
  let start = 0;
  for (let i = 0; i < count && (i < MAX_LIST_ROWS || index); i++) {
    const end = bytes.indexOf(0x0a, start);
    const entry = parseListEntryLine(list, decoder.decode(bytes.subarray(start, end)), i + 1);
    start = end + 1;
    if (i < MAX_LIST_ROWS) entries.push(entry);
    if (index && 'holdId' in entry && entry.sha256 !== undefined) {
      index.hashed++;
      index.bySha256.set(entry.sha256, [...(index.bySha256.get(entry.sha256) ?? []), entry]);
    }
  }
  return index ? { view: { count, entries }, retained: index } : { view: { count, entries } };
}
