// consume() for SQL tables: one pass over each row (issue 19). In one
// transaction per call:
//
//   DELETE FROM t WHERE key IN (...) AND <scope> AND <no hold> RETURNING <every column>
//                                 (one statement per key batch)
//   SELECT keys + flags of the requests no row answered, only if there are any
//   -> hash the returned rows in their canonical form (row-form.ts)
//   -> record(hashes)             (the intents: durable before anything is)
//   COMMIT
//
// Nothing is read twice: the rows hashed are the rows the DELETE removed. A
// crash before COMMIT (before or after the intents are written) rolls the
// deletes back; a crash after COMMIT leaves the intents to certify the rows
// (docs/ARCHITECTURE.md, invariant 3).
//
// One transaction per call, not per key batch: record() is called once per
// call and must precede every COMMIT of it, so per-batch transactions would
// all be open at once, each on its own pooled connection (a pool of 4 shared
// by 4 jobs of 2 batches each would wait on itself).
//
// Two cases go the two-pass way instead (hash(), record, destroy()), after a
// ROLLBACK that leaves everything as it was: a row the DELETE matched under
// another spelling of its key (a non-canonical locator, a case-insensitive
// collation: never destroy a row under another name), and a data or
// integrity error (a restricting foreign key), which destroy() isolates row
// by row.

import type { ConsumeOutcome, DestroyOutcome, HashOutcome, ObjectRef, RecordHashes } from '../../../app/ports/storage-backend.js';
import type { ClassifiedError, SqlDialect, SqlExecutor } from './dialect.js';
import { digestRow, keyedFlags, type RowDigest } from './row-form.js';
import type { CompiledTarget, SqlStatements } from './sql-statements.js';

type ItemError = { status: 'error'; code: string; message: string; transient: boolean };

/** A request admitted by the session: its position in the call, its key values, its locator. */
export interface ConsumeRequest {
  index: number;
  key: string[];
  locator: string;
}

export interface ConsumeContext {
  exec: SqlExecutor;
  dialect: SqlDialect;
  target: CompiledTarget;
  sql: SqlStatements;
  batchSize: number;
  /** The two-pass way, for the whole call: hash(), record, destroy(). */
  twoPass: () => Promise<ConsumeOutcome[]>;
  /** destroy() of hashed items after their hashes are recorded (a COMMIT that failed on a data error). */
  destroy: (items: ReadonlyArray<ObjectRef & { fingerprint: string }>) => Promise<DestroyOutcome[]>;
}

const itemError = (c: Pick<ClassifiedError, 'code' | 'message' | 'transient'>): ItemError => ({ status: 'error', code: c.code, message: c.message, transient: c.transient });

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A returned row that answers no request by its own locator: the batch goes the two-pass way. */
class AnotherName extends Error {
  override readonly name = 'AnotherName';
}

/** record() threw: roll back, then rethrow what it threw. */
class RecordFailed extends Error {
  override readonly name = 'RecordFailed';
}

/**
 * `hashes` holds the outcomes of the items refused before any statement (bad
 * locators) and receives the rest; `admitted` are the other items.
 */
export async function consumeRows(ctx: ConsumeContext, hashes: HashOutcome[], admitted: readonly ConsumeRequest[], record: RecordHashes): Promise<ConsumeOutcome[]> {
  let recorded = false;
  const withoutDestroy = () => hashes.map((hash) => ({ hash }));
  try {
    await ctx.exec.transaction(async (tx) => {
      const found = await deleteReturning(ctx, tx, admitted);
      const missing = admitted.filter((r) => !found.has(r.index));
      const refusals = missing.length > 0 ? await classify(ctx, tx, missing) : new Map<number, HashOutcome>();
      for (const r of admitted) {
        const d = found.get(r.index);
        hashes[r.index] = d ? { status: 'hashed', sha256: d.sha256, size: d.size, fingerprint: d.sha256 } : refusals.get(r.index)!;
      }
      recorded = true;
      try {
        await record(hashes);
      } catch (e) {
        throw new RecordFailed('record failed', { cause: e });
      }
    });
  } catch (e) {
    if (e instanceof RecordFailed) throw e.cause;
    if (!recorded) {
      const c = e instanceof AnotherName ? undefined : ctx.dialect.classifyError(e);
      // Rolled back, nothing recorded: as if this call had not happened.
      if (c === undefined || c.data || c.code === 'ROW_NOT_REPRESENTABLE') return ctx.twoPass();
      for (const r of admitted) hashes[r.index] = itemError(c);
      await record(hashes);
      return withoutDestroy();
    }
    return afterRecorded(ctx, hashes, admitted, e);
  }
  return hashes.map((hash) => (hash.status === 'hashed' ? { hash, destroy: { status: 'destroyed' } } : { hash }));
}

