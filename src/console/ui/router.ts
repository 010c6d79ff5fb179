// The console's addresses: the fragment names the screen (#/orders,
// #/orders/<id>, #/new, #/audit, #/admin) and its query the filters, so that
// a page can be bookmarked, Back works, and the server needs one route only.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  screen: 'orders' | 'order' | 'new' | 'audit' | 'admin';
  id?: string;
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', q = ''] = hash.replace(/^#/, '').split('?', 2);
  const query = new URLSearchParams(q);
  const order = /^\/orders\/([^/]+)$/.exec(path);
  if (order) {
    try {
      return { screen: 'order', id: decodeURIComponent(order[1]!), query };
    } catch {
      return { screen: 'orders', query }; // a mangled address (a lone %) lands on the list, not on a blank page
    }
  }
  if (path === '/new') return { screen: 'new', query };
  if (path === '/audit') return { screen: 'audit', query };
  if (path === '/admin') return { screen: 'admin', query };
  return { screen: 'orders', query };
}

export const go = (hash: string) => void (location.hash = hash);

/** The address of `path` with the query `q` changed: a value sets its parameter, undefined removes it. */
export function hashWith(path: string, q: URLSearchParams, changes: Record<string, string | undefined>): string {
  const next = new URLSearchParams(q);
  for (const [k, v] of Object.entries(changes)) if (v) next.set(k, v);
  else next.delete(k);
  const s = next.toString();
  return `${path}${s ? `?${s}` : ''}`;
}

/**
 * Cursor pages of the screen at `path`, kept in its address: `cursor` is this
 * page's, `trail` the cursors of the pages before it ('-' for the first), so
 * that Previous, a bookmark and Back all work. `previous` and `next` are the
 * addresses of those pages, when there are such pages.
 */
export function addressPages(path: string, q: URLSearchParams) {
  const cursor = q.get('cursor') ?? undefined;
  const trail = (q.get('trail') ?? '').split(',').filter(Boolean);
  const back = trail[trail.length - 1];
  return {
    cursor,
    previous: cursor ? hashWith(path, q, { cursor: back === '-' ? undefined : back, trail: trail.slice(0, -1).join(',') || undefined }) : undefined,
    next: (nextCursor: string | null) => (nextCursor ? hashWith(path, q, { cursor: nextCursor, trail: [...trail, cursor ?? '-'].join(',') }) : undefined),
  };
}

/** A handler that goes to `hash`, or none when there is no such address. */
export const goTo = (hash: string | undefined) => (hash ? () => go(hash) : undefined);

/** The route of the address now, following every change of its fragment. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

