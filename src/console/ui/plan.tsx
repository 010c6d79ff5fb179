// The plan an approver reviews before signing: per target the objects,
// bytes and holds; the derived artifacts the plan reached, with their
// lineage; every planned object, searchable, a page at a time; and the
// order document exactly as the server stores it.
import { jsonForDisplay } from '@shredproof/verify';
import { useState } from 'preact/hooks';
import { getJson } from './api.js';
import { ErrorBox, Pager, useLoad } from './common.js';
import { formatBytes, shown, when } from './format.js';
import type { ConsoleOrder } from './order.js';

interface InventoryObject {
  seq: number;
  target: string;
  locator: string;
  size: number;
  heldBy: string | null;
  status: string;
}

const PAGE = 50;

function Inventory({ order }: { order: ConsoleOrder }) {
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState({ search: '', target: '', held: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () =>
      getJson<{ objects: InventoryObject[]; nextCursor: string | null }>(`/v1/orders/${encodeURIComponent(order.id)}/inventory`, {
        limit: PAGE,
        cursor,
        search: applied.search || undefined,
        target: applied.target || undefined,
        held: applied.held || undefined,
      }),
    // The state too: each object's status changes as the order runs.
    [order.id, order.plan?.root, order.state, cursor, applied.search, applied.target, applied.held],
  );
  const apply = (changes: Partial<typeof applied>) => {
    setCursors([]);
    setApplied({ ...applied, ...changes });
  };
  const targets = Object.keys(order.plan?.targets ?? {});
  return (
    <section aria-labelledby="inventory-title">
      <h3 id="inventory-title">Every planned object</h3>
      <form class="filters" role="search" aria-label="Search the inventory" onSubmit={(e) => (e.preventDefault(), apply({ search: search.trim() }))}>
        <label>
          Locator contains{' '}
          <input type="search" name="search" value={search} maxLength={500} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Search</button>
        <label>
          Target{' '}
          <select value={applied.target} onChange={(e) => apply({ target: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>
            {targets.map((t) => (
              <option value={t}>{shown(t)}</option>
            ))}
          </select>
        </label>
        <label>
          Holds{' '}
          <select value={applied.held} onChange={(e) => apply({ held: (e.target as HTMLSelectElement).value })}>
            <option value="">all objects</option>
            <option value="true">held only (kept)</option>
            <option value="false">not held (destroyed)</option>
          </select>
        </label>
      </form>
      <ErrorBox error={page.error} />
      {page.data ? (
        <>
          <p role="status" class="muted">
            {page.data.objects.length === 0 ? 'No planned object matches.' : `Objects ${page.data.objects[0]!.seq} to ${page.data.objects[page.data.objects.length - 1]!.seq} of the plan${applied.search ? ` whose locator contains “${shown(applied.search)}”` : ''}.`}
          </p>
          <table class="inventory">
            <caption class="sr-only">Planned objects, in plan order</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Target</th>
                <th scope="col">Locator</th>
                <th scope="col">Size</th>
                <th scope="col">Hold</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {page.data.objects.map((r) => (
                <tr key={r.seq}>
                  <td>{r.seq}</td>
                  <td>{shown(r.target)}</td>
                  <td class="mono">{shown(r.locator)}</td>
                  <td>{formatBytes(r.size)}</td>
                  <td>{shown(r.heldBy)}</td>
                  <td>{r.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label="Pages of the inventory"
            previous={cursors.length > 0 ? () => setCursors(cursors.slice(0, -1)) : undefined}
            next={page.data.nextCursor ? () => setCursors([...cursors, page.data!.nextCursor!]) : undefined}
          />
        </>
      ) : null}
    </section>
  );
}

function Derived({ order }: { order: ConsoleOrder }) {
  const derived = order.plan?.derived ?? [];
  if (derived.length === 0) return null;
  return (
    <section aria-labelledby="plan-derived-title">
      <h3 id="plan-derived-title">Derived artifacts the plan reached</h3>
      <table>
        <caption class="sr-only">Models, embeddings, caches and vendor copies made from the ordered data</caption>
        <thead>
          <tr>
            <th scope="col">Artifact</th>
            <th scope="col">Kind</th>
            <th scope="col">Lineage</th>
            <th scope="col">Where</th>
            <th scope="col">Disposition</th>
          </tr>
        </thead>
        <tbody>
          {derived.map((a) => (
            <tr key={a.artifact}>
              <td>
                {shown(a.artifact)}
                <div class="muted small">{shown(a.description)}</div>
              </td>
              <td>{shown(a.kind)}</td>
              <td>{shown(a.lineage.join(' → '))}</td>
              <td>{shown('target' in a.location ? `destroyed as target ${a.location.target} (backend ${a.location.backend})` : `at vendor ${a.location.vendor}`)}</td>
              <td>{shown(a.disposition ? `${a.disposition.disposition}, signed by ${a.disposition.signedBy.person}` : 'vendor' in a.location ? 'needs a disposition' : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface HoldSpec {
  id: string;
  reason: string;
  target: string;
  match: unknown;
}

/** The order's holds: what it keeps, where, and why, as its document states them. */
function Holds({ order }: { order: ConsoleOrder }) {
  const holds = (order.document.holds ?? []) as HoldSpec[];
  if (holds.length === 0) return <p>The order has no hold: everything in scope is destroyed.</p>;
  return (
    <table>
      <caption>Holds: objects they match are kept, and listed as retained in the certificate</caption>
      <thead>
        <tr>
          <th scope="col">Hold</th>
          <th scope="col">Target</th>
          <th scope="col">Matches</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {holds.map((h) => (
          <tr key={h.id}>
            <td>{shown(h.id)}</td>
            <td>{shown(h.target)}</td>
            <td class="mono small">{shown(JSON.stringify(h.match))}</td>
            <td>{shown(h.reason)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PlanReview({ order }: { order: ConsoleOrder }) {
  const plan = order.plan;
  return (
    <section aria-labelledby="plan-title" class="panel">
      <h2 id="plan-title">The plan</h2>
      {plan ? (
        <>
          <p>
            {plan.objects.toLocaleString('en')} objects, {formatBytes(plan.bytes)}, planned {when(plan.plannedAt)}. Plan root <code class="mono">{plan.root}</code>: what an approval signs. It commits to the exact list of planned objects, with salts the server keeps; the tables below are the server's account of that list.
          </p>
          <table>
            <caption class="sr-only">Per target</caption>
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col">Objects</th>
                <th scope="col">Bytes</th>
                <th scope="col">Held (kept)</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(plan.targets).map(([name, t]) => (
                <tr key={name}>
                  <th scope="row">{shown(name)}</th>
                  <td>{t.objects.toLocaleString('en')}</td>
                  <td>{formatBytes(t.bytes)}</td>
                  <td>{t.held.toLocaleString('en')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Holds order={order} />
          <Derived order={order} />
          <Inventory order={order} />
        </>
      ) : (
        <p>Not planned yet{order.state === 'planning' ? ': listing now.' : '.'}</p>
      )}
      <details>
        <summary>The order document as submitted (SHA-256 {order.documentSha256})</summary>
        <pre class="document">{jsonForDisplay(order.document, 2)}</pre>
      </details>
    </section>
  );
}
