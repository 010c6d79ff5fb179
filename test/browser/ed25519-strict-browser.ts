// Entry point bundled for Chromium by test/browser/ed25519-strict.test.ts:
// the core's lowest-level signature check, where page.evaluate can call it.
import { hexToBytes, verifySignature } from '../../packages/verify/src/core/index.js';

export interface SignatureCase {
  /** Hex. */
  message: string;
  publicKey: string;
  signature: string;
}

/** The core's verdict on each case, as the verifier page's bundle of packages/verify/src/core gives it. */
function verifySignatures(cases: readonly SignatureCase[]): boolean[] {
  return cases.map((c) => verifySignature(hexToBytes(c.signature), hexToBytes(c.message), hexToBytes(c.publicKey)));
}

export const ed25519Checks = { verifySignatures };
export type Ed25519Checks = typeof ed25519Checks;

(globalThis as { ed25519Checks?: Ed25519Checks }).ed25519Checks = ed25519Checks;
