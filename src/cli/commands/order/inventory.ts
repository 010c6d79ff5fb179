// `shredproof order inventory <id>`: every object the plan listed, with its
// target, size, hold and status: what an approver reviews before approving
// the plan root. Pages through GET /v1/orders/{id}/inventory and prints each
// page as it arrives (an inventory can hold millions of objects); --json
// prints each object as the API gives it, one a line (NDJSON).
import type { Command } from 'commander';
import { RETAINED_ARTIFACT_HOLD_PREFIX } from '../../../app/order-document.js';
import type { InventoryFilter, InventoryObjectView, OrderView } from '../../../client/api-client.js';
import { count, formatInventoryHeader, formatInventoryRow, type InventoryColumns, inventoryColumns } from '../../../client/format.js';
import type { CliContext } from '../../context.js';
import { printPages } from '../../paged.js';
import { type Common, common, runCommand, usage } from './shared.js';

interface InventoryOptions extends Common {
  search?: string;
  target?: string;
  held?: boolean;
  notHeld?: boolean;
  limit?: string;
}

// The bounds of the server's InventoryQuery (src/http/schemas.ts), checked here first so that the option is named.
const MAX_PAGE = 1000;
const MAX_SEARCH = 500;
const MAX_TARGET = 63;

/** The query of the options, or a usage error naming the option that is wrong. */
function filterOf(opts: InventoryOptions): { filter: InventoryFilter; limit: number } {
  const bad = (msg: string) => usage('inventory', msg);
  if (opts.held && opts.notHeld) throw bad('give --held or --not-held, not both');
  if (opts.search !== undefined && (opts.search.length < 1 || opts.search.length > MAX_SEARCH)) {
    throw bad(`--search must be 1 to ${MAX_SEARCH} characters, got ${opts.search.length}`);
  }
  if (opts.target !== undefined && (opts.target.length < 1 || opts.target.length > MAX_TARGET)) {
    throw bad(`--target must be a target's name of 1 to ${MAX_TARGET} characters, got ${JSON.stringify(opts.target)}`);
  }
  const limit = opts.limit === undefined ? MAX_PAGE : /^[0-9]{1,4}$/.test(opts.limit) ? Number(opts.limit) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE)) throw bad(`--limit must be a whole number from 1 to ${MAX_PAGE} (objects per request), got ${JSON.stringify(opts.limit)}`);
  const filter: InventoryFilter = {
    ...(opts.search !== undefined ? { search: opts.search } : {}),
    ...(opts.target !== undefined ? { target: opts.target } : {}),
    ...(opts.held ? { held: true } : opts.notHeld ? { held: false } : {}),
  };
  return { filter, limit };
}

/** The filters as the summary line says them. */
function described(f: InventoryFilter): string {
  const parts = [f.target !== undefined ? `in ${f.target}` : '', f.held === true ? 'held' : f.held === false ? 'not held' : '', f.search !== undefined ? `matching ${JSON.stringify(f.search)}` : ''];
  return parts.filter(Boolean).join(', ');
}

/** Every hold id an object of the order can carry: its holds', and derived.<artifact> for an artifact an approver retained. */
function holdIds(o: OrderView): string[] {
  const holds: unknown[] = Array.isArray(o.document.holds) ? o.document.holds : [];
  const ids = holds.map((h) => (h as { id?: unknown } | null)?.id).filter((v): v is string => typeof v === 'string');
  return [...ids, ...(o.plan?.derived ?? []).map((a) => `${RETAINED_ARTIFACT_HOLD_PREFIX}${a.artifact}`)];
}

/**
 * The table's lines for one page. The first page with objects sets the columns, with what the order says of all
 * of them (targets, hold ids, total bytes): the held objects may come pages later.
 */
function table(o: OrderView): (page: InventoryObjectView[], first: boolean) => string[] {
  let columns: InventoryColumns;
  return (page, first) => {
    if (first) columns = inventoryColumns(page, { targets: Object.keys(o.plan?.targets ?? {}), holds: holdIds(o), maxSize: o.plan?.bytes ?? 0 });
    return [...(first ? [formatInventoryHeader(columns)] : []), ...page.map((r) => formatInventoryRow(r, columns))];
  };
}

export function registerInventory(order: Command, ctx: CliContext): void {
  common(order.command('inventory <id>'), 'print each object as the API gives it, one JSON object a line (NDJSON), for scripts')
    .description('every object the plan listed (target, size, hold, status, locator), as an approver reviews it; --json: one object a line')
    .option('--search <text>', `only objects whose locator contains this text, ignoring ASCII case (1 to ${MAX_SEARCH} characters)`)
    .option('--target <target>', 'only objects of this target')
    .option('--held', 'only objects under a hold (kept)')
    .option('--not-held', 'only objects under no hold')
    .option('--limit <n>', `objects per request to the server, 1 to ${MAX_PAGE} (default ${MAX_PAGE}); every object is printed either way`)
    .action((id: string, opts: InventoryOptions) =>
      runCommand(
        'order inventory',
        opts,
        ctx,
        async (client) => {
          const { filter, limit } = filterOf(opts);
          const o = await client.getOrder(id);
          if (!o.plan) {
            ctx.err(`order inventory: ${id} has no plan yet (it is ${o.state}); plan it first: shredproof order plan ${id}`);
            return;
          }
          const { printed, readerLeft } = await printPages(ctx, client.inventoryPages(id, filter, limit), opts.json === true, table(o));
          const which = described(filter);
          if (!opts.json && !readerLeft) ctx.err(`${count(printed, 'object')}${which ? ` ${which}` : ''}, of the ${count(o.plan.objects, 'object')} planned for ${id}`);
        },
        { ndjson: true },
      ),
    );
}
