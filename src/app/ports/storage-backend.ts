// The storage backend port: what the engine needs from any store (files, S3,
// SQL, Redis). Batch-oriented so that adapters can batch their own way
// (DeleteObjects of 1000 keys, one SQL transaction, a thread pool of sync
// file calls). No connection or client type appears here.

/** What a certificate calls the destruction, named for what it is (never "NIST 800-88 Purge"). */
export type DestructionMethod = 'unlink' | 's3-delete-all-versions' | 'sql-delete' | 'redis-unlink' | 'crypto-erase';

/** One object of a store, as the plan lists it. */
export interface ObjectRef {
  /** Stable, backend-specific name: a root-relative POSIX path for files. */
  locator: string;
}

export interface ListedObject extends ObjectRef {
  /** Size in bytes of the content that would be hashed. */
  size: number;
  /** Set when a legal hold covers the object: it is retained, never destroyed. */
  heldBy?: string;
  /**
   * Set when the object is in scope but no locator can name it (a name that is
   * not valid UTF-8, a path or key past the length limit): why. `locator` is then
   * a stand-in (src/adapters/storage/unnameable.ts) that no backend admits; the plan
   * records the object as an UNNAMEABLE exception and it is never destroyed.
   */
  unnameable?: string;
}

/** A legal hold. `match` is interpreted by the backend (for files: `{ include: globs[] }`). */
export interface HoldSpec {
  id: string;
  reason: string;
  target: string;
  match: unknown;
}

export type Refusal =
  | { status: 'absent' } // the object is not there (vanished, or was never there)
  | { status: 'held'; holdId: string } // a legal hold covers it now
  | { status: 'out-of-scope' } // it no longer falls inside the order's scope
  | { status: 'error'; code: string; message: string; transient: boolean };

export type HashOutcome =
  | {
      status: 'hashed';
      sha256: string; // lowercase hex of the content as destroyed
      size: number;
      /** Opaque identity of exactly this content (for files dev:ino:size:mtime); destroy() refuses if it changed. */
      fingerprint: string;
      /** Extra facts for the record, e.g. S3 versionId/etag. Never content, never secrets. */
      attributes?: Record<string, string>;
    }
  | Refusal;

export type DestroyOutcome =
  /**
   * `probed: 'absent'`: the backend looked again after destroying, in the same
   * call (an lstat after the unlink), and found nothing; the engine then takes
   * that as the probe of invariant 2 instead of calling probe().
   */
  | { status: 'destroyed'; probed?: 'absent' }
  | { status: 'changed' } // the object is no longer the one that was hashed; it was left alone
  | Refusal;

/** Records the content hashes of a consume() call durably; resolves once they are. */
export type RecordHashes = (hashes: readonly HashOutcome[]) => Promise<void>;

/** One item of a consume() call: what was hashed and, for content that was, what became of it. */
export interface ConsumeOutcome {
  hash: HashOutcome;
  destroy?: DestroyOutcome;
}

export type ProbeOutcome =
  | { status: 'absent' }
  | { status: 'present' }
  | { status: 'error'; code: string; message: string; transient: boolean };

/**
 * Facts about the store a plan was made against, as strings (for files: the
 * root directory's device and inode). The plan records them and workers hand
 * them back to openTarget, which then refuses to work on a store that is no
 * longer the one planned: its objects become exceptions, never records.
 */
export type TargetBinding = Readonly<Record<string, string>>;

/**
 * One order's view of one backend: its scope and the holds that apply.
 * Every method takes a batch and answers with one outcome per item, in order;
 * a per-item problem is an outcome, and only a failure of the whole call
 * (connection lost) throws.
 */
export interface TargetSession {
  /** Streams the scope in pages, in a deterministic order, with bounded memory. */
  list(): AsyncIterable<ListedObject[]>;
  hash(items: readonly ObjectRef[]): Promise<HashOutcome[]>;
  /** Re-checks scope and holds right before destroying; refuses any item whose fingerprint changed. */
  destroy(items: ReadonlyArray<ObjectRef & { fingerprint: string }>): Promise<DestroyOutcome[]>;
  probe(items: readonly ObjectRef[]): Promise<ProbeOutcome[]>;
  /**
   * Optional: hash and destroy in one pass over each object, where the store
   * allows it (a SQL `DELETE ... RETURNING` in one transaction, an S3 version
   * read by its id and deleted by it). The engine then calls this instead of
   * hash() and destroy(); probe() still follows.
   *
   * Contract (invariant 3): `record` is called exactly once, with one hash
   * outcome per item in order, before any destruction becomes durable (before
   * COMMIT, before the delete request). If `record` throws, nothing is
   * destroyed and consume rethrows. Every item whose hash is `hashed` gets a
   * `destroy` outcome; the others get none. Scope and holds are checked again
   * as in destroy(). A failure of the whole call throws, as elsewhere.
   */
  consume?(items: readonly ObjectRef[], record: RecordHashes): Promise<ConsumeOutcome[]>;
  /**
   * Optional. After execution, removes what destroying these objects left
   * behind and nothing else (for files: the directories they emptied, never the
   * root or the scope's own directories), and answers statements of what
   * remains, which the certificate adds to the target's `persistence`. Finalize
   * calls it with the locators recorded as destroyed on this target, in pages,
   * and again after a crash: it must be idempotent. Per-item problems are
   * counted in the statements; only a failure of the whole call throws.
   */
  tidy?(destroyed: AsyncIterable<readonly string[]>): Promise<string[]>;
  close(): Promise<void>;
  /** The identity of the store this session works on, when the backend has one: what a plan records. */
  readonly binding?: TargetBinding;
}

export interface StorageBackend {
  /** The name an order uses for this backend (from configuration). */
  readonly name: string;
  /** The adapter kind: 'filesystem', 's3', 'postgres', ... */
  readonly kind: string;
  readonly method: DestructionMethod;
  /** Honest statements of what may survive this method (backups, snapshots, SSD remapping, ...). */
  readonly persistence: readonly string[];
  /**
   * The store, as its operator names it without any secret (a bucket and
   * region, a database host and name, a host and path): what a certificate
   * says as targets[].system (docs/FORMAT.md section 5.4). 1 to 256
   * characters, no control character; src/config/system-identity.ts checks it.
   */
  readonly system: string;
  /**
   * Binds a scope and the holds for this target. Throws ValidationError naming
   * each bad field (a scope that escapes the root, an empty include, ...).
   * With `binding` (a plan's record of session.binding) the session refuses
   * every object, as a permanent per-item error, if the store is not that one.
   */
  openTarget(scope: unknown, holds: readonly HoldSpec[], binding?: TargetBinding): Promise<TargetSession>;
  close(): Promise<void>;
}

/** The configured backends, by the names orders use (built from the backends file). */
export interface StorageBackends {
  names(): ReadonlySet<string>;
  /** Throws if no backend of that name is configured. */
  get(name: string): StorageBackend;
}
