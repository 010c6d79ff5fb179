// The transparency log's storage (docs/FORMAT.md section 12; the use cases
// are src/app/transparency-log.ts): its entries, the hash of every perfect
// subtree of its tree (so that proofs and tiles read hashes and never
// recompute them), the checkpoints it signed, the witnesses' cosignatures on
// them, and the witnesses it lists. Rows are appended, never changed.
import type { Signer } from '@shredproof/verify';

/** The log's identity: its origin (every checkpoint's first line, and its key's name) and its signing key. */
export interface LogKey {
  origin: string;
  signer: Signer;
}

export interface LogEntryRow {
  idx: number;
  type: string;
  /** What the entry is found by: a certificate's id, `revocation:<keyid>`. */
  ref: string | null;
  entry: Uint8Array;
  loggedAt: string;
}

export interface LogCheckpointRow {
  size: number;
  root: Uint8Array;
  /** The signed note, as the log signed it (no cosignature). */
  note: string;
  signedAt: string;
}

export interface LogCosignatureRow {
  size: number;
  /** The witness's verifier key. */
  witness: string;
  /** Its signature line, ending in "\n". */
  line: string;
  time: number;
  addedAt: string;
}

export interface LogWitnessRow {
  vkey: string;
  addedAt: string;
  addedBy: string;
}

export interface LogStore {
  /** How many entries the log has. */
  size(): number;
  insertEntry(e: LogEntryRow): void;
  /** The hash of the perfect subtree [idx * 2^level, (idx + 1) * 2^level). */
  insertNode(level: number, idx: number, hash: Uint8Array): void;
  node(level: number, idx: number): Uint8Array | undefined;
  /** The nodes of one level from `from`, in order, as many as exist up to `count`. */
  nodes(level: number, from: number, count: number): Uint8Array[];
  /** The entries from `from`, in order, as many as exist up to `count`. */
  entries(from: number, count: number): LogEntryRow[];
  /** The index of the last entry with this ref. */
  entryIndex(ref: string): number | undefined;
  latestCheckpoint(): LogCheckpointRow | undefined;
  checkpoint(size: number): LogCheckpointRow | undefined;
  /** The smallest checkpoint whose tree holds entry `idx`. */
  checkpointCovering(idx: number): LogCheckpointRow | undefined;
  saveCheckpoint(row: LogCheckpointRow): void;
  cosignatures(size: number): LogCosignatureRow[];
  /** The largest checkpoint of at least `minSize` entries with cosignatures by at least `minWitnesses` witnesses. */
  largestCosigned(minWitnesses: number, minSize: number): LogCheckpointRow | undefined;
  /** Adds or replaces (a later time) one witness's cosignature of a checkpoint. */
  saveCosignature(row: LogCosignatureRow): void;
  witnesses(): LogWitnessRow[];
  addWitness(row: LogWitnessRow): void;
  removeWitness(vkey: string): boolean;
  /** The log's settings: its origin, when it began, the witnesses' quorum. */
  setting(name: 'log_origin' | 'log_started_at' | 'log_witness_quorum'): string | undefined;
  setSetting(name: 'log_origin' | 'log_started_at' | 'log_witness_quorum', value: string): void;
}
