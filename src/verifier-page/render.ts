// The certificate statement, the signing key and photo results as plain,
// readable HTML (member names from docs/FORMAT.md section 5.3). Long lists are
// cut at MAX_ROWS with the rest counted, so a huge statement cannot stall the page.
// Every string goes in through h() (./dom.ts): a text node, never HTML, with
// control and bidi characters escaped visibly (`\u001b`), not interpreted.
import type { CertificateStatement, DestructionRecord } from '@shredproof/verify';
import { bytes, count, h, lines, time } from './dom.js';
import type { CheckOutcome, KeyInfo } from './protocol.js';

const MAX_ROWS = 500;

type Cell = string | number | Node;

function facts(rows: Array<[Cell, Cell]>): HTMLDListElement {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of rows) dl.append(h('dt', null, k), h('dd', null, v));
  return dl;
}

const mono = (s: string) => h('code', { class: 'hash' }, s);

function table(caption: string, head: string[], rows: Cell[][], total = rows.length): HTMLElement {
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

function listOrNone(title: string, n: number, body: () => HTMLElement, none: string): HTMLElement[] {
  return [h('h3', null, `${title} (${count(n)})`), n === 0 ? h('p', null, none) : body()];
}

export function renderStatement(s: CertificateStatement): DocumentFragment {
  const f = document.createDocumentFragment();
  const c = s.completeness;
  f.append(
    h('h3', null, 'Order'),
    facts([
      ['Order reference', s.order.reference],
      ['Order id', s.order.id],
      ['Created by', s.order.createdBy],
      ['Approved by', `${s.order.approvedBy}, ${time(s.order.approvedAt)}`],
      ['Order document SHA-256', mono(s.order.sha256)],
      ['Certificate id', s.certificateId],
      ['Issuer', s.issuer.name],
      ['Issued at', time(s.issuedAt)],
      ['Status', s.status === 'complete' ? 'complete' : 'complete, with exceptions'],
      ['Planned at', time(s.inventory.plannedAt)],
      ['Executed', `${time(s.execution.startedAt)} to ${time(s.execution.finishedAt)}`],
      ['Re-scan completed', time(s.rescan.completedAt)],
    ]),
    h('h3', null, 'Completeness'),
    table(
      'Every planned object is destroyed, retained under a legal hold, or an exception',
      ['planned', 'destroyed', 'retained', 'exceptions'],
      [[count(c.planned), count(c.destroyed), count(c.retained), count(c.exceptions)]],
    ),
    facts([
      ['Bytes destroyed', bytes(s.records.bytes)],
      ['Bytes planned', bytes(s.inventory.bytes)],
    ]),
    h('h3', null, 'Targets'),
    table(
      'Per storage target',
      ['target', 'kind', 'methods', 'planned', 'destroyed', 'bytes destroyed', 'retained', 'exceptions'],
      s.targets.map((t) => [t.name, t.kind, t.methods.join(', ') || '(none)', count(t.planned), count(t.destroyed.count), bytes(t.destroyed.bytes), count(t.retained), count(t.exceptions)]),
    ),
    h('h3', null, 'What may persist'),
    h('p', { class: 'note' }, 'The issuer states what each method is known to leave behind (backups, snapshots, logs, replicas).'),
    ...s.targets.map((t) =>
      h('div', { class: 'persist' }, h('h4', null, `${t.name} (${t.methods.join(', ') || 'no method used'})`), t.persistence.length ? h('ul', null, ...t.persistence.map((p) => h('li', null, p))) : h('p', null, 'Nothing stated.')),
    ),
    ...listOrNone('Exceptions: planned but not destroyed', s.exceptions.length, () => table('Exceptions', ['target', 'locator', 'code', 'reason'], s.exceptions.map((e) => [e.target, e.locator, e.code, e.reason])), 'None.'),
    ...listOrNone('Retained under a legal hold', s.retained.length, () => table('Retained items', ['target', 'locator', 'hold', 'reason'], s.retained.map((r) => [r.target, r.locator, r.holdId, r.reason])), 'None.'),
    ...listOrNone('Still present after execution (re-scan)', s.rescan.remaining, () => table('Re-scan', ['target', 'locator', 'status'], s.rescan.items.map((r) => [r.target, r.locator, r.status])), 'Nothing in scope was left.'),
    ...listOrNone(
      'Derived artifacts (models, indexes) named by the order',
      s.derived.length,
      () => h('div', null, h('p', { class: 'note' }, 'Listed as the order names them. This certificate does not prove anything about their destruction.'), table('Derived artifacts', ['name', 'description', 'SHA-256'], s.derived.map((d) => [d.name, d.description, d.sha256 ? mono(d.sha256) : '']))),
      'None listed.',
    ),
    h('h3', null, 'Commitments'),
    facts([
      ['Merkle root of the destroyed records', mono(s.merkle.rootHash)],
      ['Records in that tree', count(s.merkle.treeSize)],
      ['SHA-256 of records.ndjson', mono(s.records.sha256)],
      ['Inventory root (the plan)', mono(s.inventory.rootHash)],
      ['Objects in the plan', count(s.inventory.treeSize)],
    ]),
  );
  return f;
}

/** The raw key as `openssl pkey -pubin -text` prints it: 15 colon-separated bytes a line. */
function opensslPub(hex: string): string[] {
  const pairs = hex.match(/../g) ?? [];
  const out = ['pub:'];
  for (let i = 0; i < pairs.length; i += 15) out.push(`    ${pairs.slice(i, i + 15).join(':')}${i + 15 < pairs.length ? ':' : ''}`);
  return out;
}

export function renderKey(key: KeyInfo): DocumentFragment {
  const f = document.createDocumentFragment();
  f.append(
    facts([
      ['Key id (SHA-256 of the 32-byte public key)', mono(key.keyid)],
      [h('span', null, 'As ', h('code', null, 'shredproof keygen'), ' prints it'), mono(`keyid ${key.keyid}`)],
      ['As openssl computes it', h('pre', null, lines('$ openssl pkey -pubin -in public-key.pem -outform DER | tail -c 32 | openssl dgst -sha256', `SHA2-256(stdin)= ${key.keyid}`))],
      [h('span', null, 'Raw public key, as ', h('code', null, 'openssl pkey -pubin -text'), ' shows it'), h('pre', null, lines(...opensslPub(key.publicKeyHex)))],
    ]),
  );
  return f;
}

function recordFacts(r: DestructionRecord, proofLength: number, source: 'records' | 'proof'): HTMLDListElement {
  return facts([
    ['Record', `#${count(r.index)} (leaf index ${r.index})`],
    ['Target', r.target],
    ['Locator', r.locator],
    ['Destroyed at', time(r.destroyedAt)],
    ['Method', r.method],
    ['Size when destroyed', bytes(r.size)],
    ['Inclusion proof', `valid: ${proofLength} sibling hashes lead from this record to the certified Merkle root${source === 'records' ? ' (built from the verified records file)' : ' (from the proof file)'}`],
  ]);
}

export function renderCheck(o: CheckOutcome): HTMLLIElement {
  if (o.status === 'error') {
    return h('li', { 'data-status': 'error' }, h('p', { class: 'photo-verdict' }, h('strong', null, 'NOT CHECKED'), ` ${o.name}: ${o.message}`));
  }
  const what = o.searched.source === 'records' ? `the ${count(o.searched.count)} destroyed objects of the verified records file` : 'the one object of the verified proof file';
  const head =
    o.status === 'found'
      ? h('p', { class: 'photo-verdict' }, h('strong', null, 'FOUND'), ` ${o.name}: its SHA-256 is among ${what}.`)
      : h('p', { class: 'photo-verdict' }, h('strong', null, 'NOT FOUND'), ` ${o.name}: its SHA-256 is not among ${what}.`);
  return h(
    'li',
    { 'data-status': o.status },
    head,
    facts([
      ['SHA-256', mono(o.sha256)],
      ['Size', bytes(o.size)],
    ]),
    ...o.matches.map((m) => recordFacts(m.record, m.proofLength, m.source)),
  );
}
