// The demo's vendor (`shredproof demo`): a labelling company that received
// copies of some photos. It runs its own shredproof, with its own key,
// ledger and people, deletes the copies under an order whose reference names
// ours, and hands back its certificate bundle, which our order then attaches
// as the evidence of a held-by-vendor disposition (docs/ORDERS.md section 7).
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { signApproval } from '@shredproof/verify';
import { generateKeys, loadSigner } from '../../adapters/keys/pem-keys.js';
import { approvalSubject, approveOrder } from '../../app/approve-order.js';
import { createOrder } from '../../app/create-order.js';
import { executeOrder } from '../../app/execute-order.js';
import { certificateFiles } from '../../app/finalize-order.js';
import { addPerson } from '../../app/people.js';
import { planOrder } from '../../app/plan-order.js';
import { loadConfig } from '../../config/config.js';
import type { Logger } from '../../log.js';
import { composeCoordinator } from '../../main/coordinator.js';
import { composeWorker } from '../../main/worker.js';

export const DEMO_VENDOR = 'Demo Labelling Ltd';

export interface VendorRun {
  /** The vendor's certificate bundle. */
  bundle: string;
  /** Its trust.json: what our server pins the vendor to. */
  trust: string;
  destroyed: number;
}

/**
 * Copies `photos` (paths under `root`) into the vendor's store, then deletes
 * them there with the vendor's own shredproof, under an order that names
 * `ourOrderId`. Everything lives under `work`.
 */
export async function runDemoVendor(work: string, root: string, photos: readonly string[], ourOrderId: string, log: Logger): Promise<VendorRun> {
  const store = join(work, 'vendor', 'store');
  for (const p of photos) {
    mkdirSync(dirname(join(store, p)), { recursive: true });
    copyFileSync(join(root, p), join(store, p));
  }
  const keys = await generateKeys(join(work, 'vendor', 'keys'));
  const config = loadConfig({
    ...process.env,
    DATA_DIR: join(work, 'vendor', 'data'),
    SHREDPROOF_KEY: keys.privateKeyPath,
    SHREDPROOF_PREFIX: `shredproof-demo-vendor-${randomUUID().slice(0, 8)}`,
    SHREDPROOF_ISSUER: `${DEMO_VENDOR} (demo, ephemeral key)`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const backends = { copies: { kind: 'filesystem' as const, root: store } };
  const runtime = await composeCoordinator(config, backends, log, { intervalMs: 50 });
  const worker = await composeWorker(config, backends, log);
  try {
    const { deps, coordinator } = runtime;
    const signers = new Map<string, Awaited<ReturnType<typeof loadSigner>>>();
    for (const [name, role] of [['vendor-operator', 'operator'], ['vendor-approver', 'approver']] as const) {
      const files = await generateKeys(join(work, 'vendor', 'people'), undefined, { privateKey: `${name}.key.pem`, publicKey: `${name}.pub.pem` });
      addPerson(deps, { name, roles: [role], publicKeyPem: readFileSync(files.publicKeyPath, 'utf8') }, 'demo');
      signers.set(name, await loadSigner(files.privateKeyPath));
    }
    const order = await createOrder(deps, { reference: `Deletion of the photo copies received for labelling, under the customer's order ${ourOrderId}`, targets: [{ backend: 'copies', scope: { include: ['users/**'] } }] }, 'vendor-operator');
    const plan = await planOrder(deps, order.id, 'vendor-operator');
    const o = deps.ledger.getOrder(order.id)!;
    approveOrder(deps, order.id, 'vendor-approver', plan.planRoot, signApproval(signers.get('vendor-approver')!, approvalSubject(o), { role: 'approver', person: 'vendor-approver', signedAt: new Date().toISOString() }));
    executeOrder(deps, order.id, 'vendor-operator');
    coordinator.start();
    const done = await coordinator.waitFor(order.id);
    if (!done.state.startsWith('certified')) throw new Error(`the demo vendor's order ended ${done.state}: ${done.failure ?? ''}`);
    const files = certificateFiles(config.dataDir, order.id);
    return { bundle: files.dir, trust: files.trust, destroyed: deps.ledger.progress(order.id).destroyed };
  } finally {
    await worker.close();
    await runtime.deps.queue.store.dropPrefix().catch(() => undefined);
    await runtime.close();
  }
}
