// shredproof as it runs in production, for the benchmarks: a `shredproof
// serve --no-worker` process (HTTP + coordinator + ledger) and separate
// `shredproof worker` processes against the machine's Redis, with people
// registered and tokens made by the CLI as an admin makes them: an operator,
// an approver with a personal key (the key e2e.ts approves with), an auditor.
import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { canonicalize, publicKeyToPem, signApproval, type Signer } from '@shredproof/verify';
import { generateKeys } from '../src/adapters/keys/pem-keys.js';
import { loadQueueAuth } from '../src/adapters/queue/queue-key.js';
import { type OrderView, ShredproofClient } from '../src/client/api-client.js';
import { personSigner } from '../test/helpers/approvals.js';
import { dropPrefix } from '../test/helpers/services.js';
import { freePort, onInterrupt, runShredproof, sleep, startShredproof, stopProc, waitReady } from './procs.js';

export interface Cluster {
  url: string;
  /** the environment serve and the workers run with; with SHREDPROOF_SERVER and SHREDPROOF_TOKEN, the CLI client's */
  env: NodeJS.ProcessEnv;
  dataDir: string;
  tokens: { operator: string; approver: string; auditor: string };
  serve: ChildProcess;
  workers: ChildProcess[];
  client: (who: 'operator' | 'approver' | 'auditor', timeoutMs?: number) => ShredproofClient;
  /** The approver's signed approval of the plan `planRoot`, as `shredproof order approve --key` makes it. */
  approve: (id: string, planRoot: string) => Promise<OrderView>;
  /** Stops the processes (workers first) and deletes the queue's keys in Redis; the files stay. */
  stop: () => Promise<void>;
}

export interface ClusterOptions {
  /** backend name to its entry in backends.json */
  backends: Record<string, unknown>;
  workers?: number;
  concurrency?: number;
}

const APPROVER = 'bench-approver';

export async function startCluster(dir: string, opts: ClusterOptions): Promise<Cluster> {
  const keys = await generateKeys(join(dir, 'keys'));
  const backendsFile = join(dir, 'backends.json');
  writeFileSync(backendsFile, JSON.stringify({ backends: opts.backends }));
  const port = await freePort();
  const dataDir = join(dir, 'data');
  const prefix = `spbench-${randomUUID().slice(0, 8)}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    SHREDPROOF_KEY: keys.privateKeyPath,
    SHREDPROOF_BACKENDS: backendsFile,
    SHREDPROOF_PREFIX: prefix,
    SHREDPROOF_WORKER_CONCURRENCY: String(opts.concurrency ?? 4),
    SHREDPROOF_ISSUER: 'shredproof bench',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: process.env.BENCH_SERVE_LOG ?? 'warn',
  };
  const peakFile = join(dir, 'cli-peak');
  const cli = async (args: string[]) => {
    const r = await runShredproof(args, env, peakFile);
    if (r.code !== 0) throw new Error(`shredproof ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  // One at a time: each opens the ledger; the first creates it.
  const token = async (role: string, name: string) => (JSON.parse(await cli(['token', 'create', '--role', role, '--name', name, '--json'])) as { token: string }).token;
  const auditor = await token('auditor', 'audrey');
  const operator = await token('operator', 'olga');
  const signer: Signer = personSigner(APPROVER);
  const pub = join(dir, `${APPROVER}.pub.pem`);
  writeFileSync(pub, publicKeyToPem(signer.publicKey));
  await cli(['person', 'add', '--name', APPROVER, '--roles', 'approver', '--public-key', pub]);
  const tokens = { operator, approver: await token('approver', APPROVER), auditor };

  loadQueueAuth(join(dataDir, 'queue.key'), { create: true }); // the workers start first and only read it
  const workers = Array.from({ length: opts.workers ?? 1 }, () => startShredproof(['worker'], env));
  const serve = startShredproof(['serve', '--no-worker'], env);
  const url = `http://127.0.0.1:${port}`;
  const forget = onInterrupt(() => dropPrefix(prefix));
  const stop = async () => {
    for (const w of workers) await stopProc(w);
    await stopProc(serve);
    await dropPrefix(prefix);
    forget();
  };
  try {
    await waitReady(url, serve);
  } catch (e) {
    await stop();
    throw e;
  }
  await sleep(2000); // the workers connect and warm up before any clock starts
  const client = (who: keyof typeof tokens, timeoutMs = 120_000) => new ShredproofClient({ server: url, token: tokens[who], timeoutMs, userAgent: 'shredproof-bench' });
  const approve = async (id: string, planRoot: string) => {
    const c = client('approver');
    const order = await c.getOrder(id);
    const orderSha256 = createHash('sha256').update(canonicalize(order.document)).digest('hex');
    const subject = { orderId: id, orderSha256, inventory: { treeSize: order.plan?.objects ?? 0, rootHash: planRoot } };
    const { keyid, signedAt, signature } = signApproval(signer, subject, { role: 'approver', person: APPROVER, signedAt: new Date().toISOString() });
    return c.approveOrder(id, planRoot, { keyid, signedAt, signature });
  };
  return { url, env: { ...env, SHREDPROOF_SERVER: url }, dataDir, tokens, serve, workers, client, approve, stop };
}
