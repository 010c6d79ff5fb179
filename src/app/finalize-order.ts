// Finalize, in named steps: collect (the order into 'finalizing', and the
// re-scan of what is left), write the records file durably (records.ndjson in
// leaf order, which is plan order, hashed while it streams), write the list
// files (retained, exceptions, re-scan findings: ./certificate-lists.ts),
// build the version 2 statement (docs/FORMAT.md section 5.4), sign it,
// publish (certificate.json, order.json, trust.json and the public key
// durably, then the certificate and the final state in one ledger
// transaction), and clean up the order's state in Redis. Safe to run again
// after a crash: everything is recomputed from the ledger.
import { orderApprovals } from './approve-order.js';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { attestationOf, type CertificateStatementV2, certificateLogEvent, type DerivedArtifactEntry, publicKeyToPem, RECEIPT_FILE, signCertificate, StatementBuilderV2, vendorBundleDir } from '@shredproof/verify';
import { appendToLog, receiptFor, signCheckpoint } from './transparency-log.js';
import { vendorEvidenceDir } from './vendor-certificates.js';
import { nodeFileDigest, nodeHasher } from '@shredproof/verify/node';
import { packageVersion } from '../version.js';
import { type CertificateLists, writeLists } from './certificate-lists.js';
import { writeDurably, writeLinesDurably } from './durable-files.js';
import type { OrderRow } from './ports/orders.js';
import { orderDocument } from './create-order.js';
import { walkLineage } from './lineage-walk.js';
import { type PlannedArtifact, plannedArtifacts, planTargets } from './plan-targets.js';
import type { EngineDeps } from './deps.js';
import { NotFoundError, RuleError, StateConflictError } from './errors.js';
import { type Rescan, rescan } from './rescan.js';
import { assertMaySign, trustRootFile } from './trust-root.js';

export interface CertificateFiles {
  dir: string;
  certificate: string;
  records: string;
  publicKey: string;
  order: string;
  trust: string;
}

export function certificateFiles(dataDir: string, orderId: string): CertificateFiles {
  const dir = join(dataDir, 'certificates', orderId);
  return {
    dir,
    certificate: join(dir, 'certificate.json'),
    records: join(dir, 'records.ndjson'),
    publicKey: join(dir, 'public-key.pem'),
    order: join(dir, 'order.json'),
    trust: join(dir, 'trust.json'),
  };
}

/** What the statement needs from outside the records: the order as it enters finalizing, and the re-scan. */
interface Collected extends Rescan {
  order: OrderRow;
  /** Artifacts the lineage reaches now that the plan did not (registered after it). */
  unplannedArtifacts: PlannedArtifact[];
  finishedAt: string;
  rescanAt: string;
}

export async function finalizeOrder(deps: EngineDeps, id: string): Promise<OrderRow> {
  const t0 = performance.now();
  const collected = await collect(deps, id);
  const files = certificateFiles(deps.dataDir, id);
  const builder = await writeRecords(deps, id, files);
  const lists = await writeLists(deps, collected.order, collected.items, files.dir);
  const statement = buildStatement(deps, collected, builder, lists);
  const envelopeText = sign(deps, statement);
  const done = publish(deps, collected.order, files, statement, envelopeText);
  writeReceipt(deps, files, statement.certificateId);
  await cleanUp(deps, id, statement, t0);
  return done;
}

/**
 * Signs a checkpoint that covers the new certificate and writes its receipt
 * into the bundle (docs/FORMAT.md section 12.5). The certificate is logged
 * already (publish); if this fails, the coordinator signs the checkpoint on
 * its next turn and the server gives the receipt (GET /log/proof/{id}, and
 * with the bundle's files): the failure is logged, not the order's.
 */
function writeReceipt(deps: EngineDeps, files: CertificateFiles, certificateId: string): void {
  if (!deps.logKey) return;
  try {
    signCheckpoint({ ledger: deps.ledger, clock: deps.clock, logKey: deps.logKey });
    const receipt = receiptFor(deps.ledger.tlog, certificateId);
    if (receipt !== undefined) writeDurably(join(files.dir, RECEIPT_FILE), receipt);
  } catch (e) {
    deps.log.warn({ certificateId, err: e }, 'no receipt written with the bundle; the server gives it once a checkpoint covers the certificate');
  }
}

/**
 * Every derived artifact of the plan is accounted for: destroyed here (its
 * target's objects), or given a disposition. One that has neither blocks the
 * certificate, named in the order's failure, until it gets one.
 */
