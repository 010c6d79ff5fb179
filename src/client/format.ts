// Readable text for people: orders, plans, progress and the server's
// problems. Scripts use --json instead, which prints the API's own JSON.
import type { ApiError, OrderView, ProgressView } from './api-client.js';

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
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
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

/** `order status`: everything about an order on a few lines. */
export function formatStatus(o: OrderView, p: ProgressView | undefined): string[] {
  const lines = [
    `order      ${o.id}`,
    `reference  ${o.reference}`,
    `state      ${o.state}${o.execution?.cancelRequestedAt ? ' (cancel requested)' : ''}`,
    `created    by ${o.createdBy} at ${o.createdAt}`,
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
