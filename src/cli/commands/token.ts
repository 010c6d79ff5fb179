// `shredproof token create|list|revoke`: API tokens, managed on the server's
// machine against its ledger (DATA_DIR). This is how the first admin token is
// made; later ones can also come from POST /v1/tokens. The secret is printed
// once and stored nowhere: only its hash goes into the ledger.
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { issueToken } from '../../app/tokens.js';
import { ValidationError } from '@shredproof/verify';
import { ROLES } from '../../adapters/ledger/sqlite/access-store.js';
import { SqliteLedger } from '../../adapters/ledger/sqlite/sqlite-ledger.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../main.js';

interface Common {
  dataDir?: string;
  json?: boolean;
}

/**
 * The server's ledger. Only `token create` may make one (it is how the first
 * admin token is made, before the first `serve`), and says so: list and revoke
 * refuse a missing ledger, which is a mistyped --data-dir or DATA_DIR.
 */
function openLedger(opts: Common, ctx: CliContext, command: 'create' | 'list' | 'revoke'): SqliteLedger {
  const dir = resolve(opts.dataDir ?? process.env.DATA_DIR ?? './data');
  const path = join(dir, 'ledger.sqlite');
  const exists = existsSync(path);
  if (!exists && command !== 'create') {
    throw new CliExit(EXIT_USAGE, `token ${command}: no ledger at ${path}: is --data-dir (or DATA_DIR) the directory of \`shredproof serve\`? It is made by the first \`serve\` or \`token create\`.`);
  }
  const ledger = new SqliteLedger(path);
  if (!exists) ctx.err(`token create: no ledger was at ${path}; created a new one there (the server must use --data-dir ${dir})`);
  return ledger;
}

/** Who ran the command, for the audit log: the OS account on the server's machine. */
function localActor(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local';
  }
}

export function registerToken(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('manage API bearer tokens (on the server machine, against DATA_DIR)');
  const dataDir = ['--data-dir <dir>', 'the server\'s data directory (env DATA_DIR, default ./data)'] as const;

  token
    .command('create')
    .description('create a token and print it once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'the person it is for; the two-person rule compares names')
    .option('--expires-in-days <n>', 'expire after this many days')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action((opts: Common & { role: string; name: string; expiresInDays?: string }) => {
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
          const t = issueToken(ledger.access, { name: opts.name, role: opts.role, createdBy: localActor(), now, ...(expiresAt ? { expiresAt } : {}) });
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
    });

  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action((opts: Common) => {
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
    });

  token
    .command('revoke <tokenId>')
    .description('revoke a token at once')
    .option(...dataDir)
    .action((tokenId: string, opts: Common) => {
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
    });
}
