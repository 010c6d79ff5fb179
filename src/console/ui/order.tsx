// One order: what it is, what a person of this role may do with it now, the
// plan to review, live progress, the result, and its history.
import { useEffect, useRef, useState } from 'preact/hooks';
import { FINAL_STATES } from '../../app/ports/orders.js';
import type { OrderHistory, OrderView } from '../../client/api-client.js';
import { api, can, getJson, type Me } from './api.js';
import { ActionButton, Deadline, ErrorBox, Notice, StateBadge, useLoad } from './common.js';
import { DecidePanel } from './decide.js';
import { shown, when } from './format.js';
import { flash, type Warning } from './new-order.js';
import { PlanReview } from './plan.js';
import { ProgressPanel } from './progress.js';
import { ResultPanel } from './result.js';

export type ConsoleOrder = OrderView & { deadline?: string | null; overdue?: boolean };

const CANCELLABLE = new Set(['draft', 'planning', 'planned', 'approved', 'executing']);
const LIVE = new Set(['planning', 'executing', 'finalizing']);
/** The states in which an order may hold a certificate (a cancel during execution certifies what was destroyed). */
const CERTIFIED = new Set(['certified', 'certified-with-exceptions', 'cancelled']);
/** Nothing is left for an operator to do. */
const FINAL = new Set<string>(FINAL_STATES);

function OperatorActions({ order, onChange }: { order: ConsoleOrder; onChange: () => void }) {
  const [reason, setReason] = useState('');
  const c = api();
  const cancellable = CANCELLABLE.has(order.state) && !order.execution?.cancelRequestedAt;
  return (
    <section aria-labelledby="operator-title" class="panel">
      <h2 id="operator-title">Run the order</h2>
      {order.state === 'draft' ? (
        <p>
          <ActionButton kind="primary" label={order.failure ? 'Plan again' : 'Plan: list every object in scope'} run={async () => (await c.planOrder(order.id), onChange())} />
        </p>
      ) : null}
      {order.state === 'planned' ? <p>The plan waits for an approver: a second person reviews it and signs it with their own key.</p> : null}
      {order.state === 'approved' ? (
        <p>
          <ActionButton kind="primary" label="Execute: destroy what the plan lists" run={async () => (await c.executeOrder(order.id), onChange())} />
        </p>
      ) : null}
      {cancellable ? (
        <form class="inline" onSubmit={(e) => e.preventDefault()} aria-label="Cancel the order">
          <label for="cancel-reason">Reason to cancel</label>
          <input id="cancel-reason" type="text" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          <ActionButton kind="danger" label="Cancel the order" disabled={!reason.trim()} run={async () => (await c.cancelOrder(order.id, reason.trim()), onChange())} />
        </form>
      ) : null}
      {order.execution?.cancelRequestedAt ? <p>Cancel requested at {when(order.execution.cancelRequestedAt)}: running batches finish, and what was destroyed is certified.</p> : null}
    </section>
  );
}

type HistoryEvent = OrderHistory['events'][number];

function History({ events, error }: { events: HistoryEvent[] | undefined; error: string | undefined }) {
  return (
    <section aria-labelledby="history-title" class="panel">
      <h2 id="history-title">History</h2>
      <ErrorBox error={error} />
      {events ? (
        <table>
          <caption class="sr-only">Every state change of the order</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e, i) => (
              <tr key={i}>
                <td>{when(e.at)}</td>
                <td>{shown(e.actor)}</td>
                <td>{e.fromState ?? ''}</td>
                <td>{e.toState}</td>
                <td>{shown(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/**
 * Every refusal of a plan of this order, from its history (src/app/refuse-order.ts writes them so):
 * a plan made again after a refusal must not hide from the next approver that one was refused.
 */
function Refusals({ events }: { events: HistoryEvent[] | undefined }) {
  const refusals = (events ?? []).filter((e) => e.fromState === 'planned' && e.toState === 'draft' && /^plan [0-9a-f]{64} refused by /.test(e.detail ?? ''));
  if (refusals.length === 0) return null;
  return (
    <div class="warning">
      <h2>{refusals.length === 1 ? 'A plan of this order was refused' : `Plans of this order were refused ${refusals.length} times`}</h2>
      {refusals.map((e, i) => (
        <p key={i}>
          {when(e.at)}: {shown(e.detail)}
        </p>
      ))}
    </div>
  );
}

function Warnings({ warnings }: { warnings: Warning[] | undefined }) {
  if (!warnings?.length) return null;
  return (
    <div class="warning" role="alert">
      <h2>Warning</h2>
      {warnings.map((w) => (
        <p>
          <strong>{w.code}</strong>: {shown(w.message)}
        </p>
      ))}
    </div>
  );
}

/** Moves focus to the order's title when its state changes under the person (their button is gone), and says the new state. */
function useStateFocus(state: string | undefined) {
  const title = useRef<HTMLHeadingElement>(null);
  const seen = useRef(state);
  const [said, setSaid] = useState('');
  useEffect(() => {
    if (state === undefined || state === seen.current) return;
    if (seen.current !== undefined) {
      setSaid(`The order is now ${state}.`);
      title.current?.focus();
    }
    seen.current = state;
  }, [state]);
  return { title, said };
}

export function OrderScreen({ me, id }: { me: Me; id: string }) {
  const o = useLoad(() => getJson<ConsoleOrder>(`/v1/orders/${encodeURIComponent(id)}`), [id]);
  const [warnings] = useState(() => flash.warnings.get(id));
  const order = o.data;
  const version = order ? `${order.state}:${order.updatedAt}` : '';
  const history = useLoad(() => (order ? api().history(order.id) : Promise.resolve(undefined)), [id, version]);
  const { title, said } = useStateFocus(order?.state);
  if (!order) return o.error ? <ErrorBox error={o.error} /> : <p role="status">Loading…</p>;
  return (
    <article aria-labelledby="order-title">
      <h1 id="order-title" tabIndex={-1} ref={title}>
        {shown(order.reference)}
      </h1>
      <p class="sr-only" role="status">
        {said}
      </p>
      <Warnings warnings={warnings} />
      <dl class="facts">
        <dt>State</dt>
        <dd>
          <StateBadge state={order.state} />
        </dd>
        <dt>Order id</dt>
        <dd class="mono">{order.id}</dd>
        <dt>Deadline</dt>
        <dd>
          <Deadline order={order} />
        </dd>
        <dt>Created</dt>
        <dd>
          {when(order.createdAt)} by {shown(order.createdBy)}
        </dd>
        {order.approval ? (
          <>
            <dt>Approved</dt>
            <dd>
              {when(order.approval.at)} by {shown(order.approval.by)}
            </dd>
          </>
        ) : null}
      </dl>
      {order.failure ? <Notice>{shown(order.failure)}</Notice> : null}
      <Refusals events={history.data?.events} />
      <p>
        <button type="button" onClick={o.reload}>
          Refresh
        </button>
      </p>
      {can.runOrders(me) && !FINAL.has(order.state) ? <OperatorActions order={order} onChange={o.reload} /> : null}
      {can.decide(me) && order.state === 'planned' ? <DecidePanel me={me} order={order} onChange={o.reload} /> : null}
      {LIVE.has(order.state) || order.execution ? <ProgressPanel order={order} live={LIVE.has(order.state)} onChange={o.reload} /> : null}
      {CERTIFIED.has(order.state) && order.certificate ? <ResultPanel me={me} order={order} /> : null}
      <PlanReview order={order} />
      <History events={history.data?.events} error={history.error} />
    </article>
  );
}
