// Per-object proofs for certified orders. Building a proof needs the whole
// tree, so each certificate's records file is indexed once (src/node/
// records-index.ts: verified against the signed root while loading) and kept
// in a small LRU bounded by memory; concurrent first requests share one load.
import type { AnyCertificateStatement } from '@shredproof/verify';
import { RecordsIndex } from '@shredproof/verify/node';

export class ProofCache {
  private readonly entries = new Map<string, Promise<RecordsIndex>>();
  private readonly sizes = new Map<string, number>();

  constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

  index(certificateId: string, recordsPath: string, statement: () => AnyCertificateStatement): Promise<RecordsIndex> {
    const hit = this.entries.get(certificateId);
    if (hit) {
      // Most recently used last.
      this.entries.delete(certificateId);
      this.entries.set(certificateId, hit);
      return hit;
    }
    const loading = Promise.resolve()
      .then(() => RecordsIndex.load(recordsPath, statement()))
      .then(
      (ix) => {
        this.sizes.set(certificateId, ix.memoryBytes);
        this.evict(certificateId);
        return ix;
      },
      (e: unknown) => {
        this.entries.delete(certificateId);
        throw e;
      },
    );
    this.entries.set(certificateId, loading);
    return loading;
  }

  private evict(keep: string): void {
    let total = [...this.sizes.values()].reduce((a, b) => a + b, 0);
    for (const id of this.entries.keys()) {
      if (total <= this.maxBytes) break;
      if (id === keep || !this.sizes.has(id)) continue;
      total -= this.sizes.get(id)!;
      this.sizes.delete(id);
      this.entries.delete(id);
    }
  }
}
