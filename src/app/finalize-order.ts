// Finalize: re-scan the scope, write records.ndjson in leaf order (plan
// order), build the statement while streaming, sign it, and store it. Safe
// to run again after a crash: everything is recomputed from the ledger.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { publicKeyToPem, type RescanItem, signCertificate, StatementBuilder } from '@shredproof/verify';
import type { TargetBinding, TargetSession } from './ports/storage-backend.js';
import { ITEM_STATUS, type OrderRow } from './ports/ledger.js';
import { nodeFileDigest } from '@shredproof/verify/node';
import { nodeHasher } from '@shredproof/verify/node';
import { holdsFor, orderDocument } from './create-order.js';
import { type EngineDeps, NotFoundError } from './deps.js';
import { planBindings } from './plan-order.js';

export interface CertificateFiles {
  dir: string;
  certificate: string;
  records: string;
  publicKey: string;
}

export function certificateFiles(dataDir: string, orderId: string): CertificateFiles {
  const dir = join(dataDir, 'certificates', orderId);
  return { dir, certificate: join(dir, 'certificate.json'), records: join(dir, 'records.ndjson'), publicKey: join(dir, 'public-key.pem') };
}

const RESCAN_STATUS: Record<number, RescanItem['status']> = {
  [ITEM_STATUS.retained]: 'held',
  [ITEM_STATUS.exception]: 'exception',
  [ITEM_STATUS.destroyed]: 'recreated',
  [ITEM_STATUS.pending]: 'exception',
};

/**
 * Lists what is left in scope after execution. An object recorded as destroyed
 * that is still there is hashed again: with the content that was certified, it
 * was never destroyed (a lying worker, a forged outcome, a store that ignored
 * the delete), so its record is revoked and it becomes an exception; with other
 * content it was written again after its destruction ('recreated'). Before
 * listing, a session that can tidy removes what destroying left behind (tidy).
 */
async function rescan(deps: EngineDeps, order: OrderRow): Promise<{ items: RescanItem[]; leftBehind: Map<string, string[]> }> {
  const doc = orderDocument(order);
  const bindings = planBindings(deps.ledger, order.id);
  const items: RescanItem[] = [];
  const leftBehind = new Map<string, string[]>();
  for (const t of doc.targets) {
    const session = await deps.backends.get(t.backend).openTarget(t.scope, holdsFor(doc, t.backend));
    try {
      if (session.tidy) leftBehind.set(t.backend, await tidy(deps, order.id, t.backend, session, bindings[t.backend]));
      for await (const page of session.list()) {
        const survivors: Array<{ item: RescanItem; seq: number; sha256: string }> = [];
        for (const o of page) {
          const row = deps.ledger.findByLocator(order.id, t.backend, o.locator);
          const item: RescanItem = { target: t.backend, locator: o.locator, status: row ? RESCAN_STATUS[row.status]! : 'unplanned' };
          items.push(item);
          if (row?.status === ITEM_STATUS.destroyed && row.sha256) survivors.push({ item, seq: row.seq, sha256: row.sha256 });
        }
        if (survivors.length > 0) await checkSurvivors(deps, order.id, session, survivors);
      }
    } finally {
      await session.close();
    }
  }
  return { items, leftBehind };
}

/**
 * Has the session remove what destroying left behind (for files: the
 * directories the order emptied), on the store the plan listed only, and
 * returns its statements of what remains (for the target's persistence).
 */
async function tidy(deps: EngineDeps, orderId: string, target: string, session: TargetSession, planned: TargetBinding | undefined): Promise<string[]> {
  if (planned && !sameBinding(planned, session.binding)) {
    return ['nothing that destroying left behind (such as emptied directories) was removed: the store is not the one the plan listed'];
  }
  async function* destroyed(): AsyncIterable<string[]> {
    for (const page of deps.ledger.destroyedPages(orderId)) {
      yield page.filter((r) => r.target === target).map((r) => r.locator);
      await setImmediate();
    }
  }
  return session.tidy!(destroyed());
}

