// Finalize, in named steps: collect (the order into 'finalizing', and the
// re-scan of what is left), write the records file durably (records.ndjson in
// leaf order, which is plan order, hashed while it streams), build the
// statement, sign it, publish (certificate.json and the public key durably,
// then the certificate and the final state in one ledger transaction), and
// clean up the order's state in Redis. Safe to run again after a crash:
// everything is recomputed from the ledger.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { type CertificateStatement, publicKeyToPem, signCertificate, StatementBuilder } from '@shredproof/verify';
import { nodeFileDigest, nodeHasher } from '@shredproof/verify/node';
import type { OrderRow } from './ports/orders.js';
import { orderDocument } from './create-order.js';
import type { EngineDeps } from './deps.js';
import { NotFoundError } from './errors.js';
import { type Rescan, rescan } from './rescan.js';

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

/** What the statement needs from outside the records: the order as it enters finalizing, and the re-scan. */
interface Collected extends Rescan {
  order: OrderRow;
  finishedAt: string;
  rescanAt: string;
}

export async function finalizeOrder(deps: EngineDeps, id: string): Promise<OrderRow> {
  const t0 = performance.now();
  const collected = await collect(deps, id);
  const files = certificateFiles(deps.dataDir, id);
  const builder = await writeRecords(deps, id, files);
  const statement = buildStatement(deps, collected, builder);
  const envelopeText = sign(deps, statement);
  const done = publish(deps, collected.order, files, statement, envelopeText);
  await cleanUp(deps, id, statement, t0);
  return done;
}

/** Takes the order into 'finalizing' (once every object is resolved) and re-scans every target's scope. */
async function collect(deps: EngineDeps, id: string): Promise<Collected> {
  let order = deps.ledger.getOrder(id);
  if (!order) throw new NotFoundError(`no order ${id}`);
  const finishedAt = order.finishedAt ?? deps.clock.now().toISOString();
  if (order.state === 'executing') {
    order = deps.ledger.transition(id, ['executing'], 'finalizing', 'coordinator', finishedAt, { finishedAt }, 'all objects resolved');
    if (order.execStartedAt) deps.metrics?.phase('execute', (Date.parse(finishedAt) - Date.parse(order.execStartedAt)) / 1000);
  }
  const { items, leftBehind } = await rescan(deps, order);
  return { order, finishedAt, items, leftBehind, rescanAt: deps.clock.now().toISOString() };
}

/**
 * Writes records.ndjson through a temp name, fsyncs it and renames it into
 * place, hashing each record into the statement's tree as it goes. Returns
 * the builder, which then knows the tree and the file's digest.
 */
async function writeRecords(deps: EngineDeps, id: string, files: CertificateFiles): Promise<StatementBuilder> {
  mkdirSync(files.dir, { recursive: true });
  const builder = new StatementBuilder({ hasher: nodeHasher, fileDigest: nodeFileDigest() });
  const tmpRecords = `${files.records}.tmp`;
  const fd = openSync(tmpRecords, 'w');
  try {
    let chunk = '';
    // Page by page (500 rows: a short stretch of hashing), yielding to the event loop between
    // pages: the API and the coordinator's other orders share this thread, and a large order's
    // records in one synchronous pass stalled them for seconds (figures: bench/RESULTS.md,
    // 'Measurements behind the code'). A record's leaf index is its line in records.ndjson; the
    // ledger does not store it (its leaf_index column, unused, was one more UPDATE of every row, or
    // a commit and an fsync per page).
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
  return builder;
}

/** The certificate statement: the order, its plan, the execution, the targets, the re-scan, what was not destroyed, and the audit log's head. */
function buildStatement(deps: EngineDeps, c: Collected, builder: StatementBuilder): CertificateStatement {
  const { order } = c;
  const id = order.id;
  const doc = orderDocument(order);
  const holdReason = new Map(doc.holds.map((h) => [h.id, h.reason]));
  const progress = deps.ledger.progress(id);
  return builder.build({
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
    execution: { startedAt: order.execStartedAt!, finishedAt: c.finishedAt },
    targets: doc.targets.map((t) => {
      const backend = deps.backends.get(t.backend);
      return { name: t.backend, kind: backend.kind, planned: progress.perTarget[t.backend]?.total ?? 0, persistence: [...backend.persistence, ...(c.leftBehind.get(t.backend) ?? [])] };
    }),
    rescan: { completedAt: c.rescanAt, items: c.items },
    exceptions: deps.ledger.exceptions(id),
    retained: deps.ledger.retained(id).map((r) => ({ ...r, reason: holdReason.get(r.holdId) ?? 'legal hold' })),
    derived: doc.derived,
    // Anchors the audit log in a signed document that leaves this server (issue: a rewritten, re-chained log verified ok).
    audit: deps.ledger.access.auditHead(),
  });
}

/** The signed envelope (DSSE), as certificate.json holds it. */
function sign(deps: EngineDeps, statement: CertificateStatement): string {
  const envelope = signCertificate(statement, deps.signer);
  return JSON.stringify(envelope, null, 2) + '\n';
}

/**
 * Writes certificate.json and the public key durably, then records the
 * certificate and the order's final state in one ledger transaction: once the
 * ledger says certified, the files are there.
 */
function publish(deps: EngineDeps, order: OrderRow, files: CertificateFiles, statement: CertificateStatement, envelopeText: string): OrderRow {
  writeDurably(files.certificate, envelopeText);
  writeDurably(files.publicKey, publicKeyToPem(deps.signer.publicKey));
  const final = order.cancelRequestedAt ? 'cancelled' : statement.status === 'complete' ? 'certified' : 'certified-with-exceptions';
  return deps.ledger.atomically(() => {
    deps.ledger.saveCertificate(order.id, {
      certificateId: statement.certificateId,
      issuedAt: statement.issuedAt,
      rootHash: statement.merkle.rootHash,
      treeSize: statement.merkle.treeSize,
      envelope: envelopeText,
      recordsPath: files.records,
    });
    return deps.ledger.transition(order.id, ['finalizing'], final, 'coordinator', statement.issuedAt, {}, `certificate ${statement.certificateId}`);
  });
}

/** Forgets the order's execution state in Redis (only after the ledger committed), and reports. */
async function cleanUp(deps: EngineDeps, id: string, statement: CertificateStatement, t0: number): Promise<void> {
  await deps.queue.store.deleteOrder(id);
  deps.metrics?.phase('finalize', (performance.now() - t0) / 1000);
  deps.log.child({ orderId: id }).info(
    { certificateId: statement.certificateId, destroyed: statement.completeness.destroyed, exceptions: statement.completeness.exceptions, root: statement.merkle.rootHash },
    'order certified',
  );
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