function assertDispositions(deps: EngineDeps, order: OrderRow): void {
  const missing = plannedArtifacts(order).filter((a) => !('target' in a.location) && !(a.disposition && (a.disposition.disposition !== 'held-by-vendor' || a.vendorEvidence)));
  if (missing.length === 0) return;
  const names = missing.map((a) => `${a.artifact} (${a.kind}, at ${'vendor' in a.location ? `vendor ${a.location.vendor}` : '?'}; derived ${a.lineage.join(' -> ')})`);
  const why = `no certificate yet: derived artifact(s) with no disposition: ${names.join('; ')}. An approver must give each one (docs/ORDERS.md "Derived artifacts")`;
  if (order.failure !== why) deps.ledger.patch(order.id, { failure: why }, deps.clock.now().toISOString());
  throw new RuleError('DISPOSITION_MISSING', why);
}

/**
 * The certificate's account of each derived artifact (docs/FORMAT.md section
 * 5.10), and of each one the registry now says was derived from this order's
 * data but was registered after the plan (not-in-plan: reported, not passed over).
 */
function derivedSection(order: OrderRow, unplanned: readonly PlannedArtifact[]): CertificateStatementV2['derivedArtifacts'] {
  const planned = plannedArtifacts(order);
  if (order.derived === null) return undefined;
  const late = unplanned.map((a): DerivedArtifactEntry => ({ name: a.artifact, kind: a.kind, description: a.description, lineage: a.lineage, disposition: 'not-in-plan' }));
  return [...planned.map((a): DerivedArtifactEntry => {
    const base = { name: a.artifact, kind: a.kind, description: a.description, lineage: a.lineage };
    const here = 'target' in a.location ? { target: a.location.target } : {};
    // Found here and not retained before execution: destroyed with the rest.
    if ('target' in a.location && !a.disposition) return { ...base, disposition: 'destroyed', target: a.location.target };
    const d = a.disposition!; // assertDispositions saw to it
    return {
      ...base,
      disposition: d.disposition,
      ...here,
      ...(d.justification !== undefined ? { justification: d.justification } : {}),
      ...(d.disposition === 'held-by-vendor' ? { vendor: a.vendorEvidence! } : {}),
      signedBy: d.signedBy,
    };
  }), ...late];
}

/** Takes the order into 'finalizing' (once every object is resolved) and re-scans every target's scope. */
async function collect(deps: EngineDeps, id: string): Promise<Collected> {
  let order = deps.ledger.getOrder(id);
  if (!order) throw new NotFoundError(`no order ${id}`);
  const finishedAt = order.finishedAt ?? deps.clock.now().toISOString();
  // Only a finished execution is finalized: an object still pending would leave the order in
  // 'finalizing', where no result applies any more and every retry fails its sums.
  const pending = order.state === 'executing' ? deps.ledger.pendingCount(id) : 0;
  if (pending > 0) throw new StateConflictError(`order ${id} has ${pending} object(s) still pending: it is finalized once every object is destroyed, retained or an exception`, order.state);
  if (order.state === 'executing') {
    order = deps.ledger.transition(id, ['executing'], 'finalizing', 'coordinator', finishedAt, { finishedAt }, 'all objects resolved');
    if (order.execStartedAt) deps.metrics?.phase('execute', (Date.parse(finishedAt) - Date.parse(order.execStartedAt)) / 1000);
  }
  // Execution is over; the certificate waits, in finalizing, for a disposition of every derived artifact.
  assertDispositions(deps, order);
  const { items, leftBehind } = await rescan(deps, order);
  // The lineage again, as it stands now: what was registered after the plan is reported, never passed over.
  let unplannedArtifacts: PlannedArtifact[] = [];
  if (order.derived !== null) {
    unplannedArtifacts = (await walkLineage(deps, id, planTargets(order), plannedArtifacts(order))).reached;
  }
  return { order, finishedAt, items, leftBehind, unplannedArtifacts, rescanAt: deps.clock.now().toISOString() };
}

/**
 * Writes records.ndjson through a temp name, fsyncs it and renames it into
 * place, hashing each record into the statement's tree as it goes. Returns
 * the builder, which then knows the tree and the file's digest.
 */
async function writeRecords(deps: EngineDeps, id: string, files: CertificateFiles): Promise<StatementBuilderV2> {
  mkdirSync(files.dir, { recursive: true });
  const builder = new StatementBuilderV2({ hasher: nodeHasher, fileDigest: nodeFileDigest() });
  // Page by page (500 rows), each record hashed into the tree as its line is made. A record's leaf
  // index is its line in records.ndjson; the ledger does not store it (its leaf_index column, unused,
  // was one more UPDATE of every row, or a commit and an fsync per page).
  function* lines(): Generator<string[]> {
    for (const page of deps.ledger.destroyedPages(id)) {
      yield page.map((row) =>
        builder.add({
          index: builder.size,
          target: row.target,
          locator: row.locator,
          sha256: row.sha256,
          size: row.size,
          destroyedAt: row.destroyedAt,
          method: row.method,
          salt: row.salt,
          ...(row.attributes ? { attributes: JSON.parse(row.attributes) as Record<string, string> } : {}),
        }),
      );
    }
  }
  await writeLinesDurably(files.records, lines());
  return builder;
}