function sameBinding(a: TargetBinding, b: TargetBinding | undefined): boolean {
  const keys = Object.keys(a);
  return b !== undefined && keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

async function checkSurvivors(
  deps: EngineDeps,
  orderId: string,
  session: TargetSession,
  survivors: ReadonlyArray<{ item: RescanItem; seq: number; sha256: string }>,
): Promise<void> {
  const hashes = await session.hash(survivors.map((s) => ({ locator: s.item.locator })));
  const revoke: number[] = [];
  survivors.forEach((s, k) => {
    const h = hashes[k]!;
    // Unreadable now (an error, a hold): it is there, and nobody can show it is other content.
    if (h.status === 'hashed' && h.sha256 !== s.sha256) return;
    if (h.status === 'absent') return; // gone between listing and hashing
    revoke.push(s.seq);
    s.item.status = 'exception';
  });
  if (revoke.length === 0) return;
  deps.ledger.revokeDestroyed(orderId, revoke, 'PRESENT_AFTER_DESTROY', 'recorded as destroyed, but the re-scan found it present with the content that was recorded (or could not read it to tell); not certified');
  deps.log.error({ orderId, objects: revoke.length }, 'SECURITY: objects reported destroyed are still present with the same content; their records are revoked');
}

/** Writes a file through a temp name and fsync, so a crash never leaves a half file under the real name. */
function writeDurably(path: string, data: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

export async function finalizeOrder(deps: EngineDeps, id: string): Promise<OrderRow> {
  let order = deps.ledger.getOrder(id);
  if (!order) throw new NotFoundError(`no order ${id}`);
  const finishedAt = order.finishedAt ?? deps.clock.now().toISOString();
  const t0 = performance.now();
  if (order.state === 'executing') {
    order = deps.ledger.transition(id, ['executing'], 'finalizing', 'coordinator', finishedAt, { finishedAt }, 'all objects resolved');
    if (order.execStartedAt) deps.metrics?.phase('execute', (Date.parse(finishedAt) - Date.parse(order.execStartedAt)) / 1000);
  }
  const log = deps.log.child({ orderId: id });
  const { items: rescanItems, leftBehind } = await rescan(deps, order);
  const rescanAt = deps.clock.now().toISOString();

  const files = certificateFiles(deps.dataDir, id);
  mkdirSync(files.dir, { recursive: true });
  const builder = new StatementBuilder({ hasher: nodeHasher, fileDigest: nodeFileDigest() });
  const tmpRecords = `${files.records}.tmp`;
  const fd = openSync(tmpRecords, 'w');
  try {
    let chunk = '';
    // Page by page (500 rows, ~8 ms of hashing), yielding to the event loop between pages: the API
    // and the coordinator's other orders share this thread, and 100,000 records in one synchronous pass
    // stalled them for 1.4-2 s. A record's leaf index is its line in records.ndjson; the ledger does
    // not store it (its leaf_index column, unused, was one more 100,000-row UPDATE, or a commit and
    // an fsync per page).
    for (const page of deps.ledger.destroyedPages(id)) {
      for (const row of page) {
        const line = builder.add({
          index: builder.size,
          target: row.target,
          locator: row.locator,
          sha256: row.sha256,
          size: row.size,
          destroyedAt: row.destroyedAt,
          method: row.method,
          salt: row.salt,
          ...(row.attributes ? { attributes: JSON.parse(row.attributes) as Record<string, string> } : {}),
        });
        chunk += line + '\n';
      }
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
      await setImmediate();
    }
    writeSync(fd, chunk);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmpRecords, files.records);

  const doc = orderDocument(order);
  const holdReason = new Map(doc.holds.map((h) => [h.id, h.reason]));
  const progress = deps.ledger.progress(id);
  const statement = builder.build({
    certificateId: `cert-${randomUUID()}`,
    issuedAt: deps.clock.now().toISOString(),
    issuer: { name: deps.issuerName, keyid: deps.signer.keyid },
    order: {
      id,
      reference: order.reference,
      sha256: order.documentSha256,
      createdBy: order.createdBy,
      approvedBy: order.approvedBy!,
      approvedAt: order.approvedAt!,
    },
    inventory: {
      algorithm: 'rfc6962-sha256',
      treeSize: order.planCount!,
      rootHash: order.planRoot!,
      bytes: order.planBytes!,
      plannedAt: order.plannedAt!,
    },
    execution: { startedAt: order.execStartedAt!, finishedAt },
    targets: doc.targets.map((t) => {
      const backend = deps.backends.get(t.backend);
      return { name: t.backend, kind: backend.kind, planned: progress.perTarget[t.backend]?.total ?? 0, persistence: [...backend.persistence, ...(leftBehind.get(t.backend) ?? [])] };
    }),
    rescan: { completedAt: rescanAt, items: rescanItems },
    exceptions: deps.ledger.exceptions(id),
    retained: deps.ledger.retained(id).map((r) => ({ ...r, reason: holdReason.get(r.holdId) ?? 'legal hold' })),
    derived: doc.derived,
    // Anchors the audit log in a signed document that leaves this server (issue: a rewritten, re-chained log verified ok).
    audit: deps.ledger.access.auditHead(),
  });
  const envelope = signCertificate(statement, deps.signer);
  const envelopeText = JSON.stringify(envelope, null, 2) + '\n';
  writeDurably(files.certificate, envelopeText);
  writeDurably(files.publicKey, publicKeyToPem(deps.signer.publicKey));
  const final = order.cancelRequestedAt ? 'cancelled' : statement.status === 'complete' ? 'certified' : 'certified-with-exceptions';
  const done = deps.ledger.atomically(() => {
    deps.ledger.saveCertificate(id, {
      certificateId: statement.certificateId,
      issuedAt: statement.issuedAt,
      rootHash: statement.merkle.rootHash,
      treeSize: statement.merkle.treeSize,
      envelope: envelopeText,
      recordsPath: files.records,
    });
    return deps.ledger.transition(id, ['finalizing'], final, 'coordinator', statement.issuedAt, {}, `certificate ${statement.certificateId}`);
  });
  await deps.queue.store.deleteOrder(id);
  deps.metrics?.phase('finalize', (performance.now() - t0) / 1000);
  log.info({ certificateId: statement.certificateId, destroyed: statement.completeness.destroyed, exceptions: statement.completeness.exceptions, root: statement.merkle.rootHash }, 'order certified');
  return done;
}
