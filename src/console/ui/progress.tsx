// Live progress over Server-Sent Events (GET .../progress/stream, read with
// fetch so that the token goes in a header, never in a URL): objects and
// bytes done, the rate and an estimate of the time left. The order is read
// again when its state changes (planning ends in planned, or back in draft
// when listing failed; the stream itself ends only with a final state) and
// when the stream ends. A stream that closes early (a revoked token, a
// network drop) says so instead of looking live.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ProgressView } from '../../client/api-client.js';
import { api, errorText } from './api.js';
import { ErrorBox } from './common.js';
import { formatBytes, formatSeconds } from './format.js';
import type { ConsoleOrder } from './order.js';

/** What a screen reader hears: the quarter reached, not every second's count. */
function milestone(percent: number): string {
  return `Progress: ${Math.floor(percent / 25) * 25}%`;
}

export function ProgressPanel({ order, live, onChange }: { order: ConsoleOrder; live: boolean; onChange: () => void }) {
  const [p, setP] = useState<ProgressView>();
  const [error, setError] = useState<string>();
  // The latest callback, for the stream's loop: the effect below must not restart when the parent renders.
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    const stop = new AbortController();
    setError(undefined);
    (async () => {
      if (!live) return setP(await api().progress(order.id));
      for await (const ev of api().progressEvents(order.id, { signal: stop.signal })) {
        if (ev.event === 'end') return changed.current();
        if (ev.event !== 'progress') continue;
        const next = JSON.parse(ev.data) as ProgressView;
        setP(next);
        if (next.state !== order.state) return changed.current();
      }
      if (!stop.signal.aborted) setError('The progress stream closed before the order ended. Press Refresh to follow it again.');
    })().catch((e: unknown) => stop.signal.aborted || setError(errorText(e)));
    return () => stop.abort();
  }, [order.id, order.state, live]);
  const c = p?.counts;
  const done = c ? c.destroyed + c.exceptions + c.retained : 0;
  const percent = c && c.total > 0 ? Math.floor((done / c.total) * 100) : 0;
  return (
    <section aria-labelledby="progress-title" class="panel">
      <h2 id="progress-title">Progress{live ? ' (live)' : ''}</h2>
      <ErrorBox error={error} />
      {p?.planning ? <p>Planning: {p.planning.listed.toLocaleString('en')} objects listed so far.</p> : null}
      {c && !p?.planning ? (
        <>
          <p>
            <label for="progress-bar">{percent}% done</label>{' '}
            <progress id="progress-bar" max={c.total || 1} value={done}>
              {percent}%
            </progress>
          </p>
          <p class="sr-only" role="status">
            {milestone(percent)}
          </p>
          <dl class="facts">
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
            {live ? (
              <>
                <dt>Time left</dt>
                <dd>{p.etaSeconds !== null ? `about ${formatSeconds(p.etaSeconds)}` : 'not yet estimated'}</dd>
              </>
            ) : null}
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
