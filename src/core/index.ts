// The verifiable core: pure, synchronous, browser-safe. The CLI verifier and
// the offline verifier page ship this folder and nothing else.
export * from './bytes.js';
export * from './canonical-json.js';
export * from './certificate.js';
export * from './display-text.js';
export * from './dsse.js';
export * from './ed25519.js';
export * from './errors.js';
export * from './merkle.js';
export * from './object-proof.js';
export * from './record.js';
export * from './records-verifier.js';
export * from './statement.js';
export * from './statement-builder.js';
export * from './strict-json.js';
