// What `shredproof witness` runs (./witness.ts declares it): a witness of an
// issuer's transparency log (docs/FORMAT.md section 12, docs/VERIFYING.md
// "Witnessing the log"), run by a regulator on their own machine on a
// schedule. It fetches the log's newest checkpoint, checks it is signed by
// the log key the trust root names, proves from the log's tiles that its
// tree extends the one it kept last time (RFC 6962 consistency), keeps the
// new one (atomically, before anything else), and, with a key, cosigns it
// (C2SP tlog-cosignature) and hands the cosignature back to the log. A
// checkpoint that is smaller, of the same size with another root, not an
// extension of the last one, or signed by another key is refused: exit 1,
// the state file untouched, and a message that says what the log did.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  base64Encode,
  bytesToHex,
  type Checkpoint,
  consistencyProof,
  cosignatureLine,
  formatVerifierKey,
  isVerificationError,
  NOTE_KEY_COSIGNATURE_V1,
  NOTE_KEY_ED25519,
  noteKeyHint,
  parseCheckpointText,
  parseSignedNote,
  parseTrustRoot,
  parseVerifierKey,
  rangeHashFromTiles,
  strictBase64,
  tileOfNode,
  tilePath,
  type TileCoord,
  type TrustLog,
  verifyConsistency,
  verifyNote,
} from '@shredproof/verify';
import { nodeHasher } from '@shredproof/verify/node';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../context.js';
import { personalSigner } from './order/approve.js';

export interface WitnessOptions {
  log: string;
  trust: string;
  state: string;
  cosignKey?: string;
  name?: string;
  passphraseEnv?: string;
  json?: boolean;
}

/** What a witness keeps between runs: the last checkpoint it accepted. */
interface WitnessState {
  origin: string;
  size: number;
  /** Standard base64 of the root, as the checkpoint writes it. */
  rootHash: string;
  /** The signed note as fetched. */
  checkpoint: string;
  keptAt: string;
}

const usage = (why: string) => new CliExit(EXIT_USAGE, `witness: ${why}`);
const refuse = (why: string) => new CliExit(EXIT_INVALID, `witness: REFUSED: ${why}`);
/** How long one request to the log may take. */
const TIMEOUT_MS = 30_000;

function readTrustLog(path: string): TrustLog {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (e) {
    throw usage(`cannot read --trust ${path}: ${(e as Error).message}`);
  }
  let root;
  try {
    root = parseTrustRoot(text);
  } catch (e) {
    throw usage(`--trust ${path}: ${(e as Error).message}`);
  }
  if (!root.log) throw usage(`--trust ${path} names no transparency log (its "log" member): the issuer runs none, or this trust root predates it`);
  return root.log;
}

function readState(path: string, origin: string): WitnessState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw usage(`cannot read --state ${path}: ${(e as Error).message}`);
  }
  const bad = (why: string) => usage(`--state ${path} is not a witness state file (${why}); it is never rewritten by hand: keep the last good copy`);
  let s: WitnessState;
  try {
    s = JSON.parse(text) as WitnessState;
  } catch {
    throw bad('not JSON');
  }
  if (typeof s.origin !== 'string' || !Number.isSafeInteger(s.size) || s.size < 0 || typeof s.rootHash !== 'string' || strictBase64(s.rootHash)?.length !== 32) throw bad('origin, size and rootHash');
  if (s.origin !== origin) throw usage(`--state ${path} is of the log ${JSON.stringify(s.origin)}; the trust root's log is ${JSON.stringify(origin)}: one state file per log`);
  return s;
}

/** Writes the state through a temporary file, fsynced, renamed over the old one, and the directory fsynced: a crash leaves the old state or the new. */
function writeState(path: string, s: WitnessState): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(s, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

async function get(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw usage(`cannot fetch ${url}: ${(e as Error).message}`);
  }
  if (res.status !== 200) throw usage(`${url} answered ${res.status}${res.status === 404 ? ' (no such log, or it has no checkpoint yet)' : ''}`);
  return res;
}

/**
 * The consistency proof from `old` to `cp`, computed from the log's tiles:
 * the proof's node ranges first (with placeholder hashes), then every tile
 * they need, fetched once, then the hashes.
 */
async function proofFromTiles(base: string, old: number, cp: Checkpoint): Promise<Uint8Array[]> {
  const ranges: Array<{ start: number; end: number }> = [];
  consistencyProof(old, cp.size, (r) => {
    ranges.push(r);
    return new Uint8Array(32);
  });
  const needed = new Map<string, TileCoord>();
  const perfect = (r: { start: number; end: number }): Array<{ start: number; end: number }> => {
    const w = r.end - r.start;
    let k = 0;
    while (2 ** k < w) k++;
    if (2 ** k === w && r.start % w === 0) return [r];
    const split = 2 ** (k - 1);
    return [...perfect({ start: r.start, end: r.start + split }), ...perfect({ start: r.start + split, end: r.end })];
  };
  for (const r of ranges.flatMap(perfect)) {
    const { tile } = tileOfNode(r, cp.size);
    needed.set(tilePath(tile), tile);
  }
  const tiles = new Map<string, Uint8Array>();
  await Promise.all(
    [...needed.keys()].map(async (path) => {
      tiles.set(path, new Uint8Array(await (await get(`${base}/${path}`)).arrayBuffer()));
    }),
  );
  return ranges.map((r) => rangeHashFromTiles(r, cp.size, (t) => tiles.get(tilePath(t))!, nodeHasher));
}

