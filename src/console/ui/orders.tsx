// The orders: state, reference, deadline and time left, overdue ones marked;
// filtered by state, by overdue and by creator, a page at a time (the API's
// cursors; "Previous" walks back the cursors this tab has seen).
import { ORDER_STATES } from '../../app/ports/orders.js';
import { getJson, type Me } from './api.js';
import { Deadline, ErrorBox, StateBadge, useLoad } from './common.js';
import { shown, when } from './format.js';
import { go, type Route } from './router.js';

export interface OrderSummaryView {
  id: string;
  reference: string;
  state: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  deadline?: string | null;
  overdue?: boolean;
}

const PAGE = 20;

function withQuery(q: URLSearchParams, changes: Record<string, string | undefined>): string {
  const next = new URLSearchParams(q);
  for (const [k, v] of Object.entries(changes)) if (v) next.set(k, v);
  else next.delete(k);
  const s = next.toString();
  return `#/orders${s ? `?${s}` : ''}`;
}

export function OrdersScreen({ me, route }: { me: Me; route: Route }) {
  const q = route.query;
  const filter = { state: q.get('state') ?? undefined, overdue: q.get('overdue') ?? undefined, createdBy: q.get('createdBy') ?? undefined, cursor: q.get('cursor') ?? undefined };
  const list = useLoad(() => getJson<{ orders: OrderSummaryView[]; nextCursor: string | null }>('/v1/orders', { ...filter, limit: PAGE }), [q.toString()]);
  // The cursors of the pages before this one, for "Previous": kept in the address so that Back works too.
  const trail = (q.get('trail') ?? '').split(',').filter(Boolean);
  const set = (changes: Record<string, string | undefined>) => go(withQuery(q, { ...changes, cursor: undefined, trail: undefined }));
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Orders</h1>
      <p class="muted">
        Signed in as {me.name} ({me.role}).{' '}
        {me.role === 'operator' ? <a href="#/new">Create an order</a> : null}
      </p>
      <form class="filters" aria-label="Filter the orders" onSubmit={(e) => e.preventDefault()}>
        <label>
          State{' '}
          <select value={filter.state ?? ''} onChange={(e) => set({ state: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">any</option>
            {ORDER_STATES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Deadline{' '}
          <select value={filter.overdue ?? ''} onChange={(e) => set({ overdue: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">any</option>
            <option value="true">overdue only</option>
            <option value="false">not overdue</option>
          </select>
        </label>
        <label>
          Created by{' '}
          <input type="text" value={filter.createdBy ?? ''} onChange={(e) => set({ createdBy: (e.target as HTMLInputElement).value.trim() || undefined })} />
        </label>
      </form>
      <ErrorBox error={list.error} />
      {list.data ? (
        <>
          <table class="orders">
            <caption class="sr-only">Orders, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Reference</th>
                <th scope="col">State</th>
                <th scope="col">Deadline</th>
                <th scope="col">Created by</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.orders.map((o) => (
                <tr key={o.id} class={o.overdue ? 'overdue-row' : undefined}>
                  <td>
                    <a href={`#/orders/${encodeURIComponent(o.id)}`}>{shown(o.reference)}</a>
                    <div class="muted mono small">{o.id}</div>
                  </td>
                  <td>
                    <StateBadge state={o.state} />
                  </td>
                  <td>
                    <Deadline order={o} />
                  </td>
                  <td>{o.createdBy}</td>
                  <td>{when(o.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.orders.length === 0 ? <p>No order matches.</p> : null}
          <nav class="pager" aria-label="Pages of orders">
            <button type="button" disabled={!filter.cursor} onClick={() => go(withQuery(q, { cursor: trail[trail.length - 1] === '-' ? undefined : trail[trail.length - 1], trail: trail.slice(0, -1).join(',') || undefined }))}>
              Previous page
            </button>
            <button type="button" disabled={!list.data.nextCursor} onClick={() => go(withQuery(q, { cursor: list.data!.nextCursor!, trail: [...trail, filter.cursor ?? '-'].join(',') }))}>
              Next page
            </button>
          </nav>
        </>
      ) : list.loading ? (
        <p role="status">Loading…</p>
      ) : null}
    </section>
  );
}
