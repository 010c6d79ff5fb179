// What GET /v1/orders/:id/inventory?search= and GET /v1/orders?overdue= cost
// on a large ledger (issue 20). Built outside the clock, through the real
// ledger adapter (SqliteLedger.appendInventory, createOrder), in one file:
// one order of 1,000,000 planned objects over three targets (1 % held), and
// 10,000 orders of which 100 are overdue.
//
// A search is instr(lower(locator), lower(?)) in SQL
// (src/adapters/ledger/sqlite/inventory-store.ts): no index helps a
// substring, so a page ends when it is full or when the inventory does. The
// figures, each the median of RUNS rounds that time the baseline and every
// case one after the other, with the ratio to the baseline:
// - baseline: the first page (limit 100, asked as 101 as the route does) with
//   no filter, and a page deep in the inventory by cursor;
// - a search that fills its page at once (common), one that fills it after
//   12 % of the order (one user's objects), one with a single match near the
//   end and one with none (both read the whole order);
// - the other filters it combines with (target, held), alone and with a search;
// - the same through the HTTP route, in process (express on loopback);
// - listOrders with overdue=true (100 overdue orders in 10,000: the page reads
//   every order) and overdue=false against no filter, and orderCounts (/metrics).
// Every figure is warm: the ledger file was just written and the OS page cache
// holds it (SQLite's own cache is far smaller than the file).
//   npm run bench -- search    writes its section of bench/RESULTS.md
//   node --import tsx bench/inventory-search.ts    prints the figures only
//   SHREDPROOF_BENCH_SEARCH_OBJECTS (default 1000000), SHREDPROOF_BENCH_SEARCH_ORDERS (default 10000): smaller, for a quick look
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedSigner } from '../packages/verify/src/core/index.js';
import { SqliteLedger } from '../src/adapters/ledger/sqlite/sqlite-ledger.js';
import type { EngineDeps } from '../src/app/deps.js';
import type { InventoryEntry, InventoryQuery } from '../src/app/ports/inventory.js';
import type { OrderRow, OrderState } from '../src/app/ports/orders.js';
import type { BenchResult } from './types.js';
import { draftRow } from '../test/helpers/order-rows.js';

