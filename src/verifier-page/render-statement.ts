// The certificate statement as plain, readable HTML (member names from
// docs/FORMAT.md sections 5.3 and 5.4). A version 1 statement holds its
// retained, exception and re-scan lists; a version 2 statement holds only
// their heads, and the lists are shown from their files when those were
// given and verified (./file-jobs.ts), else the page says which file to add.
// Under "Approved by", what the trust root made of the approvals
// (./render-approval.ts); the derived section as a tree (./render-derived.ts);
// last, the receipt of the issuer's transparency log (./render-receipt.ts).
import { type AnyCertificateStatement, type CertificateStatement, type CertificateStatementV2, type ExceptionEntry, isStatementV2, type RescanEntry, type RetainedEntry } from '@shredproof/verify';
import { bytes, count, h, time } from './dom.js';
import type { ApprovalFacts, ListView, ListViews, ReceiptShown, VendorShown } from './protocol.js';
import { approvalRows } from './render-approval.js';
import { renderDerived } from './render-derived.js';
import { receiptSection } from './render-receipt.js';
import { type Cell, facts, listOrNone, mono, table } from './render-parts.js';

type Rows = { total: number; rows: Cell[][] };

const RETAINED_HEAD = ['target', 'locator', 'hold', 'reason'];
const EXCEPTIONS_HEAD = ['target', 'locator', 'code', 'reason'];
const RESCAN_HEAD = ['target', 'locator', 'status'];

function v1Lists(s: CertificateStatement): { retained: Rows; exceptions: Rows; rescan: Rows } {
  return {
    retained: { total: s.retained.length, rows: s.retained.map((r) => [r.target, r.locator, r.holdId, r.reason]) },
    exceptions: { total: s.exceptions.length, rows: s.exceptions.map((e) => [e.target, e.locator, e.code, e.reason]) },
    rescan: { total: s.rescan.remaining, rows: s.rescan.items.map((r) => [r.target, r.locator, r.status]) },
  };
}

function v2Rows<E>(view: ListView | undefined, row: (e: E) => Cell[]): Rows | undefined {
  return view ? { total: view.count, rows: (view.entries as E[]).map(row) } : undefined;
}

/** A v2 list: its entries when its file was verified, else what the statement commits to and which file holds it. */
function v2List(title: string, caption: string, head: string[], n: number, file: string, rows: Rows | undefined, none: string): HTMLElement[] {
  if (n === 0) return listOrNone(title, 0, () => h('p'), none);
  if (!rows) return [h('h3', null, `${title} (${count(n)})`), h('p', { class: 'note' }, `Listed in ${file}, which was not given: add it to see and check them.`)];
  return listOrNone(title, n, () => table(caption, head, rows.rows, rows.total), none);
}

function orderFacts(s: AnyCertificateStatement, approvals: ApprovalFacts | undefined): Array<[Cell, Cell]> {
  const rows: Array<[Cell, Cell]> = [
    ['Order reference', s.order.reference],
    ['Order id', s.order.id],
    ['Created by', s.order.createdBy],
    ['Approved by', `${s.order.approvedBy}, ${time(s.order.approvedAt)}`],
    ...(approvals ? approvalRows(approvals, s.order.approvedBy) : []),
    ['Order document SHA-256', mono(s.order.sha256)],
    ['Certificate id', s.certificateId],
    ['Certificate version', String(s.version)],
    ['Issuer', s.issuer.name],
    ['Issued at', time(s.issuedAt)],
    ['Status', s.status === 'complete' ? 'complete' : 'complete, with exceptions'],
    ['Planned at', time(s.inventory.plannedAt)],
    ['Executed', `${time(s.execution.startedAt)} to ${time(s.execution.finishedAt)}`],
  ];
  if (isStatementV2(s)) {
    rows.push(['Executed by', `${s.tool.name} ${s.tool.version}`]);
    if (s.order.deadline !== undefined) rows.push(['Deadline', `${time(s.order.deadline)}: ${s.execution.withinDeadline ? 'met' : 'MISSED'}`]);
  }
  rows.push(['Re-scan completed', time(s.rescan.completedAt)]);
  return rows;
}

function targetsTable(s: AnyCertificateStatement): HTMLElement {
  const v2 = isStatementV2(s);
  const head = ['target', 'kind', ...(v2 ? ['system'] : []), 'methods', 'planned', 'destroyed', 'bytes destroyed', 'retained', 'exceptions'];
  const rows = s.targets.map((t) => [
    t.name,
    t.kind,
    ...('system' in t ? [(t as { system: string }).system] : []),
    t.methods.join(', ') || '(none)',
    count(t.planned),
    count(t.destroyed.count),
    bytes(t.destroyed.bytes),
    count(t.retained),
    count(t.exceptions),
  ]);
  return table('Per storage target', head, rows);
}

