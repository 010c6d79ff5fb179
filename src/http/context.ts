// What the API's routes need, built once per app from the engine's
// dependencies: tokens, audit, metrics, progress, proofs and the public key.
import { authenticate } from '../app/tokens.js';
import type { Config } from '../config/config.js';
import { publicKeyToPem } from '@shredproof/verify';
import type { EngineDeps } from '../app/deps.js';
import { keyStatus } from '../app/ports/signing-keys.js';
import { AuditRecorder } from './audit.js';
import { AuthFailureLimiter } from './auth-failures.js';
import { ApiMetrics } from './metrics.js';
import { ProgressService } from './progress.js';
import { ProofCache } from './proofs.js';

export type HttpSettings = Config['http'];

/** A certificate key as GET /v1/keys shows it: the PEM, and its window in the history. */
export interface PublicKeyInfo {
  keyid: string;
  algorithm: 'ed25519';
  pem: string;
  validFrom: string;
  validUntil: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  status: ReturnType<typeof keyStatus>;
}

export interface ApiContext {
  engine: EngineDeps;
  http: HttpSettings;
  tokens: { authenticate: (presented: string, now: Date) => ReturnType<typeof authenticate> };
  audit: AuditRecorder;
  metrics: ApiMetrics;
  progress: ProgressService;
  proofs: ProofCache;
  authFailures: AuthFailureLimiter;
  /** Every certificate key of the history (docs/FORMAT.md section 5.7), read from the ledger when asked: rotation and revocation show at once. */
  publicKeys(): PublicKeyInfo[];
  /** Open event streams, ended when the server shuts down (they would otherwise hold it open) or their token is revoked. */
  streams: Set<{ end(): void; tokenId?: string }>;
  /** The offline verifier page, built on first request (issue 6). */
  verifierPage?: () => Promise<string>;
}

export const DEFAULT_HTTP: HttpSettings = {
  host: '127.0.0.1',
  port: 8080,
  corsOrigins: [],
  trustProxy: 0,
  bodyLimitBytes: 1024 * 1024,
  authFailuresPerMinute: 20,
};

/** last_used_at is written at most once a minute per token: reads must not each cost a synchronous ledger write. */
const TOUCH_EVERY_MS = 60_000;

export function createApiContext(engine: EngineDeps, http: HttpSettings, opts: { verifierPage?: () => Promise<string> } = {}): ApiContext {
  const store = engine.ledger.access;
  const touched = new Map<string, number>();
  const metrics = new ApiMetrics(engine);
  // The engine reports what it does to the same registry that /metrics serves.
  engine.metrics ??= metrics;
  return {
    engine,
    http,
    tokens: {
      authenticate(presented, now) {
        const r = authenticate(store, presented, now);
        if (r.ok) {
          const last = touched.get(r.principal.tokenId) ?? 0;
          if (now.getTime() - last >= TOUCH_EVERY_MS) {
            touched.set(r.principal.tokenId, now.getTime());
            store.touchToken(r.principal.tokenId, now.toISOString());
          }
        }
        return r;
      },
    },
    audit: new AuditRecorder(store, engine.clock, engine.log),
    metrics,
    progress: new ProgressService(engine),
    proofs: new ProofCache(),
    authFailures: new AuthFailureLimiter(http.authFailuresPerMinute),
    streams: new Set(),
    publicKeys() {
      const now = engine.clock.now().toISOString();
      // The configured key is in the history once the coordinator started; a context built without one (tests) still serves it.
      const rows = engine.ledger.keys.signingKeys();
      if (!rows.some((k) => k.keyid === engine.signer.keyid)) {
        return [{ keyid: engine.signer.keyid, algorithm: 'ed25519', pem: publicKeyToPem(engine.signer.publicKey), validFrom: now, validUntil: null, revokedAt: null, revocationReason: null, status: 'active' }];
      }
      return rows.map((k) => ({ keyid: k.keyid, algorithm: 'ed25519', pem: k.publicKeyPem, validFrom: k.validFrom, validUntil: k.validUntil, revokedAt: k.revokedAt, revocationReason: k.revocationReason, status: keyStatus(k, now) }));
    },
    ...(opts.verifierPage ? { verifierPage: opts.verifierPage } : {}),
  };
}
