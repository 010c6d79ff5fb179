// A small typed client for the shredproof HTTP API (docs/API.md), over the
// fetch that Node ships. It adds no policy of its own: every refusal is the
// server's RFC 9457 problem, surfaced as an ApiError with its code and
// errors[]; a server that cannot be reached is an UnreachableError, so that
// callers can tell "the server said no" from "no server answered".
import type { z } from 'zod';
import type { ProblemBody } from '../http/problem.js';
import type {
  Artifact,
  ArtifactLineage,
  ArtifactList,
  AuditEntry,
  DispositionBody,
  InventoryPage,
  ObjectProof,
  Order,
  OrderEvents,
  OrderList,
  Progress,
  PublicKey,
  SignedApproval,
  VendorBundleUpload,
  VendorCertificate,
  Whoami,
} from '../http/schemas.js';
import { parseSse, type SseEvent } from './sse.js';

/**
 * The deadline as the server judges it (issue 20). Optional here: a server
 * older than them sends neither, and the order document still carries the
 * deadline itself.
 */
export interface OrderDeadline {
  /** The order document's deadline, or null when it has none. */
  deadline?: string | null;
  /** True when the deadline has passed and the order is not finished. */
  overdue?: boolean;
}
export type OrderView = z.infer<typeof Order> & OrderDeadline;
/** Something the server accepted but wants said (code DEADLINE_PASSED: the order's deadline is already past). */
export interface ApiWarning {
  code: string;
  message: string;
}
/** The answer to POST /v1/orders: the order, and what the server warns of (absent from an older server). */
export type CreatedOrderView = OrderView & { warnings?: ApiWarning[] };
export type InventoryPageView = z.infer<typeof InventoryPage>;
export type InventoryObjectView = InventoryPageView['objects'][number];
/** Which objects of the inventory: the query parameters of GET /v1/orders/{id}/inventory other than the page's. */
export interface InventoryFilter {
  target?: string;
  /** true: only objects under a hold; false: only the others. */
  held?: boolean;
  /** A substring of the locator, matched without regard to ASCII case. */
  search?: string;
}
export interface AuditPageView {
  entries: AuditEntryView[];
  nextCursor: string | null;
}
/** GET /v1/audit/verify: `brokenAt` is the first entry that does not hold; `anchor` the certificate or checkpoint the chain contradicts. */
export interface AuditVerdictView {
  ok: boolean;
  entries: number;
  brokenAt?: number;
  anchor?: string;
}
export type WhoamiView = z.infer<typeof Whoami>;
export type SignedApprovalBody = z.infer<typeof SignedApproval>;
export type ProgressView = z.infer<typeof Progress>;
export type OrderListView = z.infer<typeof OrderList>;
export type OrderHistory = z.infer<typeof OrderEvents>;
export type ObjectProofView = z.infer<typeof ObjectProof>;
export type PublicKeyView = z.infer<typeof PublicKey>;
export type AuditEntryView = z.infer<typeof AuditEntry>;
export type Problem = ProblemBody;
export type ArtifactView = z.infer<typeof Artifact>;
export type ArtifactListView = z.infer<typeof ArtifactList>;
export type ArtifactLineageView = z.infer<typeof ArtifactLineage>;
export type VendorCertificateView = z.infer<typeof VendorCertificate>;
export type VendorBundleUploadView = z.infer<typeof VendorBundleUpload>;
export type DispositionRequest = z.infer<typeof DispositionBody>;
/** A body sent as it is read (a file of gigabytes): chunks, never held whole. */
export type StreamedBody = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** The server answered with an error status. `problem` is its problem+json body, when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    /** The start of a body that was not a problem document (a proxy's HTML page, say). */
    readonly bodyText: string,
  ) {
    super(problem ? `${status} ${problem.code}: ${problem.detail ?? problem.title}` : `HTTP ${status}${bodyText ? `: ${bodyText}` : ''}`);
  }

  get code(): string {
    return this.problem?.code ?? `HTTP_${this.status}`;
  }
}

