// What the engine reports as it works, for /metrics (src/http/metrics.ts).
import type { ItemResult } from './results.js';

/** Optional in EngineDeps, so that tools without an API need none. */
export interface EngineMetrics {
  ingested(target: string, results: readonly ItemResult[]): void;
  phase(phase: 'plan' | 'execute' | 'finalize', seconds: number): void;
}
