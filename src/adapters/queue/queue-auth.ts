// Authentication of everything that crosses Redis between the coordinator and
// the workers (docs/SECURITY.md). Redis is not trusted: whoever can write to it
// could otherwise publish a job that destroys what nobody ordered, or report
// outcomes that nobody observed and have them certified.
//
// The coordinator and the workers share a queue key: 32 random bytes, separate
// from the signing key, never in Redis. With it,
// - the coordinator MACs every order spec and every batch job it publishes, and
//   workers refuse any spec or job that does not verify;
// - workers MAC every intent and outcome they record, and the coordinator
//   ignores any that does not verify (the object then ends as an exception).
// HMAC-SHA256 (RFC 2104) over a JSON array whose first element names what is
// MACed and whose other elements bind it to its place (order, epoch, batch,
// item): a value copied from one place never verifies in another. Arrays of
// strings and integers stringify the same on both sides; objects travel as the
// exact string that was MACed, and are parsed only after it verifies.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BatchJobData } from '../../app/batch-types.js';
import { QueueAuthError } from '../../app/errors.js';
import type { JobVerifier } from '../../app/ports/execution-queue.js';

export { QueueAuthError };

export const QUEUE_KEY_BYTES = 32;
const MAC_HEX = 64;

export class QueueAuth implements JobVerifier {
  /** Public, so that a worker can tell at start whether it holds the coordinator's key. */
  readonly keyId: string;

  constructor(private readonly key: Uint8Array) {
    if (key.length !== QUEUE_KEY_BYTES) throw new Error(`queue key must be ${QUEUE_KEY_BYTES} bytes, got ${key.length}`);
    this.keyId = this.mac(['shredproof-queue-key-id-v1']).slice(0, 16);
  }

  private mac(parts: ReadonlyArray<string | number>): string {
    return createHmac('sha256', this.key).update(JSON.stringify(parts)).digest('hex');
  }

  private check(parts: ReadonlyArray<string | number>, mac: unknown, what: string): void {
    const want = Buffer.from(this.mac(parts), 'hex');
    // mac is attacker controlled: check its shape before comparing, in constant time.
    const got = typeof mac === 'string' && /^[0-9a-f]{64}$/.test(mac) ? Buffer.from(mac, 'hex') : undefined;
    if (!got || !timingSafeEqual(got, want)) throw new QueueAuthError(`${what} does not carry a valid MAC of this queue key`);
  }

  /** `mac.json`: a MAC over the exact JSON text, bound to `context`. */
  seal(domain: string, context: ReadonlyArray<string | number>, json: string): string {
    return `${this.mac([domain, ...context, json])}.${json}`;
  }

  /** The JSON text of a sealed value, once its MAC verifies; throws QueueAuthError otherwise. */
  open(domain: string, context: ReadonlyArray<string | number>, sealed: string, what: string): string {
    const mac = sealed.slice(0, MAC_HEX);
    const json = sealed.slice(MAC_HEX + 1);
    if (sealed[MAC_HEX] !== '.') throw new QueueAuthError(`${what} is not a sealed value`);
    this.check([domain, ...context, json], mac, what);
    return json;
  }

  private jobParts(d: Omit<BatchJobData, 'mac'>): Array<string | number> {
    const items = d.items.map((i) => [i.seq, i.locator, i.size]);
    return ['shredproof-job-v1', d.orderId, d.epoch, d.target, d.batch, JSON.stringify(items)];
  }

  signJob(d: Omit<BatchJobData, 'mac'>): BatchJobData {
    return { ...d, mac: this.mac(this.jobParts(d)) };
  }

  /** Throws QueueAuthError unless the job is exactly as the coordinator made it. */
  verifyJob(d: BatchJobData): void {
    // Job data comes from Redis: check the shape before reading it.
    const ok =
      typeof d === 'object' && d !== null && typeof d.orderId === 'string' && typeof d.epoch === 'string' && typeof d.target === 'string' &&
      Number.isSafeInteger(d.batch) && Array.isArray(d.items) &&
      d.items.every((i) => typeof i === 'object' && i !== null && Number.isSafeInteger(i.seq) && typeof i.locator === 'string' && Number.isSafeInteger(i.size));
    if (!ok) throw new QueueAuthError('batch job data is malformed');
    this.check(this.jobParts(d), d.mac, `batch job ${d.batch} of order ${d.orderId}`);
  }
}
