// `shredproof audit [--order ID]`: the server's append-only audit log, every
// entry, oldest first (GET /v1/audit, paged; printed a page at a time, the
// log only grows); `shredproof audit --verify`: the server's check of the
// log's hash chain against the audit heads it signed (GET /v1/audit/verify).
// Auditors and admins only: the server refuses other roles (403, exit 1).
//
// Exit codes, as `order`'s and `verify`'s: 0 done, or the log verifies; 1
// the server refused, or the log does not verify (the verdict says where it
// breaks); 2 usage error, no token, server unreachable, or token not
// accepted (401).
import type { Command } from 'commander';
import { formatAuditEntry, formatAuditVerdict } from '../../client/format.js';
import { type CliContext, EXIT_INVALID } from '../context.js';
import { printPages } from '../paged.js';
import { type Common, common, DEFAULT_SERVER, print, runCommand, usageOf } from './order/shared.js';

interface AuditOptions extends Common {
  verify?: boolean;
  order?: string;
  limit?: string;
}

// The bounds of the server's AuditQuery (src/http/schemas.ts), checked here first so that the option is named.
const MAX_PAGE = 1000;
const ORDER_ID = /^ord-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const EXIT_HELP = `
Connection: --server, else SHREDPROOF_SERVER, else ${DEFAULT_SERVER}.
Token: --token-file F, --token T, else SHREDPROOF_TOKEN (an auditor's or an
admin's).

--json: each entry as the API gives it, one a line (NDJSON), with its seq,
prevHash and hash, from which the chain can be recomputed; with --verify,
the verdict's JSON.

Exit codes: 0 done, or the log verifies; 1 the server refused (its code,
detail and each bad field are printed), or the log does not verify;
2 usage error, no token, server unreachable, or token not accepted (401).`;

/** The query of the options, or a usage error naming the option that is wrong. */
function queryOf(opts: AuditOptions): { orderId?: string; limit: number } {
  const bad = (msg: string) => usageOf('audit', msg);
  if (opts.verify && (opts.order !== undefined || opts.limit !== undefined)) throw bad('--verify checks the whole log: give it without --order and --limit');
  if (opts.order !== undefined && !ORDER_ID.test(opts.order)) throw bad(`--order must be an order id (ord-<uuid>), got ${JSON.stringify(opts.order)}`);
  const limit = opts.limit === undefined ? MAX_PAGE : /^[0-9]{1,4}$/.test(opts.limit) ? Number(opts.limit) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE)) throw bad(`--limit must be a whole number from 1 to ${MAX_PAGE} (entries per request), got ${JSON.stringify(opts.limit)}`);
  return { ...(opts.order !== undefined ? { orderId: opts.order } : {}), limit };
}

export function registerAudit(program: Command, ctx: CliContext): void {
  common(program.command('audit'), 'print each entry as the API gives it, one JSON object a line (NDJSON); with --verify, the verdict')
    .description("the server's audit log, every entry oldest first (auditors, admins); --verify checks its hash chain")
    .option('--verify', "check the log instead: the server recomputes the hash chain and compares it with the audit heads it signed (certificates, checkpoints); exit 1 when it does not hold")
    .option('--order <id>', 'only the entries of this order')
    .option('--limit <n>', `entries per request to the server, 1 to ${MAX_PAGE} (default ${MAX_PAGE}); every entry is printed either way`)
    .addHelpText('after', EXIT_HELP)
    .action((opts: AuditOptions) =>
      runCommand(
        'audit',
        opts,
        ctx,
        async (client) => {
          const query = queryOf(opts);
          if (opts.verify) {
            const verdict = await client.verifyAudit();
            print(ctx, opts, verdict, () => formatAuditVerdict(verdict));
            if (!verdict.ok) ctx.exitCode = EXIT_INVALID;
            return;
          }
          const { printed } = await printPages(ctx, client.auditPages(query), opts.json === true, (page) => page.map(formatAuditEntry));
          if (printed === 0 && !opts.json) ctx.err(`audit: no entries${query.orderId ? ` of ${query.orderId}` : ''}`);
        },
        { ndjson: !opts.verify },
      ),
    );
}
