// The verifier page's records verifier (src/verifier-page/records-check.ts,
// fed by the page's reader) as a plain function of its data, browser-safe,
// so that the very same code runs in Node and, bundled with the page's
// esbuild settings, in Chromium. It returns what it found, not pass/fail:
// test/browser/records-check.test.ts compares it with the core's verdict.
import { bytesToHex, type CertificateStatement, hexToBytes, VerificationError } from '../../packages/verify/src/core/index.js';
import { forEachBlobLine } from '../../src/verifier-page/blob-lines.js';
import { LeafHashes } from '../../src/verifier-page/leaf-hashes.js';
import { PageRecordsVerifier } from '../../src/verifier-page/records-check.js';

export interface RecordsCase {
  statement: CertificateStatement;
  /** records.ndjson, hex. */
  hex: string;
  /** The reader's window; small ones cut lines across reads. */
  windowBytes?: number;
}

export interface RecordsVerdict {
  code: string;
  summary?: { count: number; bytes: number; perTarget: Array<readonly [string, { count: number; bytes: number; methods: string[] }]> };
  /** Leaf hashes kept for the photo check (when valid): their tree's root, which must be the certified one. */
  leavesRoot?: string;
}

/** Verifies each case as the page does: its verdict code ('ok' when valid) and, when valid, its summary. */
async function verdicts(cases: readonly RecordsCase[]): Promise<RecordsVerdict[]> {
  const out: RecordsVerdict[] = [];
  for (const c of cases) {
    const leaves = new LeafHashes();
    const v = new PageRecordsVerifier(c.statement, leaves);
    const blob = new Blob([new Uint8Array(hexToBytes(c.hex))]);
    try {
      await forEachBlobLine(blob, (b, s, e, n) => v.line(b, s, e, n), { onLines: (b, s, e) => v.fileBytes(b, s, e), ...(c.windowBytes ? { windowBytes: c.windowBytes } : {}) });
      const s = v.finish();
      const perTarget = [...s.perTarget].map(([k, t]) => [k, { count: t.count, bytes: t.bytes, methods: [...t.methods] }] as [string, { count: number; bytes: number; methods: string[] }]);
      const root = leaves.count === 0 ? '' : bytesToHex(leaves.tree().root());
      out.push({ code: 'ok', summary: { count: s.count, bytes: s.bytes, perTarget }, leavesRoot: root });
    } catch (e) {
      // Anything but a VerificationError is a bug, and shows as one.
      out.push({ code: e instanceof VerificationError ? e.code : `thrown: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  return out;
}

export const recordsChecks = { verdicts };
export type RecordsChecks = typeof recordsChecks;
