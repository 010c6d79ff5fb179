// The transparency log of what shredproof issues (docs/FORMAT.md section 12,
// the C2SP specs it follows): every certificate, every key that enters the
// history, every revocation and every vendor certificate attached is an
// entry of an append-only RFC 6962 tree. Any process that writes the ledger
// appends (in the transaction that makes the thing it logs); the coordinator,
// which holds the log's key, signs checkpoints of the tree, and never one
// that does not extend the last it signed. The tree's every perfect subtree
// is stored as it is completed, so that proofs and tiles at any size read
// hashes and recompute nothing. Receipts (C2SP tlog-proof) come from here.
import {
  bytesToHex,
  type Checkpoint,
  consistencyProof,
  cosignatureLine,
  formatCheckpointText,
  formatSignedNote,
  formatTlogProof,
  formatVerifierKey,
  inclusionProof,
  isVerificationError,
  type LogEvent,
  logEntryBytes,
  type NodeRange,
  NOTE_KEY_COSIGNATURE_V1,
  NOTE_KEY_ED25519,
  noteSignatureLine,
  parseCheckpointText,
  parseSignedNote,
  parseVerifierKey,
  type TileCoord,
  tileAt,
  type TrustLog,
  VerificationError,
  verifyConsistency,
  verifyCosignatures,
} from '@shredproof/verify';
import { nodeHasher } from '@shredproof/verify/node';
import type { EngineDeps } from './deps.js';
import { NotFoundError, RuleError } from './errors.js';
import type { Ledger } from './ports/ledger.js';
import type { LogKey, LogStore } from './ports/transparency-log.js';

export type { LogKey } from './ports/transparency-log.js';


/** A log entry to append: the event, and what it is found by later (a certificate's id). */
export interface LogAppend {
  event: LogEvent;
  ref?: string;
}

/** The ref under which a key's revocation is logged: the trust root reads its index (section 12.7). */
export const revocationRef = (keyid: string): string => `revocation:${keyid}`;

/** An Ed25519 signature's key name must have no space or "+": the origin is the log key's name. */
export const LOG_ORIGIN_RE = /^[^\s+\u0000-\u001f]{1,255}$/u;

/**
 * Appends entries, with the perfect subtrees each completes. Runs inside the
 * caller's transaction (so that an entry exists exactly when what it logs
 * does); returns their indices. Signs nothing: signCheckpoint does.
 */
export function appendToLog(ledger: Pick<Ledger, 'tlog' | 'atomically'>, entries: readonly LogAppend[], at: string): number[] {
  return ledger.atomically(() => {
    const store = ledger.tlog;
    const first = store.size();
    if (first === 0 && store.setting('log_started_at') === undefined) store.setSetting('log_started_at', at);
    return entries.map((e, k) => {
      const idx = first + k;
      const entry = logEntryBytes(e.event);
      store.insertEntry({ idx, type: e.event.type, ref: e.ref ?? null, entry, loggedAt: at });
      let hash = nodeHasher.hashLeaf(entry);
      store.insertNode(0, idx, hash);
      // Each time idx is a right child, its parent is complete: [idx - 2^level + 1, idx] at the next level.
      for (let level = 0, i = idx; i % 2 === 1; level++, i = (i - 1) / 2) {
        hash = nodeHasher.hashChildren(store.node(level, i - 1)!, hash);
        store.insertNode(level + 1, (i - 1) / 2, hash);
      }
      return idx;
    });
  });
}

/** MTH(D[r.start:r.end]) from the stored perfect subtrees (RFC 6962's split for the rest: at most one per level). */
export function rangeHash(store: LogStore, r: NodeRange): Uint8Array {
  const width = r.end - r.start;
  if (width <= 0) throw new RangeError(`empty range [${r.start}, ${r.end})`);
  let level = 0;
  while (2 ** level < width) level++;
  if (2 ** level === width && r.start % width === 0) {
    const hash = store.node(level, r.start / width);
    if (!hash) throw new RangeError(`the log has no node for [${r.start}, ${r.end})`);
    return hash;
  }
  const k = 2 ** (level - 1); // the largest power of two below width
  return nodeHasher.hashChildren(rangeHash(store, { start: r.start, end: r.start + k }), rangeHash(store, { start: r.start + k, end: r.end }));
}

