// An operator creates an order from its document (docs/ORDERS.md): typed
// or pasted here, or read from a file. Every problem the server finds is
// listed with its field; a deadline already past is created all the same,
// with the server's warning shown here and on the order.
import { useState } from 'preact/hooks';
import { ApiError } from '../../client/api-client.js';
import { api, can, errorText, type Me } from './api.js';
import { ErrorBox } from './common.js';
import { go } from './router.js';

export interface Warning {
  code: string;
  message: string;
}

/** Warnings of the order just created, shown once on its page. */
export const flash = { warnings: new Map<string, Warning[]>() };

const EXAMPLE = {
  reference: 'GDPR Art. 17 erasure request 2026-0413',
  description: 'Erase every photo of user 0001 (request received 2026-11-30).',
  deadline: '2026-12-30T00:00:00Z',
  targets: [{ backend: 'photos', scope: { include: ['users/user-0001/**'] } }],
  holds: [{ id: 'hold-1', reason: 'litigation hold on one album', target: 'photos', match: { include: ['users/user-0001/album-7/**'] } }],
};

export function NewOrderScreen({ me }: { me: Me }) {
  const [text, setText] = useState(JSON.stringify(EXAMPLE, null, 2));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!can.runOrders(me)) return <p>Only an operator creates orders; you are signed in as {me.role}.</p>;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return setError(`The order document is not JSON: ${(err as Error).message}`);
    }
    setBusy(true);
    try {
      const order = (await api().createOrder(doc)) as { id: string; warnings?: Warning[] };
      if (order.warnings?.length) flash.warnings.set(order.id, order.warnings);
      go(`#/orders/${encodeURIComponent(order.id)}`);
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'INVALID_REQUEST' ? `The server refused the document.\n${errorText(err)}` : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const load = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) setText(await file.text());
  };
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">New order</h1>
      <p>
        The order document says what to destroy, where, what to keep (holds) and by when. Its fields are in docs/ORDERS.md; <code>targets[].backend</code> names a backend this server has configured. Creating an order destroys nothing: you plan it next, and a second person approves the plan.
      </p>
      <form onSubmit={submit}>
        <p>
          <label for="order-file">Read the document from a file</label> <input id="order-file" type="file" accept=".json,application/json" onChange={load} />
        </p>
        <label for="order-doc">Order document (JSON)</label>
        <textarea id="order-doc" rows={18} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        <p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create the order'}
          </button>
        </p>
      </form>
      <ErrorBox error={error} />
    </section>
  );
}
