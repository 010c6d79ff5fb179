// `shredproof demo`, the run: a complete order on a generated dataset, through
// the real queue, ledger and worker; then the outputs are verified and
// summarized. ./demo.ts declares the command and loads this file only when the
// demo runs: it pulls in the engine and every backend driver.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { composeCoordinator } from '../../main/coordinator.js';
import { composeWorker } from '../../main/worker.js';
import { loadConfig } from '../../config/config.js';
import { type ApprovalRole, checkCertificateReceipt, isStatementV2, LIST_NAMES, parseCertificate, RECEIPT_FILE, resolveTrust, signApproval, signDisposition, type Signer, vendorBundleDir, verifyCertificate, verifyListFile, verifyOrderFile, verifyTrusted } from '@shredproof/verify';
import { registerArtifact } from '../../app/artifacts.js';
import { disposeArtifact } from '../../app/dispositions.js';
import { addVendor, attachVendorCertificate, checkVendorDir } from '../../app/vendor-certificates.js';
import { DEMO_VENDOR, runDemoVendor } from './demo-vendor.js';
import { DEMO_ATTESTATION, demoOrder, writeDataset } from '../../demo/dataset.js';
import { approvalSubject, approveOrder, signPlan } from '../../app/approve-order.js';
import { addPerson } from '../../app/people.js';
import { createOrder } from '../../app/create-order.js';
import { executeOrder } from '../../app/execute-order.js';
import { certificateFiles } from '../../app/finalize-order.js';
import { planOrder } from '../../app/plan-order.js';
import { createLogger } from '../../log.js';
import { verifyRecordsFile } from '@shredproof/verify/node';
import { generateKeys, loadSigner } from '../../adapters/keys/pem-keys.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../context.js';
import { progressBar } from '../progress.js';

/** The certificate bundle the demo hands over (docs/FORMAT.md section 10). */
const EXHIBIT_FILE = 'exhibit.pdf';
const BUNDLE_FILES = ['certificate.json', 'records.ndjson', ...LIST_NAMES.map((l) => `${l}.ndjson`), 'order.json', 'trust.json', 'public-key.pem', RECEIPT_FILE];
/** Copies of a few photos taken before they are destroyed, kept outside the store: a newcomer's photo check then says FOUND. */
const PHOTOS_TO_CHECK = 'photos-to-check';

export interface DemoOptions {
  out: string;
  objects: string;
  keep?: boolean;
}