/** The root of the first `size` entries (SHA-256 of nothing for none). */
export function rootAt(store: LogStore, size: number): Uint8Array {
  return size === 0 ? nodeHasher.emptyRoot() : rangeHash(store, { start: 0, end: size });
}

export const inclusionProofAt = (store: LogStore, index: number, size: number): Uint8Array[] => inclusionProof(index, size, (r) => rangeHash(store, r));
export const consistencyProofAt = (store: LogStore, size1: number, size2: number): Uint8Array[] => consistencyProof(size1, size2, (r) => rangeHash(store, r));

/** The log key's verifier key string (section 12.2). */
export function logVerifierKey(key: LogKey): string {
  return formatVerifierKey(key.origin, NOTE_KEY_ED25519, key.signer.publicKey);
}

/**
 * The origin the ledger's log has, or takes `configured` as it on first use.
 * A log keeps its origin for life: another one configured later is refused
 * (its checkpoints would not verify against the receipts already issued).
 */
export function claimOrigin(store: LogStore, configured: string): string {
  if (!LOG_ORIGIN_RE.test(configured)) throw new RuleError('LOG_REFUSED', `the log origin ${JSON.stringify(configured)} must be 1 to 255 characters, without spaces, "+" or control characters (for example example.com/shredproof)`);
  const known = store.setting('log_origin');
  if (known === undefined) store.setSetting('log_origin', configured);
  else if (known !== configured) throw new RuleError('LOG_REFUSED', `this ledger's log has the origin ${JSON.stringify(known)}; SHREDPROOF_LOG_ORIGIN says ${JSON.stringify(configured)}. A log keeps its origin: set it back`);
  return configured;
}

/**
 * Signs a checkpoint of the whole log, if it grew since the last one. First
 * it checks, from the stored tree, that the tree still has the root the last
 * checkpoint signed and that the new tree extends it: a ledger whose log was
 * changed is refused with LOG_INCONSISTENT, and nothing is signed. Returns
 * the newest checkpoint either way (undefined for an empty log).
 */
export function signCheckpoint(deps: Pick<EngineDeps, 'ledger' | 'clock'> & { logKey: LogKey }): { size: number; note: string } | undefined {
  return deps.ledger.atomically(() => {
    const store = deps.ledger.tlog;
    const size = store.size();
    const last = store.latestCheckpoint();
    if (size === 0) return undefined;
    if (last && last.size === size) return { size, note: last.note };
    const root = rootAt(store, size);
    if (last) {
      const refuse = (why: string) => new VerificationError('LOG_INCONSISTENT', `the log will not sign size ${size}: ${why}`);
      if (last.size > size) throw refuse(`it signed size ${last.size} before, and now has ${size} entries: entries were removed`);
      const before = rootAt(store, last.size);
      if (bytesToHex(before) !== bytesToHex(last.root)) throw refuse(`its stored tree at size ${last.size} has root ${bytesToHex(before)}, not the ${bytesToHex(last.root)} it signed: the ledger's log was changed`);
      try {
        verifyConsistency(last.size, size, consistencyProofAt(store, last.size, size), last.root, root, nodeHasher);
      } catch (e) {
        if (!isVerificationError(e)) throw e;
        throw refuse(`the tree of ${size} does not extend the one of ${last.size} it signed (${e.message})`);
      }
    }
    const text = formatCheckpointText({ origin: deps.logKey.origin, size, rootHash: root, extensions: [] });
    const note = formatSignedNote(text, [noteSignatureLine(text, deps.logKey.origin, deps.logKey.signer)]);
    store.saveCheckpoint({ size, root, note, signedAt: deps.clock.now().toISOString() });
    return { size, note };
  });
}

