// What a legal exhibit says beyond the statement (docs/FORMAT.md section 13),
// read from its attachments as the writer reads them from the bundle: the
// hold ids of order.json, the bundle's SHA-256 (exhibitDigestInput over each
// attached file's SHA-256, records.ndjson's always the statement's
// records.sha256), and the receipt's entry. One function for every verifier
// of an exhibit (the CLI's verify --exhibit, the offline verifier page), so
// that they compare the pages with the same words.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8Decode, utf8Encode } from './bytes.js';
import { exhibitDigestInput, type ExhibitFacts } from './exhibit-text.js';

/**
 * The facts of an exhibit whose attachments (`files`, by name) verified as a
 * bundle. `receipt` is the receipt's entry only when the receipt was checked
 * against a log: a pinned trust root without a log then makes an exhibit
 * that prints a log entry fail, as it must.
 */
export function exhibitFacts(files: ReadonlyMap<string, Uint8Array>, recordsSha256: string, receipt?: ExhibitFacts['receipt']): ExhibitFacts {
  const hashes = new Map([...files].map(([name, bytes]) => [name, bytesToHex(sha256(bytes))]));
  const order = files.get('order.json');
  // order.json verified (verifyOrderFile) when present: strict UTF-8 JSON of the order document.
  const holds = order ? ((JSON.parse(utf8Decode(order)) as { holds?: Array<{ id?: unknown }> }).holds ?? []) : [];
  return {
    holdIds: holds.map((h) => h.id).filter((id): id is string => typeof id === 'string'),
    bundleSha256: bytesToHex(sha256(utf8Encode(exhibitDigestInput(hashes, recordsSha256)))),
    ...(receipt ? { receipt: { index: receipt.index, treeSize: receipt.treeSize, origin: receipt.origin } } : {}),
  };
}
