// Pieces every screen uses: loading data, showing errors, state badges.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorText, noticeUnauthorized } from './api.js';
import { deadlineView, shown } from './format.js';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): void;
}

/** Runs `load` now and whenever `deps` change; a newer load wins over an older one still running. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (e: unknown) => {
        noticeUnauthorized(e);
        if (live) setState({ error: errorText(e), loading: false });
      },
    );
    return () => void (live = false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** An error, read out by screen readers as soon as it appears. */
export function ErrorBox({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      {error.split('\n').map((line, i) => (
        <p key={i}>{shown(line)}</p>
      ))}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice" role="status">
      {children}
    </div>
  );
}

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state}`}>{state}</span>;
}

/** The deadline, and its time left or how long it is overdue; overdue in words too, never by colour alone. */
export function Deadline({ order }: { order: Parameters<typeof deadlineView>[0] }) {
  const d = deadlineView(order);
  if (!order.deadline) return <span class="muted">none</span>;
  return (
    <span class={d.overdue ? 'overdue' : undefined}>
      {d.overdue ? <strong class="badge overdue-badge">Overdue</strong> : null} <time dateTime={order.deadline}>{order.deadline.slice(0, 16).replace('T', ' ')} UTC</time>
      {d.text ? <span class="muted"> ({d.text})</span> : null}
    </span>
  );
}

/** A button that runs an action once, shows that it runs, and reports its error beside it. */
export function ActionButton(props: { label: string; run: () => Promise<void>; kind?: 'primary' | 'danger'; disabled?: boolean; describedBy?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const click = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.run();
    } catch (e) {
      noticeUnauthorized(e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={props.kind ?? ''} disabled={busy || props.disabled} aria-describedby={props.describedBy} onClick={click}>
        {busy ? `${props.label}…` : props.label}
      </button>
      <ErrorBox error={error} />
    </span>
  );
}

/** Previous and next page buttons; a missing handler disables its button. */
export function Pager({ label, previous, next }: { label: string; previous: (() => void) | undefined; next: (() => void) | undefined }) {
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={!previous} onClick={previous}>
        Previous page
      </button>
      <button type="button" disabled={!next} onClick={next}>
        Next page
      </button>
    </nav>
  );
}

/** Downloads bytes the page holds as a file named `name`. */
export function saveFile(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