/** A checkpoint's note with every cosignature it has, as served and put in receipts. */
function withCosignatures(store: LogStore, size: number, note: string): string {
  return note + store.cosignatures(size).map((c) => c.line).join('');
}

/** The newest checkpoint with its cosignatures (GET /log/checkpoint), or undefined before the first. */
export function servedCheckpoint(store: LogStore): string | undefined {
  const last = store.latestCheckpoint();
  return last && withCosignatures(store, last.size, last.note);
}

/**
 * The receipt (C2SP tlog-proof, section 12.5) of a certificate's entry at
 * the newest checkpoint, with its cosignatures; undefined when the
 * certificate is not logged, or no checkpoint covers it yet.
 */
export function receiptFor(store: LogStore, certificateId: string): string | undefined {
  const index = store.entryIndex(certificateId);
  const latest = store.latestCheckpoint();
  if (index === undefined || !latest || latest.size <= index) return undefined;
  // The newest checkpoint that the witnesses the trust root requires have cosigned, if one covers the entry: a
  // fresh checkpoint has no cosignature yet, and a receipt at it would fail COSIGNATURE_MISSING.
  const quorum = Math.min(Number(store.setting('log_witness_quorum') ?? '0'), store.witnesses().length);
  const cosigned = quorum > 0 ? store.largestCosigned(quorum, index + 1) : undefined;
  const cp = cosigned ?? latest;
  return formatTlogProof({ index, hashes: inclusionProofAt(store, index, cp.size), checkpoint: withCosignatures(store, cp.size, cp.note) });
}

/**
 * A tile's bytes (section 12.6), or undefined when the tree has no such
 * tile: for a hash tile, its hashes; for an entry bundle, each entry as a
 * 2-byte big-endian length and its bytes. A partial tile is served only at
 * the width the newest checkpoint's tree gives it: tiles are read against a
 * signed checkpoint, and nothing is served beyond it.
 */
export function tileBytes(store: LogStore, t: TileCoord): Uint8Array | undefined {
  const size = store.latestCheckpoint()?.size ?? 0;
  const exists = tileAt(t.level, t.index, size);
  if (!exists) return undefined;
  // A full tile, once it exists, never changes; a partial one only at the width it has now.
  if (t.width !== 256 && exists.width !== t.width) return undefined;
  if (t.width === 256 && exists.width !== 256) return undefined;
  if (t.level < 0) {
    const rows = store.entries(t.index * 256, t.width);
    const out = new Uint8Array(rows.reduce((n, r) => n + 2 + r.entry.length, 0));
    let at = 0;
    for (const r of rows) {
      out[at] = r.entry.length >> 8;
      out[at + 1] = r.entry.length & 0xff;
      out.set(r.entry, at + 2);
      at += 2 + r.entry.length;
    }
    return out;
  }
  const hashes = store.nodes(t.level * 8, t.index * 256, t.width);
  if (hashes.length !== t.width) throw new Error(`the log's tree misses nodes of tile ${t.level}/${t.index}`);
  const out = new Uint8Array(32 * hashes.length);
  hashes.forEach((h, i) => out.set(h, 32 * i));
  return out;
}

/** The witnesses' verifier keys the log lists. */
export function witnessKeys(store: LogStore): string[] {
  return store.witnesses().map((w) => w.vkey);
}

/** Lists a witness (a type 0x04 verifier key), so that its cosignatures are kept and the trust root names it. Audited. */
export function addWitness(deps: Pick<EngineDeps, 'ledger' | 'clock'>, vkey: string, actor: string): void {
  let key;
  try {
    key = parseVerifierKey(vkey, NOTE_KEY_COSIGNATURE_V1);
  } catch (e) {
    throw new RuleError('LOG_REFUSED', `not a witness's verifier key (name+hint+base64 of a cosignature/v1 key, type 4): ${(e as Error).message}`);
  }
  deps.ledger.atomically(() => {
    if (witnessKeys(deps.ledger.tlog).some((w) => w.split('+')[0] === key.name)) throw new RuleError('LOG_REFUSED', `a witness named ${key.name} is listed already: remove it first to change its key`);
    const at = deps.clock.now().toISOString();
    deps.ledger.tlog.addWitness({ vkey, addedAt: at, addedBy: actor });
    deps.ledger.access.appendAudit({ at, actor, action: 'log.witness-add', detail: vkey });
  });
}

