// Runs one order document through the real engine (Redis queue with a fresh
// prefix, SQLite ledger, a real key, an in-process worker) from create to a
// final state, with a creator and a different approver. For the tests that
// check whole orders across several kinds of store.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { composeCoordinator } from '../../src/main/coordinator.js';
import { composeWorker } from '../../src/main/worker.js';
import type { BackendsConfig } from '../../src/config/backends-config.js';
import { loadConfig } from '../../src/config/config.js';
import { approveSigned } from './approvals.js';
import { createOrder } from '../../src/app/create-order.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { type CertificateFiles, certificateFiles } from '../../src/app/finalize-order.js';
import { planOrder, type PlanReport } from '../../src/app/plan-order.js';
import type { OrderRow } from '../../src/app/ports/ledger.js';
import { silentLogger } from '../../src/log.js';
import { generateKeys } from '../../src/adapters/keys/pem-keys.js';
import { independentCheck } from './independent-check.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from './services.js';

export interface OrderRun {
  done: OrderRow;
  plan: PlanReport;
  files: CertificateFiles;
}

export async function runOrder(
  dir: string,
  backends: BackendsConfig,
  document: unknown,
  cleanups: Array<() => Promise<unknown>>,
  people = { creator: 'alice', approver: 'bob' },
  env: Record<string, string> = {},
): Promise<OrderRun> {
  await requireRedis();
  const keys = await generateKeys(join(dir, 'keys'));
  const prefix = freshPrefix();
  cleanups.push(() => dropPrefix(prefix));
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), REDIS_URL, SHREDPROOF_PREFIX: prefix, SHREDPROOF_KEY: keys.privateKeyPath, SHREDPROOF_ISSUER: 'shredproof test', LOG_LEVEL: 'silent', ...env });
  const log = silentLogger();
  const runtime = await composeCoordinator(config, backends, log, { intervalMs: 50 });
  const worker = await composeWorker(config, backends, log);
  cleanups.push(async () => {
    await worker.close();
    await runtime.close();
  });
  const { deps, coordinator } = runtime;
  const order = await createOrder(deps, document, people.creator);
  const plan = await planOrder(deps, order.id, people.creator);
  approveSigned(deps, order.id, people.approver, plan.planRoot);
  executeOrder(deps, order.id, people.creator);
  coordinator.start();
  const done = await coordinator.waitFor(order.id);
  return { done, plan, files: certificateFiles(config.dataDir, order.id) };
}

/** The certificate in `dir` passes openssl and the python script written from docs/FORMAT.md. */
export function assertIndependentlyValid(dir: string): void {
  const [py, ossl, text] = independentCheck(dir);
  assert.equal(py, 0, text);
  assert.equal(ossl, 0, text);
}
