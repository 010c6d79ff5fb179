// The page's side of the worker: one request at a time, progress forwarded,
// and cancel = terminate and start afresh (the only way to stop a read that
// is halfway through a large file). The worker's code is inlined in the page
// and started from a blob: URL, which works from file:// and needs no network.
import type { CheckOutcome, VerifyOutcome, WorkerReply, WorkerRequest } from './protocol.js';

type Progress = Extract<WorkerReply, { type: 'progress' }>;

export class Cancelled extends Error {}

export class VerifierWorker {
  readonly #url: string;
  readonly #onProgress: (p: Progress) => void;
  #worker!: Worker;
  #waiting: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;
  /** Set when the worker died outside a request (for example, it could not start): later requests fail with it. */
  #broken: Error | undefined;

  constructor(source: string, onProgress: (p: Progress) => void) {
    this.#url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    this.#onProgress = onProgress;
    this.#start();
  }

  async verify(req: Extract<WorkerRequest, { type: 'verify' }>): Promise<VerifyOutcome> {
    const reply = await this.#request(req);
    if (reply.type !== 'verified') throw new Error(`unexpected reply ${reply.type}`);
    return reply.outcome;
  }

  async check(files: File[]): Promise<{ outcomes: CheckOutcome[]; elapsedMs: number }> {
    const reply = await this.#request({ type: 'check-files', files });
    if (reply.type !== 'checked') throw new Error(`unexpected reply ${reply.type}`);
    return reply;
  }

  /** Stops the running request (it rejects with Cancelled); the new worker remembers no verification. */
  cancel(): void {
    this.#worker.terminate();
    this.#settle()?.reject(new Cancelled('cancelled'));
    this.#start();
  }

  #start(): void {
    this.#broken = undefined;
    this.#worker = new Worker(this.#url);
    this.#worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      if (e.data.type === 'progress') this.#onProgress(e.data);
      else this.#settle()?.resolve(e.data);
    };
    this.#worker.onerror = (e) => {
      e.preventDefault();
      const error = new Error(`the page's worker failed: ${e.message || 'it could not start'}`);
      const waiting = this.#settle();
      if (waiting) waiting.reject(error);
      else this.#broken = error;
    };
  }

  #request(req: WorkerRequest): Promise<WorkerReply> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#waiting) return Promise.reject(new Error('a request is already running'));
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#worker.postMessage(req);
    });
  }

  #settle() {
    const w = this.#waiting;
    this.#waiting = undefined;
    return w;
  }
}