/**
 * The hashes are recorded and the COMMIT failed. A connection lost during
 * COMMIT leaves the outcome unknown: transient, and the next round finds each
 * row absent (certified from its intent) or present. A data error at COMMIT (a
 * deferred constraint) rolled everything back: destroy() by the recorded
 * fingerprints, which isolates the bad row and re-checks the others under lock.
 */
async function afterRecorded(ctx: ConsumeContext, hashes: readonly HashOutcome[], admitted: readonly ConsumeRequest[], e: unknown): Promise<ConsumeOutcome[]> {
  const c = ctx.dialect.classifyError(e);
  const out: ConsumeOutcome[] = hashes.map((hash) => ({ hash }));
  const hashed = admitted.filter((r) => hashes[r.index]!.status === 'hashed');
  if (!c.data) {
    for (const r of hashed) out[r.index]!.destroy = itemError({ ...c, transient: true });
    return out;
  }
  const destroyed = await ctx.destroy(hashed.map((r) => ({ locator: r.locator, fingerprint: (hashes[r.index] as { fingerprint: string }).fingerprint })));
  hashed.forEach((r, k) => {
    out[r.index]!.destroy = destroyed[k]!;
  });
  return out;
}

/** Runs the DELETE ... RETURNING of every key batch; the rows removed, by request index. */
async function deleteReturning(ctx: ConsumeContext, tx: SqlExecutor, admitted: readonly ConsumeRequest[]): Promise<Map<number, RowDigest>> {
  const found = new Map<number, RowDigest>();
  for (const batch of chunks(admitted, ctx.batchSize)) {
    const byLocator = new Map<string, ConsumeRequest[]>();
    for (const r of batch) byLocator.set(r.locator, [...(byLocator.get(r.locator) ?? []), r]);
    const st = ctx.sql.deleteReturning(batch.map((r) => r.key));
    const { rows } = await tx.query(st.sql, st.params);
    const seen = new Set<string>();
    for (const row of rows) {
      const d = digestRow(ctx.dialect, ctx.target, row, { flags: false });
      const answered = byLocator.get(d.locator);
      if (!answered) throw new AnotherName(`the DELETE removed ${d.locator}, which no request names`);
      if (seen.has(d.locator)) throw new Error(`the DELETE returned ${d.locator} twice`);
      seen.add(d.locator);
      for (const r of answered) found.set(r.index, d);
    }
  }
  return found;
}

/**
 * Why each request that no returned row answered was left alone: absent, or
 * there under another spelling of its key, out of scope or held. A row that
 * is there, in scope and under no hold was not there for the DELETE (another
 * transaction put it back since): transient, tried again.
 */
async function classify(ctx: ConsumeContext, tx: SqlExecutor, missing: readonly ConsumeRequest[]): Promise<Map<number, HashOutcome>> {
  const out = new Map<number, HashOutcome>();
  for (const batch of chunks(missing, ctx.batchSize)) {
    const st = ctx.sql.byKeys(
      batch.map((r) => r.key),
      'key-flags',
    );
    const { rows } = await tx.query(st.sql, st.params);
    const seen = new Map<number, ReturnType<typeof keyedFlags>>();
    for (const row of rows) seen.set(Number(row[0]), keyedFlags(ctx.dialect, ctx.target, row, 1));
    batch.forEach((r, i) => {
      const f = seen.get(i);
      let o: HashOutcome;
      if (!f) o = { status: 'absent' };
      else if (f.locator !== r.locator) o = itemError({ code: 'LOCATOR_NOT_CANONICAL', message: `the row is named ${f.locator}, not by the locator given`, transient: false });
      else if (!f.inScope) o = { status: 'out-of-scope' };
      else if (f.heldBy !== undefined) o = { status: 'held', holdId: f.heldBy };
      else o = itemError({ code: 'ROW_CHANGED_CONCURRENTLY', message: 'the row is in scope and not held, but the DELETE did not find it (written concurrently)', transient: true });
      out.set(r.index, o);
    });
  }
  return out;
}