/** The certificate statement: the tool, the order, its plan, the execution, the targets, the lists' heads, and the audit log's head. */
function buildStatement(deps: EngineDeps, c: Collected, builder: StatementBuilderV2, lists: CertificateLists): CertificateStatementV2 {
  const { order } = c;
  const id = order.id;
  const doc = orderDocument(order);
  const progress = deps.ledger.progress(id);
  return builder.build({
    certificateId: `cert-${randomUUID()}`,
    issuedAt: deps.clock.now().toISOString(),
    issuer: { name: deps.issuerName, keyid: deps.signer.keyid },
    tool: { name: 'shredproof', version: packageVersion() },
    order: {
      id,
      reference: order.reference,
      sha256: order.documentSha256,
      createdBy: order.createdBy,
      approvedBy: order.approvedBy!,
      approvedAt: order.approvedAt!,
      ...(doc.deadline !== undefined ? { deadline: doc.deadline } : {}),
    },
    inventory: {
      algorithm: 'rfc6962-sha256',
      treeSize: order.planCount!,
      rootHash: order.planRoot!,
      bytes: order.planBytes!,
      plannedAt: order.plannedAt!,
    },
    execution: { startedAt: order.execStartedAt!, finishedAt: c.finishedAt },
    approvals: orderApprovals(order),
    targets: planTargets(order).map((t) => {
      const backend = deps.backends.get(t.backend);
      const listed = lists.perTarget.get(t.name);
      return {
        name: t.name,
        kind: backend.kind,
        system: backend.system,
        planned: progress.perTarget[t.name]?.total ?? 0,
        retained: listed?.retained ?? 0,
        exceptions: listed?.exceptions ?? 0,
        persistence: [...backend.persistence, ...(c.leftBehind.get(t.name) ?? [])],
      };
    }),
    derivedArtifacts: derivedSection(order, c.unplannedArtifacts),
    ...(doc.attestation ? { attestation: attestationOf(doc.attestation) } : {}),
    retained: lists.retained,
    exceptions: lists.exceptions,
    rescan: { completedAt: c.rescanAt, items: lists.rescan, statuses: lists.statuses },
    derived: doc.derived,
    // Anchors the audit log in a signed document that leaves this server (issue: a rewritten, re-chained log verified ok).
    audit: deps.ledger.access.auditHead(),
  });
}

/** The signed envelope (DSSE), as certificate.json holds it; never with a key the history says may not sign then. */
function sign(deps: EngineDeps, statement: CertificateStatementV2): string {
  assertMaySign(deps, statement.issuedAt);
  const envelope = signCertificate(statement, deps.signer);
  return JSON.stringify(envelope, null, 2) + '\n';
}

/**
 * Writes the bundle's files durably (docs/FORMAT.md section 10: order.json as
 * the exact bytes order.sha256 hashes, the trust root, the public key, and
 * certificate.json last), then records the certificate and the order's final
 * state in one ledger transaction: once the ledger says certified, the files
 * are there.
 */
function publish(deps: EngineDeps, order: OrderRow, files: CertificateFiles, statement: CertificateStatementV2, envelopeText: string): OrderRow {
  // Each held-by-vendor artifact's evidence, the vendor's own bundle, as the statement binds it (section 5.10).
  for (const e of statement.derivedArtifacts ?? []) {
    if (e.disposition !== 'held-by-vendor') continue;
    const to = join(files.dir, vendorBundleDir(e.name));
    rmSync(to, { recursive: true, force: true });
    cpSync(vendorEvidenceDir(deps.dataDir, order.id, e.name, e.vendor!.certificateSha256), to, { recursive: true });
  }
  writeDurably(files.order, order.document);
  writeDurably(files.trust, trustRootFile(deps));
  writeDurably(files.publicKey, publicKeyToPem(deps.signer.publicKey));
  writeDurably(files.certificate, envelopeText);
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
    // In the transparency log in the same transaction: a certificate exists exactly when its entry does.
    const envelope = JSON.parse(envelopeText) as { payload: string };
    appendToLog(deps.ledger, [{ event: certificateLogEvent(envelope, statement), ref: statement.certificateId }], statement.issuedAt);
    return deps.ledger.transition(order.id, ['finalizing'], final, 'coordinator', statement.issuedAt, {}, `certificate ${statement.certificateId}`);
  });
}

/** Forgets the order's execution state in Redis (only after the ledger committed), and reports. */
async function cleanUp(deps: EngineDeps, id: string, statement: CertificateStatementV2, t0: number): Promise<void> {
  await deps.queue.store.deleteOrder(id);
  deps.metrics?.phase('finalize', (performance.now() - t0) / 1000);
  deps.log.child({ orderId: id }).info(
    { certificateId: statement.certificateId, destroyed: statement.completeness.destroyed, exceptions: statement.completeness.exceptions, root: statement.merkle.rootHash },
    'order certified',
  );
}
