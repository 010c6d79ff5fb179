// The audit log, for auditors (and admins): every state change, every write
// made with a token and every failed sign-in, oldest first, a page at a
// time, optionally for one order; and the check of its hash chain.
import { useState } from 'preact/hooks';
import type { AuditEntryView } from '../../client/api-client.js';
import { can, getJson, type Me } from './api.js';
import { ActionButton, ErrorBox, Pager, useLoad } from './common.js';
import { shown, when } from './format.js';
import { addressPages, go, goTo, hashWith, type Route } from './router.js';

interface ChainCheck {
  ok: boolean;
  entries: number;
  brokenAt?: number;
  anchor?: string;
}

const PAGE = 50;

export function AuditScreen({ me, route }: { me: Me; route: Route }) {
  const q = route.query;
  const orderId = q.get('orderId') ?? '';
  const pages = addressPages('#/audit', q);
  const cursor = pages.cursor;
  const [typed, setTyped] = useState(orderId);
  const [check, setCheck] = useState<ChainCheck>();
  const page = useLoad(() => getJson<{ entries: AuditEntryView[]; nextCursor: string | null }>('/v1/audit', { limit: PAGE, cursor, orderId: orderId || undefined }), [orderId, cursor]);
  if (!can.readAudit(me)) return <p>The audit log is for auditors and admins; you are signed in as {me.role}.</p>;

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p>
        Every state change, every write made with a token, and every failed sign-in. Each entry’s hash covers the one before it, and every certificate carries the head of this chain, so that an entry changed or removed later shows.
      </p>
      <p>
        <ActionButton label="Verify the hash chain" run={async () => setCheck(await getJson<ChainCheck>('/v1/audit/verify'))} />
      </p>
      {check ? (
        <p role="status" class={check.ok ? 'verdict verdict-valid' : 'verdict verdict-invalid'}>
          {check.ok ? `The chain holds: ${check.entries} entries, each linked to the one before, and it matches the audit head of every certificate.` : `The chain is BROKEN${check.brokenAt !== undefined ? ` at entry ${check.brokenAt}` : ''}${check.anchor ? `; it contradicts certificate ${check.anchor}` : ''}.`}
        </p>
      ) : null}
      <form class="filters" aria-label="Filter the audit log" onSubmit={(e) => (e.preventDefault(), go(hashWith('#/audit', new URLSearchParams(), { orderId: typed.trim() || undefined })))}>
        <label>
          Order id <input type="text" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Show</button>
      </form>
      <ErrorBox error={page.error} />
      {page.data ? (
        <>
          <table class="audit">
            <caption class="sr-only">Audit entries, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Order</th>
                <th scope="col">Result</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {page.data.entries.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{when(e.at)}</td>
                  <td>
                    {shown(e.actor)}
                    {e.role ? <span class="muted"> ({e.role})</span> : null}
                  </td>
                  <td>
                    {e.action}
                    {e.method ? <div class="muted small mono">{shown(`${e.method} ${e.path ?? ''}`)}</div> : null}
                  </td>
                  <td class="mono small">{e.orderId ? <a href={`#/orders/${encodeURIComponent(e.orderId)}`}>{e.orderId}</a> : ''}</td>
                  <td>{e.status ?? ''}</td>
                  <td>{shown(e.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label="Pages of the audit log" previous={goTo(pages.previous)} next={goTo(pages.next(page.data.nextCursor))} />
        </>
      ) : null}
    </section>
  );
}
