// A tiny element builder for the page. Text always goes in as text nodes,
// never as HTML: a certificate's strings are data, even when validly signed.
// And every text node is escaped for display (the core's escapeForDisplay):
// a control or bidi character shows as `\u202e`, visibly, instead of
// reordering or hiding the text around it.
import { escapeForDisplay } from '@shredproof/verify'; // the main thread runs no verification: this, and isStatementV2 to show a statement, are all it takes from the core

type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string> | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) el.setAttribute(k, v);
  append(el, ...children);
  return el;
}

function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(escapeForDisplay(String(c))));
  }
}

/** Lines of text for a <pre>: each line escaped, with the line breaks between them kept. */
export function lines(...ls: string[]): DocumentFragment {
  const f = document.createDocumentFragment();
  ls.forEach((l, i) => f.append(...(i === 0 ? [] : ['\n']), escapeForDisplay(l)));
  return f;
}

/** Sets an element's text, escaped as h() escapes it. */
export function setText(el: Element, text: string): void {
  el.textContent = escapeForDisplay(text);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

const NUMBER = new Intl.NumberFormat('en-US');

export function count(n: number): string {
  return NUMBER.format(n);
}

/** "1.2 MB": for progress, where the exact count would only add noise. */
export function size(n: number): string {
  if (n < 1000) return `${count(n)} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** "1,234,567 bytes (1.2 MB)": exact, and readable at a glance. */
export function bytes(n: number): string {
  return n < 1000 ? size(n) : `${count(n)} bytes (${size(n)})`;
}

/** RFC 3339 UTC as people read it: "2026-11-20 10:05:00 UTC" (the fraction kept when not zero). */
export function time(t: string): string {
  return t.replace('T', ' ').replace(/\.0+Z$/, 'Z').replace(/Z$/, ' UTC');
}
