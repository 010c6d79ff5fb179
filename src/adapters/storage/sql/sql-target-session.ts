// One order's view of one SQL table: its compiled scope and holds. Dialect
// independent. Each call works in batches of keys, one statement (hash,
// probe) or one transaction (destroy) per batch:
//
//   consume one transaction per call: DELETE ... RETURNING by key (scope and
//           holds in the WHERE), hash the rows returned, record, COMMIT (sql-consume.ts)
//   hash    SELECT rows by key (+ scope and hold flags) -> canonical form, SHA-256
//   destroy BEGIN; SELECT rows by key ... FOR UPDATE; re-check scope, holds and
//           the fingerprint of each locked row; DELETE by key the rest; COMMIT
//   probe   SELECT keys by key
//   list    keyset pagination by primary key, one page in memory; sizes only (no hash)
//
// A batch that fails with a data or integrity error (a bad key value, a
// foreign key that restricts the delete) is retried one item at a time, so
// that one bad item becomes one error outcome and the rest proceed.

import type { ConsumeOutcome, DestroyOutcome, HashOutcome, ListedObject, ObjectRef, ProbeOutcome, RecordHashes, TargetSession } from '../../../app/ports/storage-backend.js';
import type { ClassifiedError, SqlDialect, SqlExecutor } from './dialect.js';
import { digestRow, parseLocator, sizeRow, type RowDigest } from './row-form.js';
import { consumeRows } from './sql-consume.js';
import { SqlStatements, type CompiledTarget } from './sql-statements.js';

export interface SqlSessionOptions {
  /** Rows per page of list(). */
  pageSize: number;
  /** Keys per statement or transaction in hash, destroy and probe. */
  batchSize: number;
}

type ItemError = { status: 'error'; code: string; message: string; transient: boolean };
type Req = { index: number; key: string[]; locator: string };