const OBJECTS = Number(process.env.SHREDPROOF_BENCH_SEARCH_OBJECTS ?? 1_000_000);
const ORDERS = Number(process.env.SHREDPROOF_BENCH_SEARCH_ORDERS ?? 10_000);
const RUNS = 9;
/** What the route asks for a page of 100: one more, to know whether there is a next page. */
const PAGE = 101;
/** Order ids as the API checks them (ord-<uuid>), numbered. */
const orderId = (i: number) => `ord-00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const BIG = orderId(0);
const HOLD = 'doe-v-example-2025';
const RARE = 'Passport_Scan';
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const n = (x: number) => x.toLocaleString('en-US');

// The big order: photos (60 %), backups (30 %) and derived thumbnails (10 %), listed one target
// after the other as a plan lists them; 2,400 users, 1 in 100 of them held (all their objects).
const PHOTOS = Math.floor(OBJECTS * 0.6);
const BACKUPS = Math.floor(OBJECTS * 0.3);
const USERS = 2_400;
/** The single match of the rare search, near the end (in the last target). */
const RARE_SEQ = OBJECTS - 5;
/** A user a fifth of the way into the first target: searching for them fills a page after ~12 % of the order. */
const ONE_USER = `u-${10_000 + Math.floor(USERS / 5) + 2}/`;

function entry(seq: number): InventoryEntry {
  let target: string;
  let user: number;
  let locator: string;
  if (seq < PHOTOS) {
    target = 'photos';
    user = Math.floor((seq * USERS) / PHOTOS);
    locator = `users/u-${10_000 + user}/${2019 + (seq % 6)}/IMG_${String(seq % 10_000).padStart(4, '0')}.jpg`;
  } else if (seq < PHOTOS + BACKUPS) {
    const k = seq - PHOTOS;
    target = 'backups';
    user = Math.floor((k * USERS) / BACKUPS);
    locator = `backups/u-${10_000 + user}/2024-${String(1 + (k % 12)).padStart(2, '0')}/photos-${String(k % 1000).padStart(3, '0')}.tar.zst`;
  } else {
    const k = seq - PHOTOS - BACKUPS;
    target = 'derived:thumbnails';
    user = Math.floor((k * USERS) / (OBJECTS - PHOTOS - BACKUPS));
    locator = seq === RARE_SEQ ? `thumbs/u-${10_000 + user}/2019/${RARE}_0001_w320.webp` : `thumbs/u-${10_000 + user}/IMG_${String(k % 10_000).padStart(4, '0')}_w320.webp`;
  }
  const held = user % 100 === 41;
  return { seq, target, locator, size: 40_000 + ((seq * 7_919) % 4_000_000), salt: seq.toString(16).padStart(32, '0'), ...(held ? { heldBy: HOLD } : {}) };
}

// 10,000 orders: 9 in 10 over (most certified, their deadlines long past: never overdue), 1 in 10
// in flight; of those, 1 in 10 has a deadline that passed: 100 overdue, spread evenly.
const FINAL: OrderState[] = ['certified', 'certified', 'certified', 'certified', 'certified', 'certified-with-exceptions', 'cancelled', 'failed', 'certified'];
const IN_FLIGHT: OrderState[] = ['draft', 'planned', 'approved', 'executing', 'planned'];

function orderRow(i: number, now: number): Omit<OrderRow, 'num'> {
  const id = orderId(i);
  const inFlight = i === 0 || i % 10 === 3;
  const state: OrderState = i === 0 ? 'planned' : inFlight ? IN_FLIGHT[Math.floor(i / 10) % IN_FLIGHT.length]! : FINAL[i % FINAL.length]!;
  const day = 86_400_000;
  const deadline =
    i % 100 === 3 ? new Date(now - (1 + (i % 30)) * day) : inFlight ? (i % 20 === 13 ? undefined : new Date(now + (5 + (i % 60)) * day)) : i % 5 === 0 ? undefined : new Date(now - (30 + (i % 700)) * day);
  const user = 10_000 + (i % USERS);
  const document = JSON.stringify({
    reference: `Erasure request ${i} under GDPR Art. 17 (fictional)`,
    description: `Destroy every photo, backup and thumbnail of account u-${user}, in every size and format.`,
    ...(deadline ? { deadline: deadline.toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
    targets: [
      { backend: 'photos', scope: { include: [`users/u-${user}/**`] } },
      { backend: 'backups', scope: { include: [`backups/u-${user}/**`] } },
    ],
    ...(i % 7 === 0 ? { holds: [{ id: HOLD, reason: 'Litigation hold (fictional)', target: 'photos', match: { include: [`users/u-${user}/2023/**`] } }] } : {}),
  });
  const at = new Date(now - (10_000 - i) * 3_600_000).toISOString();
  return draftRow(id, { reference: `Erasure request ${i}`, document, documentSha256: i.toString(16).padStart(64, '0'), state, createdAt: at, updatedAt: at });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Timing {
  ms: number;
  spread: string;
}

/**
 * Median ms per call of each case over RUNS rounds. A round times every case once, one after the
 * other, so that a baseline and what it is compared with share the machine's moments (it is shared
 * and noisy); a case under ~20 ms is repeated within its turn until it lasts that long. One call of
 * each first, to warm up.
 */
