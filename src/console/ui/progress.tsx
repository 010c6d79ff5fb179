// Live progress over Server-Sent Events (GET .../progress/stream, read with
// fetch so that the token goes in a header, never in a URL): objects and
// bytes done, the rate and an estimate of the time left. When the stream
// ends (the order reached a final state) the order is read again.
import { useEffect, useState } from 'preact/hooks';
import type { ProgressView } from '../../client/api-client.js';
import { api, errorText } from './api.js';
import { ErrorBox } from './common.js';
import { formatBytes, formatSeconds } from './format.js';
import type { ConsoleOrder } from './order.js';

export function ProgressPanel({ order, live, onEnd }: { order: ConsoleOrder; live: boolean; onEnd: () => void }) {
  const [p, setP] = useState<ProgressView>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const stop = new AbortController();
    (async () => {
      if (!live) return setP(await api().progress(order.id));
      for await (const ev of api().progressEvents(order.id, { signal: stop.signal })) {
        if (ev.event === 'progress') setP(JSON.parse(ev.data) as ProgressView);
        if (ev.event === 'end') return onEnd();
      }
    })().catch((e: unknown) => stop.signal.aborted || setError(errorText(e)));
    return () => stop.abort();
  }, [order.id, live]);
  const c = p?.counts;
  const done = c ? c.destroyed + c.exceptions + c.retained : 0;
  const percent = c && c.total > 0 ? Math.floor((done / c.total) * 100) : 0;
  return (
    <section aria-labelledby="progress-title" class="panel">
      <h2 id="progress-title">Progress{live ? ' (live)' : ''}</h2>
      <ErrorBox error={error} />
      {p?.planning ? <p role="status">Planning: {p.planning.listed.toLocaleString('en')} objects listed so far.</p> : null}
      {c && !p?.planning ? (
        <>
          <p>
            <label for="progress-bar">{percent}% done</label>{' '}
            <progress id="progress-bar" max={c.total || 1} value={done}>
              {percent}%
            </progress>
          </p>
          <dl class="facts" aria-live="polite">
            <dt>Destroyed</dt>
            <dd>
              {c.destroyed.toLocaleString('en')} of {c.total.toLocaleString('en')} objects ({formatBytes(c.bytesDestroyed)} of {formatBytes(c.bytesPlanned)})
            </dd>
            <dt>Kept under a hold</dt>
            <dd>{c.retained.toLocaleString('en')}</dd>
            <dt>Exceptions</dt>
            <dd>{c.exceptions.toLocaleString('en')}</dd>
            <dt>Pending</dt>
            <dd>{c.pending.toLocaleString('en')}</dd>
            <dt>Rate</dt>
            <dd>{p.rate ? `${Math.round(p.rate.objectsPerSecond).toLocaleString('en')} objects/s, ${formatBytes(p.rate.bytesPerSecond)}/s` : 'not yet measured'}</dd>
            <dt>Time left</dt>
            <dd>{p.etaSeconds !== null ? `about ${formatSeconds(p.etaSeconds)}` : live ? 'not yet estimated' : 'none'}</dd>
            {p.elapsedSeconds !== null ? (
              <>
                <dt>Elapsed</dt>
                <dd>{formatSeconds(p.elapsedSeconds)}</dd>
              </>
            ) : null}
          </dl>
        </>
      ) : null}
    </section>
  );
}
