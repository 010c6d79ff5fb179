// Entry point of the page's Web Worker (bundled by build.ts and started from
// a blob: URL). All reading, hashing and verification happen here, one
// request at a time, so that the page stays responsive with a
// 1,000,000-line records file.
import { runExhibit } from './exhibit-job.js';
import { runCheck } from './photo-check.js';
import type { ProgressFn, WorkerReply, WorkerRequest } from './protocol.js';
import { runVerify, type VerifiedSession } from './verify-job.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
}

const scope = self as unknown as WorkerScope;
let session: VerifiedSession | undefined;
// Progress at most every 50 ms: enough for a smooth bar, few enough messages not to load the page.
const PROGRESS_EVERY_MS = 50;
let lastProgress = 0;

const progress: ProgressFn = (task, bytes, totalBytes, lines) => {
  const now = performance.now();
  if (now - lastProgress < PROGRESS_EVERY_MS && bytes < totalBytes) return;
  lastProgress = now;
  scope.postMessage({ type: 'progress', task, bytes, totalBytes, lines });
};

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  if (req.type === 'verify') {
    session = undefined;
    const result = req.exhibit ? await runExhibit(req, req.exhibit, progress) : await runVerify(req, progress);
    session = result.session;
    return { type: 'verified', outcome: result.outcome };
  }
  const started = performance.now();
  const outcomes = await runCheck(req.files, session, progress);
  return { type: 'checked', outcomes, elapsedMs: Math.round(performance.now() - started) };
}

let queue = Promise.resolve();
scope.onmessage = (e) => {
  queue = queue.then(async () => {
    try {
      scope.postMessage(await handle(e.data));
    } catch (err) {
      // A bug, not a verdict: say so plainly rather than leave the page waiting.
      const message = `internal error: ${err instanceof Error ? err.message : String(err)}`;
      const req = e.data;
      scope.postMessage(
        req.type === 'verify'
          ? { type: 'verified', outcome: { verdict: 'error', message } }
          : { type: 'checked', outcomes: req.files.map((f) => ({ status: 'error', name: f.name, message })), elapsedMs: 0 },
      );
    }
  });
};
