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

