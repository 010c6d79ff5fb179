// One line of a benchmark report. Each bench module exports
// `async function benchX(): Promise<BenchResult[]>`; bench/run.ts collects them.

export interface BenchResult {
  /** What was measured, e.g. "root of 3,000,000 leaves, MerkleRootBuilder + nodeHasher". */
  name: string;
  value: number;
  /** Unit of `value`: "s", "MB", "ops/s", "x". */
  unit: string;
  /** The goal, in words, e.g. "< 5 s". */
  target?: string;
  /** What a reader needs to judge the figure: baseline, input shape, caveats. */
  note?: string;
}
