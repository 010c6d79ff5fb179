// What `shredproof token create|list|revoke` run (./token.ts declares them):
// against the server's ledger, opened through the offline commands'
// composition root (src/main/offline.ts).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ValidationError } from '@shredproof/verify';
import { addPerson } from '../../app/people.js';
import { isRole, issueToken, TOKEN_NAME_RE } from '../../app/tokens.js';
import { openLedgerFile } from '../../main/offline.js';
import { localActor, openExistingLedger, openOrCreateLedger } from '../local-ledger.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../context.js';

export interface TokenOptions {
  dataDir?: string;
  json?: boolean;
}

export interface CreateOptions extends TokenOptions {
  role: string;
  name: string;
  expiresInDays?: string;
}

/**
 * The server's ledger. Only `token create` may make one (it is how the first
 * admin token is made, before the first `serve`), and says so: list and revoke
 * refuse a missing ledger, which is a mistyped --data-dir or DATA_DIR.
 */
function openLedger(opts: TokenOptions, ctx: CliContext, command: 'create' | 'list' | 'revoke') {
  return command === 'create' ? openOrCreateLedger(opts.dataDir, 'token create', ctx) : openExistingLedger(opts.dataDir, `token ${command}`);
}

export function createToken(opts: CreateOptions, ctx: CliContext): void {
  let expiresAt: Date | undefined;
  if (opts.expiresInDays !== undefined) {
    const days = Number(opts.expiresInDays);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new CliExit(EXIT_USAGE, 'token create: --expires-in-days must be a whole number from 1 to 3650');
    expiresAt = new Date(Date.now() + days * 86_400_000);
  }
  const ledger = openLedger(opts, ctx, 'create');
  try {
    const now = new Date();
    // One transaction: a token exists only with its audit entry, and only if its secret is then printed.
    const issued = ledger.atomically(() => {
      // On the server's machine, whoever holds the ledger registers people: a name not yet
      // registered becomes a person with this one role (shredproof person add gives more, and a key).
      // A bad role or name is issueToken's to name (--role, --name), not the registry's.
      if (isRole(opts.role) && TOKEN_NAME_RE.test(opts.name) && !ledger.people.person(opts.name)) {
        addPerson({ ledger, clock: { now: () => now } }, { name: opts.name, roles: [opts.role] }, localActor());
        ctx.err(`token create: registered the person ${opts.name} with the role ${opts.role} (shredproof person list)`);
      }
      const t = issueToken(ledger, { name: opts.name, role: opts.role, createdBy: localActor(), now, ...(expiresAt ? { expiresAt } : {}) });
      ledger.access.appendAudit({ at: now.toISOString(), actor: localActor(), action: 'token.create', tokenId: t.row.id, detail: `role ${t.row.role} for ${t.row.name} (command line)` });
      return t;
    });
    if (opts.json) ctx.out(JSON.stringify({ token: issued.token, info: issued.row }));
    else {
      ctx.out(issued.token);
      ctx.err(`token ${issued.row.id} for ${issued.row.name}, role ${issued.row.role}${issued.row.expiresAt ? `, expires ${issued.row.expiresAt}` : ''}. It is shown only now: store it safely.`);
    }
  } catch (e) {
    if (e instanceof ValidationError) throw new CliExit(EXIT_USAGE, `token create: ${e.fields.map((f) => `--${f.path.replace('$.', '').replace('expiresAt', 'expires-in-days')}: ${f.problem}`).join('; ')}`);
    throw e;
  } finally {
    ledger.close();
  }
}

export function listTokens(opts: TokenOptions, ctx: CliContext): void {
  const ledger = openLedger(opts, ctx, 'list');
  try {
    const rows = ledger.access.listTokens();
    if (opts.json) return ctx.out(JSON.stringify({ tokens: rows }));
    for (const t of rows) {
      const status = t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? `expired ${t.expiresAt}` : 'active';
      ctx.out(`${t.id}  ${t.role.padEnd(8)}  ${t.name.padEnd(20)}  ${status}  created ${t.createdAt}  last used ${t.lastUsedAt ?? 'never'}`);
    }
  } finally {
    ledger.close();
  }
}

export function revokeToken(tokenId: string, opts: TokenOptions, ctx: CliContext): void {
  const ledger = openLedger(opts, ctx, 'revoke');
  try {
    const at = new Date().toISOString();
    const revoked = ledger.atomically(() => {
      const done = ledger.access.revokeToken(tokenId, at);
      if (done) ledger.access.appendAudit({ at, actor: localActor(), action: 'token.revoke', tokenId, detail: 'command line' });
      return done;
    });
    if (!revoked) {
      const row = ledger.access.token(tokenId);
      throw new CliExit(EXIT_INVALID, row ? `token revoke: ${tokenId} was already revoked at ${row.revokedAt}` : `token revoke: no token ${tokenId}`);
    }
    ctx.out(`revoked ${tokenId}`);
  } finally {
    ledger.close();
  }
}
