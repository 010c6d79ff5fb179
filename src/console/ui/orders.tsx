// The orders: state, reference, deadline and time left, overdue ones marked;
// filtered by state, by overdue and by creator, a page at a time (the API's
// cursors; "Previous" walks back the cursors this tab has seen).
import { ORDER_STATES } from '../../app/ports/orders.js';
import { getJson, type Me } from './api.js';
import { Deadline, ErrorBox, Pager, StateBadge, useLoad } from './common.js';
import { shown, when } from './format.js';
import { addressPages, go, goTo, hashWith, type Route } from './router.js';

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

export function OrdersScreen({ me, route }: { me: Me; route: Route }) {
  const q = route.query;
  const pages = addressPages('#/orders', q);
  const filter = { state: q.get('state') ?? undefined, overdue: q.get('overdue') ?? undefined, createdBy: q.get('createdBy') ?? undefined, cursor: pages.cursor };
  const list = useLoad(() => getJson<{ orders: OrderSummaryView[]; nextCursor: string | null }>('/v1/orders', { ...filter, limit: PAGE }), [q.toString()]);
  // A new filter starts again at the first page.
  const set = (changes: Record<string, string | undefined>) => go(hashWith('#/orders', q, { ...changes, cursor: undefined, trail: undefined }));
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
          <Pager label="Pages of orders" previous={goTo(pages.previous)} next={goTo(pages.next(list.data.nextCursor))} />
        </>
      ) : list.loading ? (
        <p role="status">Loading…</p>
      ) : null}
    </section>
  );
}
