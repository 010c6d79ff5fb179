// The verifiable core: pure, synchronous, browser-safe, the main entry point
// of @shredproof/verify. The CLI verifiers and the offline verifier page
// ship this folder and what it imports (@noble) and nothing else.
export * from './approval.js';
export * from './bytes.js';
export * from './canonical-json.js';
export * from './certificate.js';
export * from './checkpoint.js';
export * from './cosignature.js';
export * from './display-text.js';
export * from './derived-artifacts.js';
export * from './disposition.js';
export * from './dsse.js';
export * from './ed25519.js';
export * from './errors.js';
export * from './fast-record-lines.js';
export * from './list.js';
export * from './log-entry.js';
export * from './log-receipt.js';
export * from './merkle.js';
export * from './object-proof.js';
export * from './order-file.js';
export * from './person.js';
export * from './pin.js';
export * from './record.js';
export * from './record-scan.js';
export * from './records-verifier.js';
export * from './signed-note.js';
export * from './statement.js';
export * from './statement-builder.js';
export * from './statement-builder-v2.js';
export * from './statement-v2.js';
export * from './strict-json.js';
export * from './time.js';
export * from './tlog-proof.js';
export * from './tlog-tiles.js';
export * from './trust-root.js';