/**
 * Takes a witness's cosignatures of one of the log's checkpoints: the body
 * is the checkpoint as the log signed it, followed by cosignature lines (a
 * checkpoint as a witness returns it, or the lines a tlog-witness answer
 * holds, appended). Only listed witnesses' cosignatures that verify over a
 * checkpoint this log signed are kept; anything else is refused
 * (LOG_REFUSED) and nothing is kept. Returns the witnesses kept.
 */
export function acceptCosignatures(deps: Pick<EngineDeps, 'ledger' | 'clock'>, body: string): string[] {
  let note;
  let checkpoint: Checkpoint;
  try {
    note = parseSignedNote(body);
    checkpoint = parseCheckpointText(note.text);
  } catch (e) {
    throw new RuleError('LOG_REFUSED', `not a cosigned checkpoint: ${(e as Error).message}`);
  }
  const ours = deps.ledger.tlog.checkpoint(checkpoint.size);
  if (!ours || parseSignedNote(ours.note).text !== note.text) {
    throw new RuleError('LOG_REFUSED', `this log signed no checkpoint with that text (size ${checkpoint.size}, origin ${JSON.stringify(checkpoint.origin)})`);
  }
  const listed = witnessKeys(deps.ledger.tlog);
  let cosigned;
  try {
    cosigned = verifyCosignatures(note, listed.map((v) => parseVerifierKey(v, NOTE_KEY_COSIGNATURE_V1)));
  } catch (e) {
    throw new RuleError('LOG_REFUSED', (e as Error).message);
  }
  if (cosigned.length === 0) throw new RuleError('LOG_REFUSED', `no cosignature by a listed witness (${listed.map((v) => v.split('+')[0]).join(', ') || 'none listed: shredproof log witness add'})`);
  const at = deps.clock.now().toISOString();
  deps.ledger.atomically(() => {
    for (const c of cosigned) {
      const vkey = listed.find((v) => parseVerifierKey(v).name === c.key.name && parseVerifierKey(v).keyHint === c.key.keyHint)!;
      const line = note.signatures.find((s) => s.name === c.key.name && s.keyHint === c.key.keyHint)!.line;
      deps.ledger.tlog.saveCosignature({ size: checkpoint.size, witness: vkey, line, time: c.time, addedAt: at });
    }
  });
  return cosigned.map((c) => c.key.name);
}

/** A cosignature line made here, for tests and the demo's own witness. */
export { cosignatureLine };

/** The trust root's `log` member (section 12.7), once the log has begun; undefined before. */
export function trustLog(store: LogStore, key: LogKey | undefined): TrustLog | undefined {
  const origin = store.setting('log_origin');
  const started = store.setting('log_started_at');
  if (!key || origin === undefined) return undefined;
  const witnesses = witnessKeys(store);
  const quorum = Math.min(Number(store.setting('log_witness_quorum') ?? '0'), witnesses.length);
  return { origin, keys: [logVerifierKey(key)], witnesses, witnessQuorum: quorum, ...(started !== undefined ? { receiptsRequiredFrom: started } : {}) };
}

/** A certificate's receipt must exist: NotFoundError otherwise, saying why. */
export function requireReceipt(store: LogStore, certificateId: string): string {
  const r = receiptFor(store, certificateId);
  if (r !== undefined) return r;
  if (store.entryIndex(certificateId) === undefined) throw new NotFoundError(`certificate ${certificateId} is not in the log (issued before the log began, or unknown)`);
  throw new NotFoundError(`certificate ${certificateId} is logged, but no checkpoint covers it yet; the coordinator signs one within seconds`);
}
