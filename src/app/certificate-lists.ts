// The list files of a version 2 certificate (docs/FORMAT.md section 5.5):
// retained.ndjson, exceptions.ndjson and rescan.ndjson, each written durably
// beside records.ndjson with a fresh salt per entry, hashed into its list
// head as it is written. The statement then carries the heads and counts
// only, so that no proof of one object names anyone else.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type ListHead, ListBuilder, type ListEntryOf, type ListName, type RescanItem, type RescanStatuses } from '@shredproof/verify';
import { nodeFileDigest, nodeHasher } from '@shredproof/verify/node';
import { orderDocument } from './create-order.js';
import type { EngineDeps } from './deps.js';
import { retainedArtifactHold } from './dispositions.js';
import { writeLinesDurably } from './durable-files.js';
import { plannedArtifacts } from './plan-targets.js';
import type { OrderRow } from './ports/orders.js';
import { heldKey, retainedContent } from './retained-content.js';

export interface CertificateLists {
  retained: ListHead;
  exceptions: ListHead;
  rescan: ListHead;
  statuses: RescanStatuses;
  /** Per target: how many entries of retained.ndjson and of exceptions.ndjson name it. */
  perTarget: Map<string, { retained: number; exceptions: number }>;
}

/** A salt of 16 random bytes, fresh for each entry (section 5.5). */
const salt = () => randomBytes(16).toString('hex');

/** Writes the three lists into `dir` and returns their heads and counts. */
export async function writeLists(deps: EngineDeps, order: OrderRow, rescanItems: readonly RescanItem[], dir: string): Promise<CertificateLists> {
  const holdReason = new Map(orderDocument(order).holds.map((h) => [h.id, h.reason]));
  // A derived artifact an approver retained before execution: its objects are kept under its own hold (./dispositions.ts).
  for (const a of plannedArtifacts(order)) {
    if ('target' in a.location && a.disposition) {
      holdReason.set(retainedArtifactHold(a.artifact), `derived artifact ${a.artifact} retained with justification, signed by ${a.disposition.signedBy.person} (derivedArtifacts)`);
    }
  }
  const held = deps.ledger.retained(order.id);
  const content = await retainedContent(deps, order, held);
  const retained = await writeList(join(dir, 'retained.ndjson'), 'retained', held, (r, index) => {
    const c = content.get(heldKey(r.target, r.locator));
    return { index, target: r.target, locator: r.locator, holdId: r.holdId, reason: holdReason.get(r.holdId) ?? 'legal hold', salt: salt(), ...(c ? { sha256: c.sha256, size: c.size } : {}) };
  });
  const exceptions = await writeList(join(dir, 'exceptions.ndjson'), 'exceptions', deps.ledger.exceptions(order.id), (x, index) => ({ index, ...x, salt: salt() }));
  const rescan = await writeList(join(dir, 'rescan.ndjson'), 'rescan', rescanItems, (r, index) => ({ index, target: r.target, locator: r.locator, status: r.status, salt: salt() }));
  const perTarget = new Map<string, { retained: number; exceptions: number }>();
  const counts = (name: string) => perTarget.get(name) ?? perTarget.set(name, { retained: 0, exceptions: 0 }).get(name)!;
  for (const [t, n] of retained.countsByTarget()) counts(t).retained = n;
  for (const [t, n] of exceptions.countsByTarget()) counts(t).exceptions = n;
  return { retained: retained.head(), exceptions: exceptions.head(), rescan: rescan.head(), statuses: rescan.countsByStatus(), perTarget };
}

/** Writes one list durably (./durable-files.ts), 1,000 entries a page, each hashed into its head as its line is made. */
async function writeList<L extends ListName, T>(path: string, list: L, items: readonly T[], entry: (item: T, index: number) => ListEntryOf<L>): Promise<ListBuilder<L>> {
  const builder = new ListBuilder(list, { hasher: nodeHasher, fileDigest: nodeFileDigest() });
  function* pages(): Generator<string[]> {
    for (let i = 0; i < items.length; i += 1000) yield items.slice(i, i + 1000).map((item, k) => builder.add(entry(item, i + k)));
  }
  await writeLinesDurably(path, pages());
  return builder;
}
