// Readable text for people: orders, plans, progress, inventories, histories,
// the audit log and the server's problems. Scripts use --json instead, which
// prints the API's own JSON. What people, file names and clients wrote
// (locators, actors, details, user agents) goes through escapeForDisplay: a
// locator may hold a newline or a terminal's escape sequence.
import { escapeForDisplay } from '@shredproof/verify';
import type { ApiError, AuditEntryView, AuditVerdictView, InventoryObjectView, OrderHistory, OrderView, ProgressView } from './api-client.js';

/** "1 object", "2 objects"; "1 batch", "2 batches". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export function formatSeconds(s: number): string {
  // Rounded to the unit shown before it is split: 119.6 s is "2 min 0 s", never "1 min 60 s".
  if (s < 59.5) return `${Math.round(s)} s`;
  if (s < 3599.5) {
    const t = Math.round(s);
    return `${Math.floor(t / 60)} min ${t % 60} s`;
  }
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A span of time for deadlines, which can be weeks away: days and hours from a day up, else formatSeconds. */
export function formatTimeSpan(s: number): string {
  if (s < 86_400) return formatSeconds(s);
  const hours = Math.round(s / 3600);
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * The order's deadline, with the time left or past at `nowMs`. OVERDUE is the
 * server's judgement (`overdue`), never guessed here: a server older than it
 * sends no `overdue`, and the deadline then comes from the order document.
 * Once execution finished, whether it finished in time.
 */
export function formatDeadline(o: OrderView, nowMs: number): string {
  const deadline = o.deadline !== undefined ? o.deadline : typeof o.document.deadline === 'string' ? o.document.deadline : null;
  if (deadline === null) return 'none';
  const due = Date.parse(deadline);
  if (Number.isNaN(due)) return escapeForDisplay(deadline);
  const left = (due - nowMs) / 1000;
  if (o.overdue === true) return `${deadline}: OVERDUE${left <= 0 ? ` by ${formatTimeSpan(-left)}` : ''}`;
  const finished = o.execution?.finishedAt ? Date.parse(o.execution.finishedAt) : NaN;
  if (!Number.isNaN(finished)) {
    const by = formatTimeSpan(Math.abs(finished - due) / 1000);
    return finished <= due ? `${deadline}: met, finished ${by} before it` : `${deadline}: missed, finished ${by} after it`;
  }
  return left >= 0 ? `${deadline}, ${formatTimeSpan(left)} left` : `${deadline}, passed ${formatTimeSpan(-left)} ago`;
}

/** The plan of an order, one target per line. */
export function formatPlan(o: OrderView): string[] {
  if (!o.plan) return ['plan       none yet'];
  const held = Object.values(o.plan.targets).reduce((a, t) => a + t.held, 0);
  const lines = [`plan       ${count(o.plan.objects, 'object')}, ${formatBytes(o.plan.bytes)}, ${held} held; planned ${o.plan.plannedAt}`, `plan root  ${o.plan.root}`];
  for (const [name, t] of Object.entries(o.plan.targets)) lines.push(`  ${name}: ${count(t.objects, 'object')}, ${formatBytes(t.bytes)}, ${t.held} held`);
  for (const a of o.plan.derived ?? []) lines.push(formatDerived(a));
  return lines;
}

/** One derived artifact of a plan, on one line: its lineage, where it is, and what became of it so far. */
export function formatDerived(a: NonNullable<OrderView['plan']>['derived'][number]): string {
  const head = `  derived ${a.artifact} (${a.kind}): ${a.lineage.join(' > ')}`;
  if ('target' in a.location) return `${head}; destroyed with the order as ${a.location.target}`;
  const c = a.vendorCertificate;
  const s = a.vendorStatus;
  const run = s ? `: ${s.status} (planned ${s.completeness.planned}, destroyed ${s.completeness.destroyed}, retained ${s.completeness.retained}, exceptions ${s.completeness.exceptions})` : '';
  const cert = c ? `vendor certificate ${c.certificateId} (key ${c.keyid}) attached${run}` : 'no vendor certificate';
  const d = a.disposition;
  const decided = d ? `${d.disposition} signed by ${d.signedBy.person} (key ${d.signedBy.keyid})` : 'no disposition yet';
  return `${head}; at vendor ${a.location.vendor}; ${cert}; ${decided}`;
}

/** One line of progress, for logs and terminals without a bar. */
export function formatProgressLine(p: ProgressView): string {
  if (p.state === 'planning') return `planning: ${count(p.planning?.listed ?? 0, 'object')} listed`;
  const c = p.counts;
  const done = c.destroyed + c.exceptions + c.retained;
  const parts = [`${p.state}: ${done}/${c.total} done (destroyed ${c.destroyed}, retained ${c.retained}, exceptions ${c.exceptions}), ${formatBytes(c.bytesDestroyed)} destroyed`];
  if (p.rate && p.state === 'executing') parts.push(`${p.rate.objectsPerSecond} objects/s, ${formatBytes(p.rate.bytesPerSecond)}/s`);
  if (p.etaSeconds !== null && p.state === 'executing') parts.push(`ETA ${formatSeconds(p.etaSeconds)}`);
  return parts.join('; ');
}

/**
 * `order status`: everything about an order on a few lines. Time left to the
 * deadline is counted from `nowMs`: by default the server's clock when the
 * progress says it (`p.at`), the clock its `overdue` was judged by.
 */
export function formatStatus(o: OrderView, p: ProgressView | undefined, nowMs = p ? Date.parse(p.at) : Date.now()): string[] {
  const lines = [
    `order      ${o.id}`,
    `reference  ${o.reference}`,
    `state      ${o.state}${o.execution?.cancelRequestedAt ? ' (cancel requested)' : ''}`,
    `created    by ${o.createdBy} at ${o.createdAt}`,
    `deadline   ${formatDeadline(o, Number.isNaN(nowMs) ? Date.now() : nowMs)}`,
    ...formatPlan(o),
    `approval   ${o.approval ? `by ${o.approval.by} at ${o.approval.at} for plan root ${o.approval.planRoot}` : 'none'}`,
  ];
  if (o.execution) {
    lines.push(`execution  started ${o.execution.startedAt}${o.execution.batches !== null ? `, ${count(o.execution.batches, 'batch', 'batches')}` : ''}${o.execution.finishedAt ? `, finished ${o.execution.finishedAt}` : ''}`);
  }
  if (p && p.counts.total > 0) {
    const c = p.counts;
    lines.push(
      `objects    destroyed ${c.destroyed}, retained ${c.retained}, exceptions ${c.exceptions}, pending ${c.pending} of ${c.total}; ${formatBytes(c.bytesDestroyed)} of ${formatBytes(c.bytesPlanned)} destroyed`,
    );
    if (p.rate) lines.push(`rate       ${p.rate.objectsPerSecond} objects/s, ${formatBytes(p.rate.bytesPerSecond)}/s${p.etaSeconds !== null ? `; ETA ${formatSeconds(p.etaSeconds)}` : ''}`);
  }
  if (p?.planning) lines.push(`planning   ${count(p.planning.listed, 'object')} listed so far`);
  if (o.certificate) lines.push(`certificate ${o.certificate.id}, issued ${o.certificate.issuedAt}, ${count(o.certificate.treeSize, 'record')}, root ${o.certificate.rootHash}`);
  if (o.failure) lines.push(`failure    ${o.failure}`);
  return lines;
}

/** The server's problem, every field it named included, for stderr. */
export function formatApiError(e: ApiError): string[] {
  const p = e.problem;
  if (!p) return [`the server answered ${e.status}${e.bodyText ? `: ${e.bodyText}` : ''}`];
  // With errors[] the detail only repeats them on one line: list them one per line instead.
  const lines = [`${p.status} ${p.code}: ${p.errors?.length ? p.title : (p.detail ?? p.title)}`];
  for (const f of p.errors ?? []) lines.push(`  ${f.in} ${f.path}: ${f.problem}`);
  if (p.errorId) lines.push(`  error id ${p.errorId} (the server's operator can find the details under it)`);
  return lines;
}

/** An order's history (GET .../history), one state change a line: when, who, from, to, why. */
export function formatHistory(h: OrderHistory): string[] {
  const width = Math.max(0, ...h.events.map((e) => escapeForDisplay(e.actor).length));
  return h.events.map((e) => `${e.at}  ${escapeForDisplay(e.actor).padEnd(width)}  ${e.fromState ?? '(new)'} -> ${e.toState}${e.detail ? `: ${escapeForDisplay(e.detail)}` : ''}`);
}

const INVENTORY_STATUSES: ReadonlyArray<InventoryObjectView['status']> = ['pending', 'destroyed', 'exception', 'retained'];

/** The widths of an inventory table's columns; the locator, unbounded, comes last and is not padded. */
export interface InventoryColumns {
  target: number;
  size: number;
  hold: number;
  status: number;
}

/**
 * Columns wide enough for the header, `rows` and what else is known before
 * the rows stream in (the plan's target names and hold ids, its total bytes,
 * which bounds any one size): a table printed a page at a time keeps the
 * widths of its first page. A value wider still only shifts its own row.
 */
export function inventoryColumns(rows: readonly InventoryObjectView[], known: { targets?: readonly string[]; holds?: readonly string[]; maxSize?: number } = {}): InventoryColumns {
  const widest = (header: string, values: Iterable<string>) => Math.max(header.length, ...[...values].map((v) => escapeForDisplay(v).length));
  return {
    target: widest('TARGET', [...(known.targets ?? []), ...rows.map((r) => r.target)]),
    size: widest('SIZE', [String(known.maxSize ?? 0), ...rows.map((r) => String(r.size))]),
    hold: widest('HOLD', [...(known.holds ?? []), ...rows.map((r) => r.heldBy ?? '-')]),
    status: widest('STATUS', INVENTORY_STATUSES),
  };
}

export function formatInventoryHeader(c: InventoryColumns): string {
  return `${'TARGET'.padEnd(c.target)}  ${'SIZE'.padStart(c.size)}  ${'HOLD'.padEnd(c.hold)}  ${'STATUS'.padEnd(c.status)}  LOCATOR`;
}

/** One planned object: target, size in bytes, hold (- for none), status, locator. */
export function formatInventoryRow(r: InventoryObjectView, c: InventoryColumns): string {
  return `${escapeForDisplay(r.target).padEnd(c.target)}  ${String(r.size).padStart(c.size)}  ${escapeForDisplay(r.heldBy ?? '-').padEnd(c.hold)}  ${r.status.padEnd(c.status)}  ${escapeForDisplay(r.locator)}`;
}

/** One audit entry on one line: seq, when, who (role), what, the request and its answer, from where, and the detail. */
export function formatAuditEntry(e: AuditEntryView): string {
  const parts = [String(e.seq), e.at, e.role ? `${e.actor} (${e.role})` : e.actor, e.action];
  if (e.method) parts.push(`${e.method} ${e.path ?? ''} -> ${e.status ?? 'no answer'}`);
  else if (e.orderId) parts.push(e.orderId);
  if (e.remote) parts.push(`from ${e.remote}`);
  return escapeForDisplay(parts.join('  ') + (e.detail ? `: ${e.detail}` : ''));
}

/** What `anchor` of the audit verdict names: a certificate's id, or `checkpoint <at>`. */
const anchorText = (anchor: string) => (anchor.startsWith('checkpoint ') ? `the signed ${anchor}` : `the audit head of certificate ${anchor}`);

/** The verdict of GET /v1/audit/verify, and what a failure means. */
export function formatAuditVerdict(v: AuditVerdictView): string[] {
  if (v.ok) return [`audit log VERIFIED: ${count(v.entries, 'entry', 'entries')}; every link of the hash chain holds, and the chain agrees with the audit heads of the certificates and signed checkpoints`];
  const at = v.brokenAt ?? v.entries;
  const anchor = v.anchor === undefined ? undefined : escapeForDisplay(v.anchor);
  let why: string;
  if (anchor === undefined) why = `entry ${at} does not hold (its hash, or its link to the entry before it): the log was changed there`;
  else if (at > v.entries) why = `the log ends at entry ${v.entries}, short of ${anchorText(anchor)}: it was cut short`;
  else why = `entry ${at} contradicts ${anchorText(anchor)}: an entry up to it was rewritten and the chain recomputed`;
  return [`audit log DOES NOT VERIFY: ${why}`];
}
