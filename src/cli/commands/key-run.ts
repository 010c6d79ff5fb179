// What `shredproof key list|rotate|revoke` run (./key.ts declares them):
// against the server's ledger, opened through the offline commands'
// composition root (src/main/offline.ts), and its key files (src/adapters/keys).
// Every change is in the audit log, in the same transaction.
import { appendToLog, revocationRef } from '../../app/transparency-log.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isInstant, keyIdOf, publicKeyFromPem, type Signer } from '@shredproof/verify';
import { systemClock } from '../../app/deps.js';
import { keyStatus, type SigningKeyRow } from '../../app/ports/signing-keys.js';
import { registerSigningKey } from '../../app/trust-root.js';
import { openLedgerFile } from '../../main/offline.js';
import { localActor, openExistingLedger } from '../local-ledger.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../context.js';

export interface KeyOptions {
  dataDir?: string;
  json?: boolean;
}
export interface RotateOptions extends KeyOptions {
  key?: string;
  passphraseEnv?: string;
}
export interface RevokeOptions extends KeyOptions {
  keyid: string;
  compromisedSince: string;
  reason: string;
}

/** The server's ledger: these commands never make one (a mistyped --data-dir would start a second history). */
function openLedger(opts: KeyOptions, command: string) {
  return openExistingLedger(opts.dataDir, `key ${command}`);
}


/** The configured key, known by its public half (public-key.pem beside it): no passphrase is needed to name it. */
function configuredKey(keyPath: string): Signer {
  const pubPath = join(dirname(keyPath), 'public-key.pem');
  if (!existsSync(keyPath) || !existsSync(pubPath)) throw new CliExit(EXIT_USAGE, `key rotate: no key at ${keyPath} with public-key.pem beside it: give --key (or SHREDPROOF_KEY) as the server has it`);
  const publicKey = publicKeyFromPem(readFileSync(pubPath, 'utf8'));
  return { keyid: keyIdOf(publicKey), publicKey, sign: () => { throw new Error('key rotate never signs'); } };
}

const row = (k: SigningKeyRow, now: string) => ({ ...k, status: keyStatus(k, now) });

export function listKeys(opts: KeyOptions, ctx: CliContext): void {
  const ledger = openLedger(opts, 'list');
  try {
    const now = new Date().toISOString();
    const keys = ledger.keys.signingKeys().map((k) => row(k, now));
    if (opts.json) return ctx.out(JSON.stringify({ keys }, null, 2));
    if (keys.length === 0) return ctx.out('no certificate key yet: the server records its key when it first starts');
    for (const k of keys) {
      const until = k.validUntil ? ` until ${k.validUntil}` : '';
      const revoked = k.revokedAt ? `; REVOKED since ${k.revokedAt}: ${k.revocationReason}` : '';
      ctx.out(`${k.keyid}  ${k.status.padEnd(8)} from ${k.validFrom}${until}${revoked}`);
    }
  } finally {
    ledger.close();
  }
}

export async function rotateKey(opts: RotateOptions, ctx: CliContext): Promise<void> {
  let passphrase: string | undefined;
  if (opts.passphraseEnv !== undefined) {
    passphrase = process.env[opts.passphraseEnv];
    if (!passphrase) throw new CliExit(EXIT_USAGE, `key rotate: environment variable ${opts.passphraseEnv} is empty or not set`);
  }
  const keyPath = resolve(opts.key ?? process.env.SHREDPROOF_KEY ?? 'keys/signing-key.pem');
  const old = configuredKey(keyPath);
  const ledger = openLedger(opts, 'rotate');
  try {
    const clock = systemClock;
    // The old key first enters the history if it never did: its certificates keep a window.
    const before = registerSigningKey({ ledger, signer: old, clock }, localActor());
    if (keyStatus(before, clock.now().toISOString()) === 'revoked') ctx.err(`key rotate: the old key ${old.keyid} is revoked; rotating away from it`);
    const { rotateKeyFiles, deleteRetiredKey } = await import('../../adapters/keys/pem-keys.js');
    const files = await rotateKeyFiles(keyPath, join(dirname(keyPath), 'public-key.pem'), old.keyid, passphrase);
    const fresh = configuredKey(keyPath);
    const added = registerSigningKey({ ledger, signer: fresh, clock }, localActor());
    await deleteRetiredKey(files.retiredPrivateKeyPath);
    const now = clock.now().toISOString();
    const retired = ledger.keys.signingKeys().find((k) => k.keyid === old.keyid)!;
    if (opts.json) ctx.out(JSON.stringify({ retired: row(retired, now), active: row(added, now) }, null, 2));
    else {
      ctx.out(`keyid ${added.keyid} signs from ${added.validFrom}`);
      ctx.out(`retired ${old.keyid} at ${retired.validUntil}; its certificates keep verifying; its private key was deleted`);
    }
    ctx.err('restart `shredproof serve` now: until then it refuses to sign with the retired key, and finished orders wait in finalizing.');
    ctx.err('publish the new key id (and the new trust root\'s SHA-256, GET /v1/trust.json) where the regulator pins them.');
  } finally {
    ledger.close();
  }
}

export function revokeKey(opts: RevokeOptions, ctx: CliContext): void {
  if (!/^[0-9a-f]{64}$/.test(opts.keyid)) throw new CliExit(EXIT_USAGE, `key revoke: --keyid must be 64 lowercase hex digits, got ${JSON.stringify(opts.keyid)}`);
  const ms = isInstant(opts.compromisedSince) ? Date.parse(opts.compromisedSince) : NaN;
  if (Number.isNaN(ms)) throw new CliExit(EXIT_USAGE, `key revoke: --compromised-since must be an RFC 3339 time in UTC with Z (2026-12-01T00:00:00Z), got ${JSON.stringify(opts.compromisedSince)}`);
  // To the millisecond, as every other time of the history; digits past it are dropped, which only moves the instant earlier.
  const since = new Date(ms).toISOString();
  if (Date.parse(since) > Date.now() + 60_000) throw new CliExit(EXIT_USAGE, 'key revoke: --compromised-since is in the future: a key is revoked from when it was compromised, which has happened');
  const reason = opts.reason.trim();
  if (reason.length === 0 || reason.length > 2000) throw new CliExit(EXIT_USAGE, 'key revoke: --reason must be 1 to 2000 characters');
  const ledger = openLedger(opts, 'revoke');
  try {
    const now = new Date().toISOString();
    const done = ledger.atomically(() => {
      const k = ledger.keys.revokeSigningKey(opts.keyid, since, reason);
      if (k) {
        ledger.access.appendAudit({ at: now, actor: localActor(), action: 'key.revoke', detail: `key ${k.keyid} compromised since ${since}: ${reason}` });
        // In the transparency log too: its index dates the revocation independently of any certificate's issuedAt.
        appendToLog(ledger, [{ event: { type: 'key-revocation', role: 'certificate', keyid: k.keyid, revokedAt: k.revokedAt!, reason }, ref: revocationRef(k.keyid) }], now);
      }
      return k;
    });
    if (!done) throw new CliExit(EXIT_INVALID, `key revoke: no key ${opts.keyid} in the history (shredproof key list)`);
    if (opts.json) ctx.out(JSON.stringify({ key: row(done, now) }, null, 2));
    else ctx.out(`revoked ${done.keyid} since ${done.revokedAt}: certificates it signed from then on are INVALID (KEY_REVOKED) for every verifier given the new trust root`);
    if (done.validUntil === null) ctx.err('it was the active key: the server now refuses to sign with it; run `shredproof key rotate` and restart the server.');
  } finally {
    ledger.close();
  }
}
