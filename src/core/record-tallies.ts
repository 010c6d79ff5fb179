// The per-target tallies of the fast records verifiers (the CLI's,
// src/node/fast-verify.ts, and the page's, src/verifier-page/records-check.ts):
// the summary the core's RecordsVerifier keeps, with each target and method
// found by its bytes on the fast path, without making a string per line.
import { utf8Encode } from './bytes.js';
import type { RecordsSummary } from './records-verifier.js';
import type { CertificateStatement } from './statement.js';

export interface TargetTally {
  name: string;
  nameBytes: Uint8Array;
  tally: { count: number; bytes: number; methods: Set<string> };
  /** The methods seen on the fast path, as bytes, so that a known one is found without making a string. */
  methodBytes: Uint8Array[];
}

export class RecordTallies {
  readonly summary: RecordsSummary = { count: 0, bytes: 0, perTarget: new Map() };
  readonly #targets: TargetTally[];

  constructor(statement: CertificateStatement) {
    this.#targets = statement.targets.map((t) => ({ name: t.name, nameBytes: utf8Encode(t.name), tally: { count: 0, bytes: 0, methods: new Set<string>() }, methodBytes: [] }));
  }

  /** The target named by bytes[s, e) of a line the scanner accepted. */
  byBytes(bytes: Uint8Array, s: number, e: number): TargetTally | undefined {
    for (const t of this.#targets) if (sameBytes(t.nameBytes, bytes, s, e)) return t;
    return undefined;
  }

  /** By name, as the core compares them: a name is a string, and strings that differ may encode alike (lone surrogates). */
  byName(name: string): TargetTally | undefined {
    return this.#targets.find((t) => t.name === name);
  }

  /** The method at bytes[s, e) of a line the scanner accepted ([a-z0-9-] only). */
  addMethodBytes(t: TargetTally, bytes: Uint8Array, s: number, e: number): void {
    for (const m of t.methodBytes) if (sameBytes(m, bytes, s, e)) return;
    // A copy, not .slice(): on Node's subclass of Uint8Array that is a view, and the reader reuses its bytes.
    const method = new Uint8Array(bytes.subarray(s, e));
    t.methodBytes.push(method);
    t.tally.methods.add(String.fromCharCode(...method));
  }

  /** Counts one record of `size` content bytes; targets enter the summary in order of first use, as in the core. */
  add(t: TargetTally, size: number): void {
    this.summary.count++;
    this.summary.bytes += size;
    if (t.tally.count++ === 0) this.summary.perTarget.set(t.name, t.tally);
    t.tally.bytes += size;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, s: number, e: number): boolean {
  if (a.length !== e - s) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[s + i]) return false;
  return true;
}