async function interleaved(cases: Array<() => unknown>, unit: string): Promise<Timing[]> {
  const call = async (f: () => unknown) => {
    const v = f();
    if (v instanceof Promise) await v;
  };
  const reps: number[] = [];
  for (const f of cases) {
    const t0 = performance.now();
    await call(f);
    reps.push(Math.max(1, Math.min(2_000, Math.ceil(20 / Math.max(performance.now() - t0, 0.001)))));
  }
  const per: number[][] = cases.map(() => []);
  for (let r = 0; r < RUNS; r++) {
    for (const [i, f] of cases.entries()) {
      const t0 = performance.now();
      for (let k = 0; k < reps[i]!; k++) await call(f);
      per[i]!.push((performance.now() - t0) / reps[i]!);
    }
  }
  return per.map((xs, i) => ({ ms: median(xs), spread: `${RUNS} rounds${reps[i]! > 1 ? ` of ${reps[i]} ${unit}` : ''}, ${round(Math.min(...xs))}-${round(Math.max(...xs))} ms` }));
}

function expect(what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`bench search: ${what} returned ${got} rows, expected ${want}`);
}

export async function benchInventorySearch(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sp-bench-search-'));
  const results: BenchResult[] = [];
  let ledger: SqliteLedger | undefined;
  let server: Server | undefined;
  try {
    const file = join(dir, 'ledger.sqlite');
    ledger = new SqliteLedger(file);
    const L = ledger;
    const now = Date.now();

    // Build, outside the clock.
    const build0 = performance.now();
    for (let from = 0; from < ORDERS; from += 1_000) {
      L.atomically(() => {
        for (let i = from; i < Math.min(ORDERS, from + 1_000); i++) L.createOrder(orderRow(i, now), 'alice');
      });
    }
    const ordersSeconds = (performance.now() - build0) / 1000;
    const inv0 = performance.now();
    for (let from = 0; from < OBJECTS; from += 10_000) {
      const page: InventoryEntry[] = [];
      for (let seq = from; seq < Math.min(OBJECTS, from + 10_000); seq++) page.push(entry(seq));
      L.appendInventory(BIG, page);
    }
    const inventorySeconds = (performance.now() - inv0) / 1000;
    const bytes = statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    const summary = L.planSummary(BIG);
    const held = Object.values(summary).reduce((s, t) => s + t.held, 0);
    results.push({
      name: 'the ledger: one order of planned objects, and orders',
      value: round(bytes / 2 ** 20, 1),
      unit: 'MB',
      note: `${n(OBJECTS)} objects (${Object.entries(summary).map(([t, s]) => `${t} ${n(s.objects)}`).join(', ')}; ${n(held)} held; locators like users/u-10482/2023/IMG_0042.jpg), ${n(ORDERS)} orders; file + WAL; built through appendInventory (10,000 a call) in ${round(inventorySeconds, 1)} s and createOrder in ${round(ordersSeconds, 1)} s`,
    });

    // The inventory: ms per page of 100 (asked as 101).
    const page = (q: Omit<InventoryQuery, 'limit'>) => L.inventoryPage(BIG, { limit: PAGE, ...q });
    const deepSeq = Math.floor(OBJECTS * 0.9);
    const checks: Array<[string, Omit<InventoryQuery, 'limit'>, number]> = [
      ['first page, no filter', {}, PAGE],
      ['search, common (img_)', { search: 'img_' }, PAGE],
      // A user has ~250 photos, ~125 backups and ~40 thumbnails at 1,000,000 objects: enough for a page.
      [`search, one user (${ONE_USER})`, { search: ONE_USER }, OBJECTS >= 1_000_000 ? PAGE : page({ search: ONE_USER }).length],
      ['search, rare', { search: RARE.toUpperCase() }, 1],
      ['search, none', { search: 'contract.pdf' }, 0],
    ];
    for (const [what, q, want] of checks) expect(what, page(q).length, want);
    const oneUserFirst = page({ search: ONE_USER })[0]!.seq;
    const heldFirst = page({ held: true })[0]!.seq;

    const inventory: Array<{ name: string; q: Omit<InventoryQuery, 'limit'>; note: string }> = [
      { name: 'a page deep in the inventory, by cursor', q: { afterSeq: deepSeq }, note: `cursor at seq ${n(deepSeq)}; no filter` },
      { name: 'search, common: img_ (matches on the first page)', q: { search: 'img_' }, note: 'the page is full after ~101 rows' },
      { name: `search, one user's objects: ${ONE_USER}`, q: { search: ONE_USER }, note: `first match at seq ${n(oneUserFirst)}: the page is full after ~${n(oneUserFirst + PAGE)} rows` },
      { name: `search, rare: ${RARE.toUpperCase()} (one match, seq ${n(RARE_SEQ)})`, q: { search: RARE.toUpperCase() }, note: `reads all ${n(OBJECTS)} rows` },
      { name: 'search, no match: contract.pdf', q: { search: 'contract.pdf' }, note: `reads all ${n(OBJECTS)} rows` },
      { name: `target=backups (its first object is seq ${n(PHOTOS)}), first page`, q: { target: 'backups' }, note: `no search: reads the ${n(PHOTOS)} rows of the target before it` },
      { name: 'held=true, first page', q: { held: true }, note: `first held object at seq ${n(heldFirst)}; no search` },
      { name: 'search, rare, with target=derived:thumbnails', q: { search: RARE.toUpperCase(), target: 'derived:thumbnails' }, note: `reads all ${n(OBJECTS)} rows, the locators of the target's last ${n(OBJECTS - PHOTOS - BACKUPS)} only` },
      { name: 'search, no match, with held=false', q: { search: 'contract.pdf', held: false }, note: `reads all ${n(OBJECTS)} rows` },
    ];
    const [base, ...timed] = await interleaved([() => page({}), ...inventory.map((m) => () => page(m.q))], 'calls');
    results.push({ name: 'inventory: first page (limit 100), no filter: the baseline', value: round(base!.ms), unit: 'ms', note: `ledger call (inventoryPage, 101 rows); ${base!.spread}` });
    for (const [i, m] of inventory.entries()) {
      const t = timed[i]!;
      const perRow = m.note.startsWith('reads all') ? `; ${round((t.ms * 1e6) / OBJECTS, 0)} ns a row` : '';
      results.push({ name: `inventory: ${m.name}`, value: round(t.ms), unit: 'ms', note: `${m.note}${perRow}; ratio to the first page ${round(t.ms / base!.ms, 1)}x; ${t.spread}` });
    }

    // The orders: listOrders (limit 100, asked as 101) and orderCounts.
    const at = new Date();
    expect('overdue=true', L.listOrders({ overdue: { overdue: true, now: at }, limit: PAGE }).length, Math.min(PAGE, ORDERS / 100));
    const [ordersBase, overdue, notOverdue, counts] = (await interleaved(
      [
        () => L.listOrders({ limit: PAGE }),
        () => L.listOrders({ overdue: { overdue: true, now: at }, limit: PAGE }),
        () => L.listOrders({ overdue: { overdue: false, now: at }, limit: PAGE }),
        () => L.orderCounts(at),
      ],
      'calls',
    )) as [Timing, Timing, Timing, Timing];
    const c = L.orderCounts(at);
    results.push(
      { name: `orders: listOrders, first page (limit 100), no filter: the baseline`, value: round(ordersBase.ms), unit: 'ms', note: `${n(ORDERS)} orders; ${ordersBase.spread}` },
      { name: 'orders: listOrders overdue=true, first page', value: round(overdue.ms), unit: 'ms', note: `${c.overdue} overdue in ${n(ORDERS)}: the page reads every order, shredproof_overdue + json_extract on each; ratio ${round(overdue.ms / ordersBase.ms, 1)}x; ${overdue.spread}` },
      { name: 'orders: listOrders overdue=false, first page', value: round(notOverdue.ms), unit: 'ms', note: `full after ~102 orders; ratio ${round(notOverdue.ms / ordersBase.ms, 1)}x; ${notOverdue.spread}` },
      { name: 'orders: orderCounts (the /metrics query)', value: round(counts.ms), unit: 'ms', note: `one pass over ${n(ORDERS)} orders; ratio to the first page ${round(counts.ms / ordersBase.ms, 1)}x; ${counts.spread}` },
    );

    // The same through the HTTP routes, in process: express on loopback, an auditor's token.
    const [{ createApp }, { silentLogger }, { addPerson }, { issueToken }] = await Promise.all([
      import('../src/http/app.js'),
      import('../src/log.js'),
      import('../src/app/people.js'),
      import('../src/app/tokens.js'),
    ]);
    const clock = { now: () => new Date() };
    const deps = {
      ledger: L,
      backends: {},
      queue: { depth: async () => ({}) },
      clock,
      log: silentLogger(),
      signer: seedSigner(new Uint8Array(32).fill(7)),
      issuerName: 'bench',
      dataDir: dir,
      batchSize: 1_000,
    } as unknown as EngineDeps;
    addPerson(deps as Parameters<typeof addPerson>[0], { name: 'audrey', roles: ['auditor'] }, 'bench');
    const token = issueToken(L, { name: 'audrey', role: 'auditor', createdBy: 'bench', now: new Date() }).token;
    const app = createApp(deps, { http: { authFailuresPerMinute: 10_000 } });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = async (path: string, want?: number) => {
      const r = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`bench search: GET ${path} answered ${r.status}: ${text.slice(0, 300)}`);
      if (want !== undefined) {
        const body = JSON.parse(text) as { objects?: unknown[]; orders?: unknown[] };
        expect(`GET ${path}`, (body.objects ?? body.orders)!.length, want);
      }
    };
    const inv = `/v1/orders/${BIG}/inventory?limit=100`;
    const http: Array<[string, string, number]> = [
      ['no filter: the baseline', inv, 100],
      ['search, common (img_)', `${inv}&search=img_`, 100],
      [`search, one user (${ONE_USER})`, `${inv}&search=${encodeURIComponent(ONE_USER)}`, OBJECTS >= 1_000_000 ? 100 : page({ search: ONE_USER }).length],
      ['search, rare', `${inv}&search=${RARE.toUpperCase()}`, 1],
      ['search, no match', `${inv}&search=contract.pdf`, 0],
      ['orders, no filter: the baseline', '/v1/orders?limit=100', 100],
      ['orders, overdue=true', '/v1/orders?limit=100&overdue=true', Math.min(100, ORDERS / 100)],
    ];
    for (const [, path, want] of http) await get(path, want);
    const httpTimes = await interleaved([...http.map(([, path]) => () => get(path)), () => get('/metrics')], 'requests');
    const httpBase = httpTimes[0]!;
    const httpOrders = httpTimes[5]!;
    for (const [i, [what, path]] of http.entries()) {
      const t = httpTimes[i]!;
      const [against, baseline] = i < 5 ? [httpBase, 'the HTTP first page'] : [httpOrders, 'GET /v1/orders?limit=100'];
      const note =
        i === 0
          ? `in process, loopback, keep-alive, one request at a time, an auditor's token; ratio to the ledger call ${round(t.ms / base!.ms, 1)}x`
          : i === 5
            ? "each summary parses its order's document for the deadline"
            : `ratio to ${baseline} ${round(t.ms / against.ms, 1)}x`;
      results.push({ name: `HTTP: GET ${path.replace(BIG, ':id')}`, value: round(t.ms), unit: 'ms', note: `${what}; ${note}; ${t.spread}` });
    }
    const httpMetrics = httpTimes[http.length]!;
    results.push({ name: 'HTTP: GET /metrics', value: round(httpMetrics.ms), unit: 'ms', note: `orderCounts plus Node's default metrics (the queue a stub that answers at once); ${httpMetrics.spread}` });
    results.push({ name: 'peak RSS of the bench process', value: round(process.resourceUsage().maxRSS / 1024, 0), unit: 'MB', note: 'VmHWM: building, measuring and the HTTP server' });
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
    }
    ledger?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchInventorySearch()) console.log(`${r.name}: ${r.value} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
}
