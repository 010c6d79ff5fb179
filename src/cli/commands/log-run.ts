// What `shredproof log ...` runs (./log.ts declares them).
import { consistencyProofAt, acceptCosignatures, addWitness, servedCheckpoint } from '../../app/transparency-log.js';
import { base64Encode, parseSignedNote, parseVerifierKey } from '@shredproof/verify';
import { systemClock } from '../../app/deps.js';
import { RuleError } from '../../app/errors.js';
import { localActor, openExistingLedger } from '../local-ledger.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../context.js';

export interface LogOptions {
  dataDir?: string;
  json?: boolean;
}

function ruleExit(name: string, e: unknown): never {
  if (e instanceof RuleError) throw new CliExit(EXIT_INVALID, `log ${name}: ${e.message}`);
  throw e;
}

export function witnessAdd(opts: LogOptions & { vkey: string }, ctx: CliContext): void {
  const ledger = openExistingLedger(opts.dataDir, 'log witness add');
  try {
    addWitness({ ledger, clock: systemClock }, opts.vkey, localActor());
  } catch (e) {
    if (e instanceof RuleError) throw new CliExit(EXIT_USAGE, `log witness add: --vkey: ${e.message}`);
    throw e;
  } finally {
    ledger.close();
  }
  if (opts.json) return ctx.out(JSON.stringify({ witness: opts.vkey }, null, 2));
  ctx.out(`witness ${opts.vkey.split('+')[0]} listed: its cosignatures are kept, and the trust root names it from now on (give regulators the new trust.json)`);
}

export function witnessRemove(opts: LogOptions & { vkey: string }, ctx: CliContext): void {
  const ledger = openExistingLedger(opts.dataDir, 'log witness remove');
  try {
    const at = new Date().toISOString();
    const removed = ledger.atomically(() => {
      const done = ledger.tlog.removeWitness(opts.vkey);
      if (done) ledger.access.appendAudit({ at, actor: localActor(), action: 'log.witness-remove', detail: opts.vkey });
      return done;
    });
    if (!removed) throw new CliExit(EXIT_INVALID, `log witness remove: no listed witness has the key ${opts.vkey} (shredproof log witness list)`);
  } finally {
    ledger.close();
  }
  if (opts.json) return ctx.out(JSON.stringify({ removed: opts.vkey }, null, 2));
  ctx.out(`witness ${opts.vkey.split('+')[0]} no longer listed`);
}

export function witnessList(opts: LogOptions, ctx: CliContext): void {
  const ledger = openExistingLedger(opts.dataDir, 'log witness list');
  try {
    const quorum = Number(ledger.tlog.setting('log_witness_quorum') ?? '0');
    const last = ledger.tlog.latestCheckpoint();
    const witnesses = ledger.tlog.witnesses().map((w) => ({ ...w, name: parseVerifierKey(w.vkey).name }));
    if (opts.json) return ctx.out(JSON.stringify({ quorum, size: last?.size ?? 0, witnesses }, null, 2));
    ctx.out(`log of ${ledger.tlog.size()} entries, newest checkpoint ${last ? `of ${last.size}` : 'none yet'}; quorum ${quorum}`);
    for (const w of witnesses) ctx.out(`  ${w.name}  ${w.vkey}  listed ${w.addedAt} by ${w.addedBy}`);
  } finally {
    ledger.close();
  }
}

export function setQuorum(n: string, opts: LogOptions, ctx: CliContext): void {
  if (!/^(0|[1-9][0-9]*)$/.test(n)) throw new CliExit(EXIT_USAGE, `log quorum: ${JSON.stringify(n)} is not a whole number`);
  const ledger = openExistingLedger(opts.dataDir, 'log quorum');
  try {
    const listed = ledger.tlog.witnesses().length;
    if (Number(n) > listed) throw new CliExit(EXIT_USAGE, `log quorum: ${n} is more than the ${listed} listed witness(es); list them first (shredproof log witness add)`);
    const at = new Date().toISOString();
    ledger.atomically(() => {
      ledger.tlog.setSetting('log_witness_quorum', n);
      ledger.access.appendAudit({ at, actor: localActor(), action: 'log.quorum', detail: `receipts need the cosignatures of ${n} witness(es)` });
    });
  } finally {
    ledger.close();
  }
  if (opts.json) return ctx.out(JSON.stringify({ quorum: Number(n) }, null, 2));
  ctx.out(`receipts now need the cosignatures of ${n} listed witness(es); the trust root says so (give regulators the new trust.json)`);
}

/**
 * C2SP tlog-witness, from the log's side: POST <witness>/add-checkpoint with
 * "old <size>", the consistency proof from that size, a blank line and the
 * newest checkpoint. The log does not know the witness's size the first
 * time: it says 0, and a witness that knows more answers 409 with its size,
 * which the second request uses. The cosignature lines of a 200 are kept
 * like any cosignature (only a listed witness's, over this checkpoint).
 */
export async function push(opts: LogOptions & { witness: string }, ctx: CliContext): Promise<void> {
  const url = `${opts.witness.replace(/\/+$/, '')}/add-checkpoint`;
  const ledger = openExistingLedger(opts.dataDir, 'log push');
  try {
    const last = ledger.tlog.latestCheckpoint();
    const served = servedCheckpoint(ledger.tlog);
    if (!last || served === undefined) throw new CliExit(EXIT_INVALID, 'log push: the log has no checkpoint yet (serve signs one once the first entry is logged)');
    const send = async (old: number) => {
      if (old > last.size) throw new CliExit(EXIT_INVALID, `log push: the witness knows ${old} entries of this log, more than the ${last.size} it has: the witness saw another history of it, or another log of that origin. Stop and find out which`);
      const proof = old === 0 ? [] : consistencyProofAt(ledger.tlog, old, last.size).map(base64Encode);
      const body = `old ${old}\n${proof.map((h) => `${h}\n`).join('')}\n${last.note}`;
      try {
        return await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(30_000) });
      } catch (e) {
        throw new CliExit(EXIT_INVALID, `log push: cannot reach ${url}: ${(e as Error).message}`);
      }
    };
    let res = await send(0);
    if (res.status === 409 && (res.headers.get('content-type') ?? '').startsWith('text/x.tlog.size')) {
      const size = (await res.text()).trim();
      if (!/^(0|[1-9][0-9]{0,15})$/.test(size)) throw new CliExit(EXIT_INVALID, `log push: the witness answered 409 with ${JSON.stringify(size)}, not a tree size`);
      res = await send(Number(size));
    }
    const answer = await res.text();
    if (res.status !== 200) throw new CliExit(EXIT_INVALID, `log push: the witness refused the checkpoint of ${last.size} (${res.status}): ${answer.trim()}`);
    const text = parseSignedNote(last.note).text;
    let kept: string[];
    try {
      kept = acceptCosignatures({ ledger, clock: systemClock }, `${text}\n${parseSignedNote(last.note).signatures.map((s) => s.line).join('')}${answer}`);
    } catch (e) {
      return ruleExit('push', e);
    }
    if (opts.json) return ctx.out(JSON.stringify({ size: last.size, cosignedBy: kept }, null, 2));
    ctx.out(`checkpoint of ${last.size} cosigned by ${kept.join(', ')}: served with it from now on`);
  } finally {
    ledger.close();
  }
}