export async function runWitness(opts: WitnessOptions, ctx: CliContext): Promise<void> {
  if ((opts.cosignKey === undefined) !== (opts.name === undefined)) throw usage('--cosign-key and --name go together: the name is the one the log lists your key under');
  const log = readTrustLog(opts.trust);
  const base = opts.log.replace(/\/+$/, '');
  const fetched = await (await get(`${base}/checkpoint`)).text();
  // What the log serves, checked as strictly as a receipt's checkpoint (docs/FORMAT.md sections 12.2, 12.3).
  let cp: Checkpoint;
  let note;
  try {
    note = parseSignedNote(fetched);
    verifyNote(note, log.keys.map((k) => parseVerifierKey(k, NOTE_KEY_ED25519)));
    cp = parseCheckpointText(note.text);
  } catch (e) {
    if (!isVerificationError(e)) throw e;
    throw refuse(`the log's checkpoint is not one the trust root's log key signed: ${e.code}: ${e.message}`);
  }
  if (cp.origin !== log.origin) throw refuse(`the checkpoint is of the log ${JSON.stringify(cp.origin)}; the trust root's is ${JSON.stringify(log.origin)}`);
  const root = base64Encode(cp.rootHash);
  const state = readState(opts.state, log.origin);
  let seen: string;
  if (!state) seen = 'first run: nothing kept before, this checkpoint is the one the next run checks against';
  else if (cp.size < state.size) {
    throw refuse(`the log shows ${cp.size} entries, fewer than the ${state.size} it showed on ${state.keptAt}: its history was cut back or forked. Keep ${opts.state} and this checkpoint as evidence:\n${fetched}`);
  } else if (cp.size === state.size) {
    if (root !== state.rootHash) throw refuse(`the log shows size ${cp.size} with root ${root}, but showed root ${state.rootHash} at that size on ${state.keptAt}: two histories (a split view or a rewrite). Keep both as evidence:\n${fetched}`);
    seen = `unchanged since ${state.keptAt}`;
  } else {
    try {
      verifyConsistency(state.size, cp.size, await proofFromTiles(base, state.size, cp), strictBase64(state.rootHash)!, cp.rootHash, nodeHasher);
    } catch (e) {
      if (!isVerificationError(e)) throw e;
      throw refuse(`the log's tree of ${cp.size} does not extend the tree of ${state.size} (root ${state.rootHash}) it showed on ${state.keptAt}: its history was rewritten (${e.code}: ${e.message}). Keep ${opts.state} and this checkpoint as evidence:\n${fetched}`);
    }
    seen = `consistent with the ${state.size} entries kept on ${state.keptAt} (a consistency proof from the log's tiles)`;
  }
  const keptAt = new Date().toISOString();
  // Kept before any cosignature leaves this machine: a witness never vouches for what it has not stored.
  if (!state || cp.size !== state.size) writeState(opts.state, { origin: cp.origin, size: cp.size, rootHash: root, checkpoint: fetched, keptAt });
  const out: Record<string, unknown> = { origin: cp.origin, size: cp.size, rootHash: bytesToHex(cp.rootHash), seen, state: opts.state };
  const lines = [`checkpoint OK: ${cp.origin}, ${cp.size} entries, root ${bytesToHex(cp.rootHash)}: ${seen}`];
  if (opts.cosignKey !== undefined) {
    const signer = await personalSigner('witness', { key: opts.cosignKey, ...(opts.passphraseEnv !== undefined ? { passphraseEnv: opts.passphraseEnv } : {}) });
    const name = opts.name!;
    let vkey: string;
    try {
      vkey = formatVerifierKey(name, NOTE_KEY_COSIGNATURE_V1, signer.publicKey);
    } catch {
      throw usage(`--name ${JSON.stringify(name)} is not a key name: no spaces and no "+" (such as witness.example.org/regulator)`);
    }
    const hint = noteKeyHint(name, NOTE_KEY_COSIGNATURE_V1, signer.publicKey);
    const time = Math.floor(Date.now() / 1000);
    // The log's own signatures and other witnesses' as served, without an earlier cosignature of ours.
    const others = note.signatures.filter((s) => !(s.name === name && s.keyHint === hint)).map((s) => s.line);
    const body = `${note.text}\n${others.join('')}${cosignatureLine(note.text, name, signer, time)}`;
    let res: Response;
    try {
      res = await fetch(`${base}/cosignature`, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      throw new CliExit(EXIT_INVALID, `witness: the checkpoint is kept and cosigned, but the log could not be reached to take the cosignature: ${(e as Error).message}`);
    }
    const answer = await res.text();
    if (res.status !== 200) throw new CliExit(EXIT_INVALID, `witness: the checkpoint is kept, but the log refused the cosignature (${res.status}): ${answer}\n  is ${vkey} listed? (shredproof log witness add --vkey ${vkey}, on the log's machine)`);
    out.cosigned = { witness: vkey, time };
    lines.push(`cosigned as ${vkey} at ${new Date(time * 1000).toISOString()}: the log took it`);
  }
  ctx.out(opts.json ? JSON.stringify(out, null, 2) : lines.join('\n'));
}

/** `--print-vkey`: the verifier key of --cosign-key under --name, to give to the log's operator; nothing is fetched. */
export async function printWitnessKey(opts: Pick<WitnessOptions, 'cosignKey' | 'name' | 'passphraseEnv'>, ctx: CliContext): Promise<void> {
  if (opts.cosignKey === undefined || opts.name === undefined) throw usage('--print-vkey needs --cosign-key and --name');
  const signer = await personalSigner('witness', { key: opts.cosignKey, ...(opts.passphraseEnv !== undefined ? { passphraseEnv: opts.passphraseEnv } : {}) });
  try {
    ctx.out(formatVerifierKey(opts.name, NOTE_KEY_COSIGNATURE_V1, signer.publicKey));
  } catch {
    throw usage(`--name ${JSON.stringify(opts.name)} is not a key name: no spaces and no "+"`);
  }
}
