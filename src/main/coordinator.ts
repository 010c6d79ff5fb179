// The coordinator role's composition root: the one place that wires the
// ledger, the signing key, the queue and the storage backends into the use
// cases. Only `serve` (and the demo, which runs every role in one process)
// runs it; a worker never loads this file.
import type { Signer } from '@shredproof/verify';
import { closeSync, readFileSync } from 'node:fs';
import { loadOrCreateLogKey, loadSigner, signerFromPem } from '../adapters/keys/pem-keys.js';
import { claimOrigin, type LogKey } from '../app/transparency-log.js';
import { SqliteLedger } from '../adapters/ledger/sqlite/sqlite-ledger.js';
import { BullmqExecQueue } from '../adapters/queue/bullmq-exec-queue.js';
import { checkPrivateFile, loadQueueAuth } from '../adapters/queue/queue-key.js';
import { BackendRegistry } from '../adapters/storage/registry.js';
import { Coordinator } from '../app/coordinator.js';
import { type EngineDeps, systemClock } from '../app/deps.js';
import { registerSigningKey } from '../app/trust-root.js';
import type { BackendsConfig } from '../config/backends-config.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { type StartOptions, waitForRedis } from './redis-wait.js';

/** The coordinator's key, with an error that says what to do when it is missing, exposed or locked. */
async function loadConfiguredSigner(config: Config): Promise<Signer> {
  const inMemory = config.keyFd !== undefined ? { pem: readFromFd(config.keyFd), source: `SHREDPROOF_KEY_FD ${config.keyFd}` } : config.keyPem !== undefined ? { pem: config.keyPem, source: 'SHREDPROOF_KEY_PEM' } : undefined;
  if (inMemory) {
    try {
      return signerFromPem(inMemory.pem, inMemory.source, config.keyPassphrase);
    } catch (e) {
      throw new Error(`cannot load the signing key from ${inMemory.source} (${(e as Error).message}); if it is encrypted, set SHREDPROOF_KEY_PASSPHRASE`);
    }
  }
  try {
    checkPrivateFile(config.keyPath, 'the signing key');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`no signing key at ${config.keyPath}: create one with \`shredproof keygen --dir ${config.keyPath.replace(/\/[^/]*$/, '')}\` or set SHREDPROOF_KEY`);
    }
    throw e;
  }
  try {
    return await loadSigner(config.keyPath, config.keyPassphrase);
  } catch (e) {
    throw new Error(`cannot load the signing key ${config.keyPath} (${(e as Error).message}); if it is encrypted, set SHREDPROOF_KEY_PASSPHRASE`);
  }
}

/** The private key's PEM from a file descriptor the server was started with (it is read once, then closed). */
function readFromFd(fd: number): string {
  try {
    return readFileSync(fd, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the signing key from SHREDPROOF_KEY_FD ${fd}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // not open: reported above
    }
  }
}

/** The issuer's name, which every certificate shows: there is no default, so that none says "shredproof". */
export function requireIssuer(config: Config): string {
  if (config.issuerName === undefined) {
    throw new Error(
      'SHREDPROOF_ISSUER is not set: set it to the name of the organisation that signs, as every certificate will show it (for example SHREDPROOF_ISSUER="Example Ltd, data protection office")',
    );
  }
  return config.issuerName;
}

export interface CoordinatorRuntime {
  deps: EngineDeps;
  coordinator: Coordinator;
  close(): Promise<void>;
}

export async function composeCoordinator(
  config: Config,
  backendsConfig: BackendsConfig,
  log: Logger,
  opts: { signer?: Signer; intervalMs?: number } & StartOptions = {},
): Promise<CoordinatorRuntime> {
  const issuerName = requireIssuer(config);
  const signer = opts.signer ?? (await loadConfiguredSigner(config));
  // The key history first: a retired or revoked key stops the start here, before Redis is touched.
  const ledger = new SqliteLedger(config.ledgerPath);
  let logKey: LogKey;
  try {
    // The log's key and origin before the key history: registering a new signing key logs it.
    const { signer: logSigner, created } = await loadOrCreateLogKey(config.log.keyPath);
    checkPrivateFile(config.log.keyPath, 'the transparency log key');
    logKey = { origin: claimOrigin(ledger.tlog, config.log.origin), signer: logSigner };
    if (created) log.info({ path: config.log.keyPath, origin: logKey.origin }, 'transparency log key created');
    registerSigningKey({ ledger, signer, clock: systemClock });
  } catch (e) {
    ledger.close();
    throw e;
  }
  let queue: BullmqExecQueue | undefined;
  let backends: Awaited<ReturnType<BackendRegistry['load']>>;
  try {
    await waitForRedis(config.queue, log, opts.redisWaitMs ?? 10_000, opts.signal);
    // The coordinator makes the queue key on first start; workers must be given a copy.
    queue = new BullmqExecQueue(config.queue, log, loadQueueAuth(config.queueKeyPath, { create: true }));
    await queue.ready();
    await queue.store.publishKeyId();
    backends = await new BackendRegistry(backendsConfig).load();
    backends.openAll(); // a missing root or a bad setting fails now, not at the first order
  } catch (e) {
    // A start that fails leaves nothing open: serve tries again while Redis is down.
    await queue?.close().catch(() => undefined);
    ledger.close();
    throw e;
  }
  const deps: EngineDeps = {
    ledger,
    backends,
    queue,
    clock: systemClock,
    log,
    signer,
    issuerName,
    dataDir: config.dataDir,
    batchSize: config.batchSize,
    specTtlSeconds: config.specTtlSeconds,
    logKey,
  };
  const coordinator = new Coordinator(deps, { intervalMs: opts.intervalMs ?? 200 });
  let closed = false;
  return {
    deps,
    coordinator,
    async close() {
      if (closed) return;
      closed = true;
      await coordinator.stop();
      await queue.close();
      await backends.close();
      ledger.close();
    },
  };
}