function itemError(code: string, message: string, transient = false): ItemError {
  return { status: 'error', code, message, transient };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class SqlTargetSession implements TargetSession {
  private closed = false;
  private readonly sql: SqlStatements;

  constructor(
    private readonly exec: SqlExecutor,
    private readonly dialect: SqlDialect,
    private readonly target: CompiledTarget,
    private readonly options: SqlSessionOptions,
  ) {
    this.sql = new SqlStatements(dialect, target);
    if (target.table.deleteReturning !== false) this.consume = (items, record) => this.consumeOnePass(items, record);
  }

  async *list(): AsyncIterable<ListedObject[]> {
    this.assertOpen();
    let after: string[] | undefined;
    for (;;) {
      const st = this.sql.listPage(after, this.options.pageSize);
      const { rows } = await this.exec.query(st.sql, st.params);
      if (rows.length === 0) return;
      // The size is the byte length of the canonical text that hash() and consume() hash later.
      const digests = rows.map((r) => sizeRow(this.dialect, this.target, r));
      yield digests.map((d) => ({ locator: d.locator, size: d.size, ...(d.heldBy !== undefined ? { heldBy: d.heldBy } : {}) }));
      this.assertOpen();
      if (rows.length < this.options.pageSize) return;
      after = digests[digests.length - 1]!.rawKey;
    }
  }

  async hash(items: readonly ObjectRef[]): Promise<HashOutcome[]> {
    this.assertOpen();
    return this.run<HashOutcome>(items, async (batch) => {
      const found = await this.rowsByKeys(this.exec, batch, 'rows');
      return batch.map((req) => {
        const d = found.get(req.index);
        const refusal = this.refusal(req, d);
        if (refusal) return refusal;
        return { status: 'hashed', sha256: d!.sha256, size: d!.size, fingerprint: d!.sha256 };
      });
    });
  }

  async destroy(items: ReadonlyArray<ObjectRef & { fingerprint: string }>): Promise<DestroyOutcome[]> {
    this.assertOpen();
    return this.run<DestroyOutcome>(items, (batch) =>
      this.exec.transaction(async (tx) => {
        const found = await this.rowsByKeys(tx, batch, 'lock');
        const deleteKeys = new Map<string, string[]>();
        const outcomes: DestroyOutcome[] = batch.map((req) => {
          const d = found.get(req.index);
          const refusal = this.refusal(req, d);
          if (refusal) return refusal;
          const fingerprint = (items[req.index] as { fingerprint?: unknown }).fingerprint;
          if (fingerprint !== d!.sha256) return { status: 'changed' };
          deleteKeys.set(JSON.stringify(d!.rawKey), d!.rawKey);
          return { status: 'destroyed' };
        });
        if (deleteKeys.size > 0) {
          const st = this.sql.deleteByKeys([...deleteKeys.values()]);
          const { rowCount } = await tx.query(st.sql, st.params);
          // The rows are locked by this transaction: anything else is a surprise; roll back.
          if (rowCount !== deleteKeys.size) throw new DeleteCountMismatch(`deleted ${rowCount} rows, want ${deleteKeys.size}`);
        }
        return outcomes;
      }),
    );
  }

  /**
   * One pass: DELETE ... RETURNING, hash what was removed, record, COMMIT (see
   * sql-consume.ts); offered only where the server has DELETE ... RETURNING.
   */
  readonly consume?: (items: readonly ObjectRef[], record: RecordHashes) => Promise<ConsumeOutcome[]>;

  /** consume(), where the server has it. */
  async consumeOnePass(items: readonly ObjectRef[], record: RecordHashes): Promise<ConsumeOutcome[]> {
    this.assertOpen();
    if (!Array.isArray(items)) throw new TypeError('items must be an array');
    const hashes: HashOutcome[] = new Array(items.length);
    const admitted: Req[] = [];
    items.forEach((item, index) => {
      const locator = (item as { locator?: unknown } | null | undefined)?.locator;
      const key = parseLocator(this.target, locator);
      if (typeof key === 'string') hashes[index] = itemError('LOCATOR_INVALID', `locator refused: ${key}`);
      else admitted.push({ index, key, locator: locator as string });
    });
    if (admitted.length === 0) {
      await record(hashes);
      return hashes.map((hash) => ({ hash }));
    }
    return consumeRows(
      {
        exec: this.exec,
        dialect: this.dialect,
        target: this.target,
        sql: this.sql,
        batchSize: this.options.batchSize,
        twoPass: () => this.consumeTwoPass(items, record),
        destroy: (hashed) => this.destroy(hashed),
      },
      hashes,
      admitted,
      record,
    );
  }

  /** hash(), record, destroy(): the way of destroy() before consume existed, for the batches one pass cannot take. */
  private async consumeTwoPass(items: readonly ObjectRef[], record: RecordHashes): Promise<ConsumeOutcome[]> {
    const hashes = await this.hash(items);
    await record(hashes);
    const hashed = hashes.flatMap((h, k) => (h.status === 'hashed' ? [{ k, locator: items[k]!.locator, fingerprint: h.fingerprint }] : []));
    const destroyed = await this.destroy(hashed.map(({ locator, fingerprint }) => ({ locator, fingerprint })));
    const out: ConsumeOutcome[] = hashes.map((hash) => ({ hash }));
    hashed.forEach(({ k }, i) => {
      out[k]!.destroy = destroyed[i]!;
    });
    return out;
  }

  async probe(items: readonly ObjectRef[]): Promise<ProbeOutcome[]> {
    this.assertOpen();
    return this.run<ProbeOutcome>(items, async (batch) => {
      const st = this.sql.byKeys(
        batch.map((r) => r.key),
        'keys-only',
      );
      const { rows } = await this.exec.query(st.sql, st.params);
      // Present by the database's own key equality, whatever the locator's spelling: never a false 'absent'.
      const present = new Set(rows.map((r) => Number(r[0])));
      return batch.map((_, i) => ({ status: present.has(i) ? 'present' : 'absent' }));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('SQL target session is closed');
  }

  /** Rows answering each request of the batch, by the request's position in the batch. */
  private async rowsByKeys(exec: SqlExecutor, batch: readonly Req[], mode: 'rows' | 'lock'): Promise<Map<number, RowDigest>> {
    const st = this.sql.byKeys(
      batch.map((r) => r.key),
      mode,
    );
    const { rows } = await exec.query(st.sql, st.params);
    const out = new Map<number, RowDigest>();
    for (const r of rows) out.set(batch[Number(r[0])]!.index, digestRow(this.dialect, this.target, r, { offset: 1 }));
    return out;
  }

  /** Why a request is refused given the row found for it (absent, another spelling of the key, out of scope, held). */
  private refusal(req: Req, d: RowDigest | undefined): ItemError | { status: 'absent' } | { status: 'out-of-scope' } | { status: 'held'; holdId: string } | undefined {
    if (!d) return { status: 'absent' };
    if (d.locator !== req.locator) return itemError('LOCATOR_NOT_CANONICAL', `the row is named ${d.locator}, not by the locator given`);
    if (!d.inScope) return { status: 'out-of-scope' };
    if (d.heldBy !== undefined) return { status: 'held', holdId: d.heldBy };
    return undefined;
  }

  /**
   * Admits each item (well-formed locator of this table), runs the admitted
   * ones in batches, and maps failures of a whole batch to error outcomes.
   */
  private async run<R>(items: readonly unknown[], op: (batch: Req[]) => Promise<R[]>): Promise<R[]> {
    if (!Array.isArray(items)) throw new TypeError('items must be an array');
    const out: (R | ItemError | undefined)[] = new Array(items.length);
    const admitted: Req[] = [];
    items.forEach((item, index) => {
      const locator = (item as { locator?: unknown } | null | undefined)?.locator;
      const key = parseLocator(this.target, locator);
      if (typeof key === 'string') out[index] = itemError('LOCATOR_INVALID', `locator refused: ${key}`);
      else admitted.push({ index, key, locator: locator as string });
    });
    for (const batch of chunks(admitted, this.options.batchSize)) {
      await this.runBatch(batch, op, out);
    }
    return out as R[];
  }

  private async runBatch<R>(batch: Req[], op: (batch: Req[]) => Promise<R[]>, out: (R | ItemError | undefined)[]): Promise<void> {
    try {
      const results = await op(batch);
      batch.forEach((req, k) => {
        out[req.index] = results[k]!;
      });
    } catch (e) {
      const c: ClassifiedError = e instanceof DeleteCountMismatch ? { code: 'DELETE_COUNT_MISMATCH', message: e.message, transient: true, data: false } : this.dialect.classifyError(e);
      if (c.data && batch.length > 1) {
        for (const req of batch) await this.runBatch([req], op, out);
        return;
      }
      for (const req of batch) out[req.index] = itemError(c.code, c.message, c.transient);
    }
  }
}

class DeleteCountMismatch extends Error {
  override readonly name = 'DeleteCountMismatch';
}