export async function runDemo(opts: DemoOptions, ctx: CliContext): Promise<void> {
  const objects = Number(opts.objects);
  if (!Number.isSafeInteger(objects) || objects < 1 || objects > 5_000_000) {
    throw new CliExit(EXIT_USAGE, `demo: --objects must be a whole number from 1 to 5000000, got ${JSON.stringify(opts.objects)}`);
  }
  const out = resolve(opts.out);
  for (const f of [...BUNDLE_FILES, 'vendors', PHOTOS_TO_CHECK, EXHIBIT_FILE]) {
    if (existsSync(join(out, f))) throw new CliExit(EXIT_USAGE, `demo: ${join(out, f)} exists; choose another --out or remove it`);
  }
  const work = mkdtempSync(join(tmpdir(), 'shredproof-demo-'));
  const t0 = Date.now();
  ctx.out(`demo: generating ${objects} synthetic photos in ${work}/store ...`);
  const ds = writeDataset(join(work, 'store'), objects);
  ctx.out(`demo: ${ds.inScope.size} in scope, ${ds.held.size} under a legal hold, ${ds.outOfScope.size} outside the scope (${(ds.bytes / 1e6).toFixed(1)} MB)`);
  const keys = await generateKeys(join(work, 'keys'));
  const config = loadConfig({
    ...process.env,
    DATA_DIR: join(work, 'data'),
    SHREDPROOF_KEY: keys.privateKeyPath,
    SHREDPROOF_PREFIX: `shredproof-demo-${randomUUID().slice(0, 8)}`,
    SHREDPROOF_ISSUER: 'shredproof demo (ephemeral key)',
    SHREDPROOF_LOG_ORIGIN: 'demo.shredproof.invalid/log',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  // A face model trained on the photos: a derived artifact the order reaches (docs/ORDERS.md section 7).
  const models = join(work, 'models');
  const modelFiles: Record<string, Uint8Array | string> = { 'face-v1/weights.bin': randomBytes(64 * 1024), 'face-v1/config.json': '{"architecture": "demo", "trainedOn": "users/**"}\n' };
  mkdirSync(join(models, 'face-v1'), { recursive: true });
  for (const [path, bytes] of Object.entries(modelFiles)) writeFileSync(join(models, path), bytes);
  const backends = { photos: { kind: 'filesystem' as const, root: ds.root }, models: { kind: 'filesystem' as const, root: models } };
  const log = createLogger({ level: config.logLevel });
  let runtime;
  try {
    runtime = await composeCoordinator(config, backends, log, { intervalMs: 50 });
  } catch (e) {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
    throw new CliExit(EXIT_INVALID, `demo: ${(e as Error).message}. Start Redis (redis-server --daemonize yes) or set REDIS_URL.`);
  }
  const worker = await composeWorker(config, backends, log);
  try {
    const { deps, coordinator } = runtime;
    // Two people, each with a personal key made on "their own machine" (here, beside the server's):
    // the operator who runs the order and signs its plan, and the approver who approves it.
    const people = new Map<string, Signer>();
    for (const [name, role] of [['demo-operator', 'operator'], ['demo-approver', 'approver']] as const) {
      const files = await generateKeys(join(work, 'people'), undefined, { privateKey: `${name}.key.pem`, publicKey: `${name}.pub.pem` });
      addPerson(deps, { name, roles: [role], publicKeyPem: readFileSync(files.publicKeyPath, 'utf8') }, 'demo');
      people.set(name, await loadSigner(files.privateKeyPath));
    }
    const signed = (name: string, role: ApprovalRole) => {
      const o = deps.ledger.getOrder(order.id)!;
      return signApproval(people.get(name)!, approvalSubject(o), { role, person: name, signedAt: new Date().toISOString() });
    };
    ctx.out(`demo: people demo-operator and demo-approver registered with their own keys (${[...people.values()].map((p) => p.keyid.slice(0, 12)).join(', ')})`);
    // The lineage registry: the model trained on the photos, and the copies a labelling vendor received.
    await registerArtifact(deps, { name: 'face-model-v1', kind: 'model', description: 'face recognition model trained on the user photos', location: { backend: 'models', scope: { include: ['face-v1/**'] } }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] }, 'demo-trainer');
    await registerArtifact(deps, { name: 'labelling-copies', kind: 'vendor-copy', description: 'copies of user photos sent for labelling', location: { vendor: DEMO_VENDOR, description: "the vendor's labelling store" }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] }, 'demo-trainer');
    const order = await createOrder(deps, { ...(demoOrder('photos') as object), includeDerived: true, attestation: DEMO_ATTESTATION }, 'demo-operator');
    ctx.out(`demo: order ${order.id} created by demo-operator, reaching what was derived from the photos`);
    // The order's scope is users/**: the press-kit files outside it are never listed, so they are not in the total.
    const inScope = ds.inScope.size + ds.held.size + Object.keys(modelFiles).length;
    const planBar = progressBar('plan');
    const plan = await planOrder(deps, order.id, 'demo-operator', (n) => planBar.update(n, inScope));
    planBar.finish(plan.count, plan.count);
    ctx.out(`demo: planned ${plan.count} objects (${plan.targets.photos!.held} held), inventory root ${plan.planRoot}`);
    for (const a of plan.derived) ctx.out(`demo:   derived ${a.artifact} (${a.kind}): ${a.lineage.join(' > ')}${'vendor' in a.location ? `, at the vendor ${a.location.vendor}` : `, ${plan.targets[a.location.target]?.objects ?? 0} objects`}`);
    // The vendor deletes its copies with its own shredproof and sends its certificate; we pin the vendor,
    // attach the certificate, and the approver signs the disposition held-by-vendor over it.
    const copies = [...ds.inScope.keys()].slice(0, 10);
    const vendorRun = await runDemoVendor(work, ds.root, copies, order.id, log);
    addVendor(deps, { name: DEMO_VENDOR, trustJson: readFileSync(vendorRun.trust, 'utf8') }, 'demo');
    const evidence = await attachVendorCertificate(deps, order.id, 'labelling-copies', vendorRun.bundle, 'demo-operator');
    const decided = deps.ledger.getOrder(order.id)!;
    const held = signDisposition(people.get('demo-approver')!, { orderId: order.id, orderSha256: decided.documentSha256, artifact: 'labelling-copies', disposition: 'held-by-vendor', vendor: evidence }, { person: 'demo-approver', signedAt: new Date().toISOString() });
    disposeArtifact(deps, order.id, 'labelling-copies', 'demo-approver', { disposition: 'held-by-vendor', signature: held });
    ctx.out(`demo: ${DEMO_VENDOR} destroyed its ${vendorRun.destroyed} copies and certified it (certificate ${evidence.certificateId}, key ${evidence.keyid.slice(0, 16)}...); demo-approver signed: held by vendor`);
    // A person who later asks "was my photo destroyed?" holds a copy of it: keep three, and one held photo.
    mkdirSync(join(out, PHOTOS_TO_CHECK), { recursive: true });
    const kept = [...[...ds.inScope.keys()].slice(0, 3), ...[...ds.held.keys()].slice(0, 1)];
    for (const l of kept) copyFileSync(join(ds.root, l), join(out, PHOTOS_TO_CHECK, l.replaceAll('/', '_')));
    signPlan(deps, order.id, 'demo-operator', plan.planRoot, signed('demo-operator', 'performer'));
    approveOrder(deps, order.id, 'demo-approver', plan.planRoot, signed('demo-approver', 'approver'));
    ctx.out('demo: demo-operator signed the plan; demo-approver (a second person) approved that exact plan, each with their own key');
    executeOrder(deps, order.id, 'demo-operator');
    coordinator.start();
    const bar = progressBar('execute');
    const done = await coordinator.waitFor(order.id, (o) => {
      if (o.state !== 'executing') return;
      const p = deps.ledger.progress(o.id);
      bar.update(p.total - p.pending, p.total, `destroyed ${p.destroyed}`);
    });
    // The counts as the order ended, not as the last tick saw them.
    const end = deps.ledger.progress(order.id);
    bar.finish(end.total - end.pending, end.total, `destroyed ${end.destroyed}, retained ${end.retained}, exceptions ${end.exceptions}; ${done.state}`);
    if (done.state !== 'certified' && done.state !== 'certified-with-exceptions') {
      throw new CliExit(EXIT_INVALID, `demo: the order ended ${done.state}: ${done.failure ?? ''}`);
    }
    const files = certificateFiles(config.dataDir, order.id);
    for (const f of BUNDLE_FILES) copyFileSync(join(files.dir, f), join(out, f));
    cpSync(join(files.dir, 'vendors'), join(out, 'vendors'), { recursive: true });

    // Verify the whole bundle with the core verifier, as a regulator would, pinned by the key id
    // that keygen printed above (the regulator's copy comes from the settlement, not from us).
    const read = (f: string) => readFileSync(join(out, f));
    const trust = resolveTrust({ bundleRoot: read('trust.json'), keyid: keys.keyid });
    const { statement, pinned, approvalCheck } = verifyTrusted(trust, (k) => verifyCertificate(read('certificate.json'), k));
    if (!pinned || !isStatementV2(statement)) throw new CliExit(EXIT_INVALID, 'demo: the certificate is not a pinned version 2 certificate');
    if (!approvalCheck?.approvals.some((a) => a.role === 'approver')) throw new CliExit(EXIT_INVALID, 'demo: the certificate carries no approval signed by the approver');
    verifyOrderFile(read('order.json'), statement);
    for (const list of LIST_NAMES) verifyListFile(list, statement, read(`${list}.ndjson`));
    await verifyRecordsFile(statement, join(out, 'records.ndjson'));
    for (const e of statement.derivedArtifacts ?? []) if (e.disposition === 'held-by-vendor') await checkVendorDir(join(out, vendorBundleDir(e.name)), e, statement.order.id);
    // The receipt: the certificate is in the transparency log the trust root names (docs/FORMAT.md section 12.8).
    const receipt = checkCertificateReceipt(trust.root!, parseCertificate(read('certificate.json')) as { payload: string }, statement, read(RECEIPT_FILE));
    if (!receipt) throw new CliExit(EXIT_INVALID, 'demo: the trust root names no transparency log');
    // The legal exhibit of the bundle just verified (docs/FORMAT.md section 13).
    const { buildExhibit } = await import('../../adapters/exhibit/pdf-exhibit.js');
    writeFileSync(join(out, EXHIBIT_FILE), (await buildExhibit(out)).pdf);
    const survivors = [...ds.held.keys(), ...ds.outOfScope.keys()].filter((l) => existsSync(join(ds.root, l))).length;
    const leftover = [...ds.inScope.keys()].filter((l) => existsSync(join(ds.root, l))).length;
    const secs = (Date.now() - t0) / 1000;
    ctx.out('');
    ctx.out(`VERIFIED certificate ${statement.certificateId} (${done.state})`);
    ctx.out(`  destroyed ${statement.completeness.destroyed} objects, ${(statement.records.bytes / 1e6).toFixed(1)} MB; retained ${statement.completeness.retained} under hold; exceptions ${statement.completeness.exceptions}`);
    ctx.out(`  merkle root ${statement.merkle.rootHash}; key id ${keys.keyid} (pinned)`);
    ctx.out(`  logged as entry ${receipt.index} of the transparency log ${receipt.origin}; its receipt (${RECEIPT_FILE}) proves it against a checkpoint of ${receipt.treeSize} entries signed by the log key in trust.json`);
    for (const a of approvalCheck.approvals) ctx.out(`  ${a.role === 'approver' ? 'approved by' : 'plan signed by'} ${a.person} with their own key ${a.keyid} (checked against trust.json)`);
    for (const e of statement.derivedArtifacts ?? []) {
      const what = e.disposition === 'destroyed' ? `destroyed (${statement.targets.find((t) => t.name === e.target)?.destroyed.count ?? 0} objects, target ${e.target})` : e.disposition === 'held-by-vendor' ? `held by ${e.vendor!.name}, whose certificate ${e.vendor!.certificateId} is in vendors/${e.name}/ and verified` : e.disposition;
      ctx.out(`  derived ${e.name} (${e.kind}, ${e.lineage.join(' > ')}): ${what}`);
    }
    ctx.out(`  held and out-of-scope files still present: ${survivors} of ${ds.held.size + ds.outOfScope.size}; in-scope files left: ${leftover}`);
    ctx.out(`  ${secs.toFixed(1)} s in all`);
    ctx.out(`  wrote the certificate bundle into ${out}: ${BUNDLE_FILES.join(', ')}, vendors/`);
    ctx.out(`  and copies of ${kept.length} photos taken before the order ran (one of them held) into ${join(out, PHOTOS_TO_CHECK)}`);
    ctx.out(`  and its legal exhibit, a PDF/A-3b with the bundle attached: ${join(out, EXHIBIT_FILE)}`);
    ctx.out(`  check it yourself: npx shredproof verify --bundle ${out} --keyid ${keys.keyid}`);
    ctx.out(`  was this photo destroyed? npx shredproof prove --certificate ${join(out, 'certificate.json')} --records ${join(out, 'records.ndjson')} --public-key ${join(out, 'public-key.pem')} --file ${join(out, PHOTOS_TO_CHECK, kept[0]!.replaceAll('/', '_'))}`);
    if (survivors !== ds.held.size + ds.outOfScope.size || leftover !== statement.completeness.exceptions) {
      throw new CliExit(EXIT_INVALID, 'demo: the files on disk do not match the certificate');
    }
  } finally {
    await worker.close();
    await runtime.deps.queue.store.dropPrefix().catch(() => undefined);
    await runtime.close();
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}