/** No answer from the server: connection refused, unknown host, reset, or no response in time. */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
  constructor(
    readonly server: string,
    /** ECONNREFUSED, ENOTFOUND, ECONNRESET, TIMEOUT, ... */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach ${server} (${reason})`, options);
  }
}

export interface ClientOptions {
  /** Base URL of the server, such as http://127.0.0.1:8080 (a path prefix is kept). */
  server: string;
  /** A bearer token sp_<id>_<secret>; public routes need none. */
  token?: string;
  /** Per request, until the response headers arrive (default 30 s). Streams are not limited once they started. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  userAgent?: string;
}

/** Which object: in the records by default, or (`list`) an entry of a version 2 certificate's retained, exceptions or rescan list. */
export type ProofSelector = ({ locator: string; target?: string } | { sha256: string } | { leafIndex: number }) & { list?: 'records' | 'retained' | 'exceptions' | 'rescan' };

interface RequestOptions {
  json?: unknown;
  query?: Record<string, string | number | undefined>;
  accept?: string;
  signal?: AbortSignal;
}

/** The network error code behind undici's "fetch failed" (it nests them, and wraps several addresses in an AggregateError). */
function networkReason(e: unknown): string {
  let c: unknown = e;
  let message = e instanceof Error ? e.message : String(e);
  for (let depth = 0; depth < 6 && c; depth++) {
    const x = c as { code?: unknown; errors?: unknown[]; cause?: unknown; name?: unknown; message?: unknown };
    if (x.name === 'TimeoutError') return 'TIMEOUT';
    if (typeof x.code === 'string') return x.code;
    if (typeof x.message === 'string' && x.message) message = x.message;
    c = Array.isArray(x.errors) && x.errors.length ? x.errors[0] : x.cause;
  }
  return message;
}

export class ShredproofClient {
  readonly server: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly userAgent: string;

  constructor(opts: ClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.server);
    } catch {
      throw new TypeError(`not a URL: ${JSON.stringify(opts.server)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`not an http(s) URL: ${opts.server}`);
    if (url.search || url.hash) throw new TypeError(`the server URL must not have a query or fragment: ${opts.server}`);
    this.server = url.href.replace(/\/+$/, '');
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.fetchImpl = opts.fetch ?? fetch;
    this.userAgent = opts.userAgent ?? 'shredproof-client';
  }

  /** One request; resolves to the response when its status is 2xx, else throws ApiError. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: opts.accept ?? 'application/json, application/problem+json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    // The timeout covers connecting and the response headers only; a caller's signal can end a stream at any time.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException('no response in time', 'TimeoutError')), this.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout.signal]) : timeout.signal;
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method, headers, signal, ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}) });
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? e;
      throw new UnreachableError(this.server, timeout.signal.aborted ? 'TIMEOUT' : networkReason(e), { cause: e });
    } finally {
      clearTimeout(timer);
    }
    if (res.ok) return res;
    throw await errorOf(res);
  }

  private async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    return (await res.json()) as T;
  }

  private orderPath(id: string, rest = ''): string {
    return `/v1/orders/${encodeURIComponent(id)}${rest}`;
  }

  createOrder(document: unknown): Promise<CreatedOrderView> {
    return this.json('POST', '/v1/orders', { json: document });
  }

  listOrders(query: { state?: string; createdBy?: string; limit?: number; cursor?: string } = {}): Promise<OrderListView> {
    return this.json('GET', '/v1/orders', { query });
  }

  getOrder(id: string): Promise<OrderView> {
    return this.json('GET', this.orderPath(id));
  }

  /** Starts planning (202); the order is `planning` until the plan is committed. */
  planOrder(id: string): Promise<OrderView> {
    return this.json('POST', this.orderPath(id, '/plan'));
  }

  /** Approves the plan `planRoot` with the approver's signature (docs/FORMAT.md section 5.9). */
  approveOrder(id: string, planRoot: string, approval: SignedApprovalBody): Promise<OrderView> {
    return this.json('POST', this.orderPath(id, '/approve'), { json: { planRoot, approval } });
  }

  /** Refuses the plan `planRoot`, with a reason: the order goes back to draft, the refusal its failure. */
  refuseOrder(id: string, planRoot: string, reason: string): Promise<OrderView> {
    return this.json('POST', this.orderPath(id, '/refuse'), { json: { planRoot, reason } });
  }

  /** The order's creator signs the plan `planRoot` as its performer. */
  signPlan(id: string, planRoot: string, signature: SignedApprovalBody): Promise<OrderView> {
    return this.json('POST', this.orderPath(id, '/sign-plan'), { json: { planRoot, signature } });
  }

  /** The person and role of this client's token. */
  whoami(): Promise<WhoamiView> {
    return this.json('GET', '/v1/whoami');
  }

  executeOrder(id: string): Promise<OrderView> {
    return this.json('POST', this.orderPath(id, '/execute'));
  }

  cancelOrder(id: string, reason: string): Promise<OrderView> {
    return this.json('POST', this.orderPath(id, '/cancel'), { json: { reason } });
  }

  /** One page of the planned objects, in plan order. */
  inventory(id: string, query: InventoryFilter & { limit?: number; cursor?: string } = {}): Promise<InventoryPageView> {
    const { held, ...rest } = query;
    return this.json('GET', this.orderPath(id, '/inventory'), { query: { ...rest, held: held === undefined ? undefined : String(held) } });
  }

  /**
   * Every page of the inventory that matches `filter`, one page at a time: an
   * inventory of millions is never held whole. `limit` is the page size.
   */
  inventoryPages(id: string, filter: InventoryFilter = {}, limit?: number): AsyncGenerator<InventoryObjectView[]> {
    return pages((cursor) => this.inventory(id, { ...filter, ...(limit !== undefined ? { limit } : {}), ...(cursor ? { cursor } : {}) }).then((p) => ({ items: p.objects, nextCursor: p.nextCursor })));
  }

  history(id: string): Promise<OrderHistory> {
    return this.json('GET', this.orderPath(id, '/history'));
  }

  progress(id: string): Promise<ProgressView> {
    return this.json('GET', this.orderPath(id, '/progress'));
  }

  /** The Server-Sent Events of GET .../progress/stream, as they arrive; ends when the server closes the stream. */
  async *progressEvents(id: string, opts: { intervalMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<SseEvent> {
    const res = await this.request('GET', this.orderPath(id, '/progress/stream'), {
      accept: 'text/event-stream',
      query: { intervalMs: opts.intervalMs },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!res.body) return;
    yield* parseSse(res.body);
  }

  /** The certificate envelope, byte for byte as the server issued it. */
  async certificate(id: string): Promise<string> {
    return (await this.request('GET', this.orderPath(id, '/certificate'))).text();
  }

  /** records.ndjson as a stream (it can be large). */
  async records(id: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const res = await this.request('GET', this.orderPath(id, '/records'), { accept: 'application/x-ndjson, application/problem+json', ...(signal ? { signal } : {}) });
    if (!res.body) throw new ApiError(res.status, undefined, 'the records response has no body');
    return res.body;
  }

  /** A list file of a version 2 certificate, as a stream; undefined for a version 1 certificate (404 NO_LIST). */
  async listFile(id: string, list: 'retained' | 'exceptions' | 'rescan'): Promise<ReadableStream<Uint8Array> | undefined> {
    try {
      const res = await this.request('GET', this.orderPath(id, `/lists/${list}`), { accept: 'application/x-ndjson, application/problem+json' });
      if (!res.body) throw new ApiError(res.status, undefined, `the ${list} list response has no body`);
      return res.body;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'NO_LIST') return undefined;
      throw e;
    }
  }

  /** order.json: the order document's exact bytes, whose SHA-256 the certificate's order.sha256 is. */
  async orderDocument(id: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request('GET', this.orderPath(id, '/order.json'))).arrayBuffer());
  }

  proof(id: string, selector: ProofSelector): Promise<ObjectProofView> {
    return this.json('GET', this.orderPath(id, '/proof'), { query: { ...selector } });
  }

  keys(): Promise<{ keys: PublicKeyView[] }> {
    return this.json('GET', '/v1/keys');
  }

  /** The issuer's trust root (docs/FORMAT.md section 5.7), as the exact bytes served: its SHA-256 is what a regulator pins. */
  async trustRoot(): Promise<string> {
    return (await this.request('GET', '/v1/trust.json')).text();
  }

  /** One public key as PEM (SPKI). */
  async keyPem(keyid: string): Promise<string> {
    return (await this.request('GET', `/v1/keys/${encodeURIComponent(keyid)}`, { accept: 'application/x-pem-file' })).text();
  }

  audit(query: { cursor?: string; limit?: number; orderId?: string } = {}): Promise<AuditPageView> {
    return this.json('GET', '/v1/audit', { query });
  }

  /** Every page of the audit log from the start (or `orderId`'s entries only), one page at a time. */
  auditPages(query: { limit?: number; orderId?: string } = {}): AsyncGenerator<AuditEntryView[]> {
    return pages((cursor) => this.audit({ ...query, ...(cursor ? { cursor } : {}) }).then((p) => ({ items: p.entries, nextCursor: p.nextCursor })));
  }

  verifyAudit(): Promise<AuditVerdictView> {
    return this.json('GET', '/v1/audit/verify');
  }

  private artifactPath(name: string, rest = ''): string {
    return `/v1/artifacts/${encodeURIComponent(name)}${rest}`;
  }

  /** Registers an artifact of the lineage registry (docs/API.md, "Derived artifacts"). */
  registerArtifact(document: unknown): Promise<ArtifactView> {
    return this.json('POST', '/v1/artifacts', { json: document });
  }

  listArtifacts(query: { limit?: number; cursor?: string } = {}): Promise<ArtifactListView> {
    return this.json('GET', '/v1/artifacts', { query });
  }

  /** An artifact with what it was derived from and what was derived from it. */
  getArtifact(name: string): Promise<ArtifactLineageView> {
    return this.json('GET', this.artifactPath(name));
  }

  /**
   * Uploads an artifact's manifest: NDJSON, sent as it is produced (`lines`
   * each without their newline). No timeout: the answer comes once the
   * server has read and hashed every line, however many; `signal` ends it.
   */
  async uploadArtifactManifest(name: string, lines: AsyncIterable<string> | Iterable<string>, signal?: AbortSignal): Promise<ArtifactView> {
    const encoder = new TextEncoder();
    // Lines go in chunks of about 64 KiB, not one chunk each.
    async function* body(): AsyncGenerator<Uint8Array> {
      let batch = '';
      for await (const line of lines) {
        batch += `${line}\n`;
        if (batch.length >= 65_536) {
          yield encoder.encode(batch);
          batch = '';
        }
      }
      if (batch) yield encoder.encode(batch);
    }
    return (await this.streamUp('PUT', this.artifactPath(name, '/manifest'), 'application/x-ndjson', body(), signal).then((r) => r.json())) as ArtifactView;
  }

  /** A request whose body streams as it is read. No timeout: the answer comes once the server has read it all; `signal` ends it. */
  private async streamUp(method: string, path: string, contentType: string, body: StreamedBody, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json, application/problem+json', 'content-type': contentType };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      // Node's fetch takes an async iterable as a streamed body, with duplex: 'half'; RequestInit's type knows neither.
      res = await this.fetchImpl(new URL(this.server + path), { method, headers, body, duplex: 'half', ...(signal ? { signal } : {}) } as unknown as RequestInit);
    } catch (e) {
      if (signal?.aborted) throw signal.reason ?? e;
      throw new UnreachableError(this.server, networkReason(e), { cause: e });
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  private derivedPath(id: string, artifact: string, rest: string): string {
    return this.orderPath(id, `/derived/${encodeURIComponent(artifact)}${rest}`);
  }

  /**
   * Stages one file of a vendor's certificate bundle for an order's artifact at that vendor (docs/API.md, "Derived
   * artifacts in orders"). `file` is its path in the bundle (`vendors/<artifact>/...` for a file of the vendor's own
   * vendors' bundles): one segment of the URL, each / percent-encoded, as the route takes it.
   */
  async uploadVendorBundleFile(id: string, artifact: string, file: string, body: StreamedBody, signal?: AbortSignal): Promise<VendorBundleUploadView> {
    const res = await this.streamUp('PUT', this.derivedPath(id, artifact, `/vendor-bundle/${encodeURIComponent(file)}`), 'application/octet-stream', body, signal);
    return (await res.json()) as VendorBundleUploadView;
  }

  /** Attaches the vendor certificate staged for the artifact: the server verifies it against the vendor's pinned trust root. */
  attachVendorCertificate(id: string, artifact: string): Promise<VendorCertificateView> {
    return this.json('POST', this.derivedPath(id, artifact, '/vendor-certificate'));
  }

  /** An approver's signed disposition of an artifact at a vendor (docs/FORMAT.md section 5.10). */
  disposeArtifact(id: string, artifact: string, body: DispositionRequest): Promise<OrderView> {
    return this.json('POST', this.derivedPath(id, artifact, '/disposition'), { json: body });
  }

  /**
   * A file of a vendor's bundle that a certified order's bundle carries (vendors/<artifact>/), as a stream; undefined
   * when it carries none (404 NOT_FOUND). `file` is its path in the vendor's bundle (`vendors/<name>/...` for a file of
   * the vendor's own vendors' bundles): one segment of the URL, each / percent-encoded, as the route takes it.
   */
  /** The newest receipt of a certificate from the server's transparency log (docs/FORMAT.md section 12.5), or undefined when it has none. */
  async logReceipt(certificateId: string): Promise<string | undefined> {
    try {
      return await (await this.request('GET', `/log/proof/${encodeURIComponent(certificateId)}`, { accept: 'text/plain, application/problem+json' })).text();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  async vendorBundleFile(id: string, artifact: string, file: string): Promise<ReadableStream<Uint8Array> | undefined> {
    try {
      const res = await this.request('GET', this.orderPath(id, `/vendors/${encodeURIComponent(artifact)}/${encodeURIComponent(file)}`), { accept: 'application/octet-stream, application/problem+json' });
      if (!res.body) throw new ApiError(res.status, undefined, `the vendor file ${file} response has no body`);
      return res.body;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  /** The uploaded manifest of an artifact, as a stream of NDJSON (its exact lines, each ended by a newline). */
  async artifactManifest(name: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const res = await this.request('GET', this.artifactPath(name, '/manifest'), { accept: 'application/x-ndjson, application/problem+json', ...(signal ? { signal } : {}) });
    if (!res.body) throw new ApiError(res.status, undefined, 'the manifest response has no body');
    return res.body;
  }
}

/** Follows a cursor-paged list (docs/API.md, "Pagination") from its start until nextCursor is null. */
async function* pages<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): AsyncGenerator<T[]> {
  for (let cursor: string | undefined; ; ) {
    const page = await fetchPage(cursor);
    yield page.items;
    if (page.nextCursor === null) return;
    // A cursor that does not move would page forever.
    if (page.nextCursor === cursor) throw new Error(`the server answered the cursor ${cursor} with itself as the next one`);
    cursor = page.nextCursor;
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  const type = res.headers.get('content-type') ?? '';
  if (/^application\/(problem\+)?json\b/.test(type)) {
    try {
      const body = JSON.parse(text) as Partial<Problem>;
      if (body && typeof body.code === 'string' && typeof body.status === 'number') return new ApiError(res.status, body as Problem, '');
    } catch {
      // not JSON after all: reported as text below
    }
  }
  return new ApiError(res.status, undefined, text.slice(0, 300).trim());
}
