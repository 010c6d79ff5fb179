// Builds a v1 statement while the records stream through, so that the issuer
// never holds all records in memory: each record is canonicalized once, fed
// to the Merkle builder and the file digest, and counted per target
// (RecordStream, which the version 2 builder shares).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8Encode } from './bytes.js';
import { ValidationError } from './errors.js';
import { type MerkleHasher, MerkleRootBuilder, nobleHasher } from './merkle.js';
import { type DestructionRecord, recordLine } from './record.js';
import type { FileDigest } from './records-verifier.js';
import {
  type CertificateStatement,
  type ExceptionItem,
  MERKLE_ALGORITHM,
  type RescanItem,
  type RetainedItem,
  STATEMENT_TYPE,
  STATEMENT_VERSION,
  type DerivedArtifact,
  validateStatement,
} from './statement.js';

export interface TargetInfo {
  name: string;
  kind: string;
  /** What this target's method is known to leave behind. Methods are taken from the records. */
  persistence: string[];
  planned: number;
}

export interface StatementParts {
  certificateId: string;
  issuedAt: string;
  issuer: CertificateStatement['issuer'];
  order: CertificateStatement['order'];
  inventory: CertificateStatement['inventory'];
  execution: CertificateStatement['execution'];
  targets: TargetInfo[];
  rescan: { completedAt: string; items: RescanItem[] };
  exceptions: ExceptionItem[];
  retained: RetainedItem[];
  derived?: DerivedArtifact[];
  audit?: { entries: number; head: string };
}

const NEWLINE = Uint8Array.of(0x0a);

/** What the records gave one target: its certified methods (sorted) and what was destroyed. */
export interface TargetRecords {
  methods: string[];
  destroyed: { count: number; bytes: number };
}

/**
 * The records' part of a statement of either version, by streaming: each
 * record is canonicalized once, fed to the Merkle builder and the file
 * digest, and counted per target. StatementBuilder and StatementBuilderV2
 * (statement-builder-v2.ts) extend it and add their version's members.
 */
export class RecordStream {
  readonly #tree: MerkleRootBuilder;
  readonly #digest: FileDigest;
  readonly #perTarget = new Map<string, { count: number; bytes: number; methods: Set<string> }>();
  #bytes = 0;

  constructor(options: { hasher?: MerkleHasher; fileDigest?: FileDigest } = {}) {
    this.#tree = new MerkleRootBuilder(options.hasher ?? nobleHasher);
    if (options.fileDigest) this.#digest = options.fileDigest;
    else {
      const h = sha256.create();
      this.#digest = { update: (b) => void h.update(b), digestHex: () => bytesToHex(h.digest()) };
    }
  }

  get size(): number {
    return this.#tree.size;
  }

  /** Adds the next record (its index must be the current size) and returns its canonical line. */
  add(record: DestructionRecord): string {
    if (record.index !== this.#tree.size) {
      throw new ValidationError('records out of order', [{ path: '$.index', problem: `is ${record.index}, want ${this.#tree.size}` }]);
    }
    const line = recordLine(record);
    const bytes = utf8Encode(line);
    this.#tree.addLeaf(bytes);
    this.#digest.update(bytes);
    this.#digest.update(NEWLINE);
    this.#bytes += record.size;
    let t = this.#perTarget.get(record.target);
    if (!t) this.#perTarget.set(record.target, (t = { count: 0, bytes: 0, methods: new Set() }));
    t.count++;
    t.bytes += record.size;
    t.methods.add(record.method);
    return line;
  }

  /**
   * `merkle` and `records` of the statement, and what each named target's
   * records were. Every record must name one of `targets` (ValidationError at
   * $.targets otherwise).
   */
  protected recordsPart(targets: readonly string[]): {
    merkle: CertificateStatement['merkle'];
    records: CertificateStatement['records'];
    byTarget: (name: string) => TargetRecords;
  } {
    const known = new Set(targets);
    for (const name of this.#perTarget.keys()) {
      if (!known.has(name)) throw new ValidationError('records name an unknown target', [{ path: '$.targets', problem: `no target ${JSON.stringify(name)}` }]);
    }
    return {
      merkle: { algorithm: MERKLE_ALGORITHM, treeSize: this.#tree.size, rootHash: bytesToHex(this.#tree.root()) },
      records: { sha256: this.#digest.digestHex(), bytes: this.#bytes },
      byTarget: (name) => {
        const got = this.#perTarget.get(name) ?? { count: 0, bytes: 0, methods: new Set<string>() };
        return { methods: [...got.methods].sort(), destroyed: { count: got.count, bytes: got.bytes } };
      },
    };
  }
}

export class StatementBuilder extends RecordStream {
  /** Completes the statement from the records seen and validates it (sums included). */
  build(parts: StatementParts): CertificateStatement {
    const { merkle, records, byTarget } = this.recordsPart(parts.targets.map((t) => t.name));
    const targets = parts.targets.map((t) => {
      const got = byTarget(t.name);
      return {
        name: t.name,
        kind: t.kind,
        methods: got.methods,
        planned: t.planned,
        destroyed: got.destroyed,
        retained: parts.retained.filter((r) => r.target === t.name).length,
        exceptions: parts.exceptions.filter((x) => x.target === t.name).length,
        persistence: t.persistence,
      };
    });
    const completeness = {
      planned: targets.reduce((a, t) => a + t.planned, 0),
      destroyed: merkle.treeSize,
      retained: parts.retained.length,
      exceptions: parts.exceptions.length,
    };
    const statement: CertificateStatement = {
      type: STATEMENT_TYPE,
      version: STATEMENT_VERSION,
      certificateId: parts.certificateId,
      issuedAt: parts.issuedAt,
      issuer: parts.issuer,
      order: parts.order,
      merkle,
      records,
      inventory: parts.inventory,
      execution: parts.execution,
      targets,
      completeness,
      rescan: { completedAt: parts.rescan.completedAt, remaining: parts.rescan.items.length, items: parts.rescan.items },
      exceptions: parts.exceptions,
      retained: parts.retained,
      derived: parts.derived ?? [],
      ...(parts.audit ? { audit: parts.audit } : {}),
      status: parts.exceptions.length > 0 ? 'complete-with-exceptions' : 'complete',
    };
    return validateStatement(statement);
  }
}
