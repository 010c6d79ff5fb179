// What runs on Node only: streaming a records file of any size against its
// certificate, the SHA-256 of node:crypto behind the Merkle hasher interface,
// an index of a records file for per-object proofs, public key files, and
// zlib's inflate for the exhibit reader.
export { nodeFileDigest, type RecordsVisitor, verifyRecordsFile } from './fast-verify.js';
export { forEachLine, type LineHandler } from './line-reader.js';
export { nodeHasher } from './merkle-hasher.js';
export { type RecordSelector, RecordsIndex } from './records-index.js';
export { loadTrustedKey } from './trusted-key.js';
export { nodeInflate } from './inflate.js';
