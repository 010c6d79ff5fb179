// Small pieces of the page's result views: fact lists, tables cut at
// MAX_ROWS with the rest counted (a huge statement or list cannot stall the
// page), hashes in monospace. Every string goes in through h() (./dom.ts): a
// text node, never HTML, with control and bidi characters shown escaped.
import { count, h } from './dom.js';

export const MAX_ROWS = 500;

export type Cell = string | number | Node;

export function facts(rows: Array<[Cell, Cell]>): HTMLDListElement {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of rows) dl.append(h('dt', null, k), h('dd', null, v));
  return dl;
}

export const mono = (s: string): HTMLElement => h('code', { class: 'hash' }, s);

export function table(caption: string, head: string[], rows: Cell[][], total = rows.length): HTMLElement {
  const shown = rows.slice(0, MAX_ROWS);
  const t = h(
    'table',
    null,
    h('caption', null, caption),
    h('thead', null, h('tr', null, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, ...shown.map((r) => h('tr', null, ...r.map((c) => h('td', null, c))))),
  );
  const wrap = h('div', { class: 'table-wrap' }, t);
  if (total > shown.length) wrap.append(h('p', { class: 'note' }, `… and ${count(total - shown.length)} more, not shown.`));
  return wrap;
}

export function listOrNone(title: string, n: number, body: () => HTMLElement, none: string): HTMLElement[] {
  return [h('h3', null, `${title} (${count(n)})`), n === 0 ? h('p', null, none) : body()];
}