function commitments(s: AnyCertificateStatement): HTMLDListElement {
  const rows: Array<[Cell, Cell]> = [
    ['Merkle root of the destroyed records', mono(s.merkle.rootHash)],
    ['Records in that tree', count(s.merkle.treeSize)],
    ['SHA-256 of records.ndjson', mono(s.records.sha256)],
    ['Inventory root (the plan)', mono(s.inventory.rootHash)],
    ['Objects in the plan', count(s.inventory.treeSize)],
  ];
  if (isStatementV2(s)) {
    const heads: Array<[string, CertificateStatementV2['retained']]> = [
      ['retained.ndjson', s.retained],
      ['exceptions.ndjson', s.exceptions],
      ['rescan.ndjson', s.rescan.items],
    ];
    for (const [file, head] of heads) rows.push([`${file}: root, entries, SHA-256`, h('span', null, mono(head.rootHash), `, ${count(head.treeSize)} entries, `, mono(head.sha256))]);
  }
  return facts(rows);
}

/** The order's own words on derived artifacts (free text, proving nothing): shown when it has some, or when the certificate has no derived section. */
function namedDerived(s: AnyCertificateStatement): HTMLElement[] {
  if (isStatementV2(s) && s.derivedArtifacts !== undefined && s.derived.length === 0) return [];
  return listOrNone(
    'Derived artifacts (models, indexes) named by the order',
    s.derived.length,
    () => h('div', null, h('p', { class: 'note' }, 'Listed as the order names them. This certificate does not prove anything about their destruction.'), table('Derived artifacts', ['name', 'description', 'SHA-256'], s.derived.map((d) => [d.name, d.description, d.sha256 ? mono(d.sha256) : '']))),
    'None listed.',
  );
}

export function renderStatement(s: AnyCertificateStatement, lists: ListViews = {}, approvals?: ApprovalFacts, vendors: readonly VendorShown[] = [], receipt?: ReceiptShown): DocumentFragment {
  const f = document.createDocumentFragment();
  const c = s.completeness;
  const l = isStatementV2(s)
    ? {
        retained: v2Rows<RetainedEntry>(lists.retained, (r) => [r.target, r.locator, r.holdId, r.reason]),
        exceptions: v2Rows<ExceptionEntry>(lists.exceptions, (e) => [e.target, e.locator, e.code, e.reason]),
        rescan: v2Rows<RescanEntry>(lists.rescan, (r) => [r.target, r.locator, r.status]),
      }
    : v1Lists(s);
  f.append(
    h('h3', null, 'Order'),
    facts(orderFacts(s, approvals)),
    h('h3', null, 'Completeness'),
    table('Every planned object is destroyed, retained under a legal hold, or an exception', ['planned', 'destroyed', 'retained', 'exceptions'], [
      [count(c.planned), count(c.destroyed), count(c.retained), count(c.exceptions)],
    ]),
    facts([
      ['Bytes destroyed', bytes(s.records.bytes)],
      ['Bytes planned', bytes(s.inventory.bytes)],
    ]),
    h('h3', null, 'Targets'),
    targetsTable(s),
    h('h3', null, 'What may persist'),
    h('p', { class: 'note' }, 'The issuer states what each method is known to leave behind (backups, snapshots, logs, replicas).'),
    ...s.targets.map((t) =>
      h('div', { class: 'persist' }, h('h4', null, `${t.name} (${t.methods.join(', ') || 'no method used'})`), t.persistence.length ? h('ul', null, ...t.persistence.map((p) => h('li', null, p))) : h('p', null, 'Nothing stated.')),
    ),
    ...v2List('Exceptions: planned but not destroyed', 'Exceptions', EXCEPTIONS_HEAD, c.exceptions, 'exceptions.ndjson', l.exceptions, 'None.'),
    ...v2List('Retained under a legal hold', 'Retained items', RETAINED_HEAD, c.retained, 'retained.ndjson', l.retained, 'None.'),
    ...v2List('Still present after execution (re-scan)', 'Re-scan', RESCAN_HEAD, s.rescan.remaining, 'rescan.ndjson', l.rescan, 'Nothing in scope was left.'),
    ...(isStatementV2(s) && s.derivedArtifacts !== undefined ? renderDerived(s, approvals, vendors) : []),
    ...namedDerived(s),
    h('h3', null, 'Commitments'),
    commitments(s),
    ...(receipt ? receiptSection(receipt) : []),
  );
  return f;
}
