// A 1,000,000-line records file verified in the page's worker while the page
// stays responsive: a timer on the main thread keeps firing (longest gap under
// half a second), the main thread runs no task near 200 ms, and the progress
// bar moves many times. Cancel stops a run halfway. Then a photo is found
// among the million, with its inclusion proof.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { publicKeyFromPem, trustedKey } from '../../packages/verify/src/core/index.js';
import { checkPhotos, chooseFiles, openVerifierPage, readVerdict, type VerifierPage } from '../helpers/browser.js';
import { type LargeOrder, photoContent, writeLargeOrder } from './large-order.js';

const N = 1_000_000;
/**
 * Longest stall of the main thread (timer gap, frame gap, single task) while
 * the worker verifies. A page that froze would stall for the whole run (35 s
 * here); on a quiet machine the longest task is under 100 ms, but this 2-core
 * machine is shared, and a CI run at load 6 saw one task of 354 ms (a render
 * descheduled by other processes). 500 ms tells the two cases apart without
 * depending on the neighbours.
 */
const MAX_GAP_MS = 500;
const MAX_TASK_MS = 500;

// The probe, on the main thread: a 10 ms timer and animation frames, each
// noting its longest gap (which a busy machine can stretch too), the longest
// task the main thread ran (the page's own blocking, whatever the load), and
// a count of progress text changes. A string, so that tsx's helpers (__name)
// do not end up in code that runs in the page.
const PROBE = `(() => {
  const probe = { timerTicks: 0, maxTimerGap: 0, frames: 0, maxFrameGap: 0, longTasks: 0, maxLongTask: 0, progressUpdates: 0, stop: false };
  window.probe = probe;
  let lastTick = performance.now();
  const tick = () => {
    const now = performance.now();
    probe.maxTimerGap = Math.max(probe.maxTimerGap, now - lastTick);
    lastTick = now;
    probe.timerTicks++;
    if (!probe.stop) setTimeout(tick, 10);
  };
  setTimeout(tick, 10);
  let lastFrame = performance.now();
  const frame = (now) => {
    probe.maxFrameGap = Math.max(probe.maxFrameGap, now - lastFrame);
    lastFrame = now;
    probe.frames++;
    if (!probe.stop) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  new MutationObserver(() => probe.progressUpdates++).observe(document.getElementById('progress-text'), { childList: true, characterData: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      probe.longTasks++;
      probe.maxLongTask = Math.max(probe.maxLongTask, e.duration);
    }
  }).observe({ type: 'longtask' });
})()`;

interface Probe {
  timerTicks: number;
  maxTimerGap: number;
  frames: number;
  maxFrameGap: number;
  longTasks: number;
  maxLongTask: number;
  progressUpdates: number;
}

describe('verifier page: a 1,000,000-line records file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-page-large-'));
  let order: LargeOrder;
  let p: VerifierPage;
  before(async () => {
    order = writeLargeOrder(dir, N);
    p = await openVerifierPage();
    await p.page.fill('#pin-keyid', trustedKey(publicKeyFromPem(readFileSync(order.publicKey, 'utf8'))).keyid); // pinned: VALID below
  });
  after(async () => {
    await p?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('can be cancelled halfway', async () => {
    await chooseFiles(p.page, order);
    await p.page.click('#verify');
    await p.page.waitForFunction(() => /Verifying the records: [1-9]/.test(document.getElementById('progress-text')!.textContent ?? ''), null, { polling: 50 });
    await p.screenshot('large-verifying'); // here, not in the measured run below: a screenshot stalls the page's frames
    await p.page.click('#cancel');
    await p.page.waitForFunction(() => document.getElementById('verdict')!.dataset.verdict !== 'running', null, { polling: 50 });
    const v = await readVerdict(p.page);
    assert.equal(v.verdict, 'idle');
    assert.equal(v.word, 'Cancelled.');
    assert.equal(await p.page.isHidden('#progress-box'), true);
    assert.equal(await p.page.isEnabled('#verify'), true);
  });

  it('is verified in the worker with progress, while the main thread keeps running', async (t) => {
    await p.page.evaluate(PROBE);
    const started = performance.now();
    await p.page.click('#verify');
    await p.page.waitForFunction(() => document.getElementById('verdict')!.dataset.verdict !== 'running', null, { timeout: 240_000, polling: 250 });
    const seconds = (performance.now() - started) / 1000;
    const probe = await p.page.evaluate(() => {
      const pr = (window as unknown as { probe: Probe & { stop: boolean } }).probe;
      pr.stop = true;
      return { ...pr };
    });
    const v = await readVerdict(p.page);
    t.diagnostic(`${N} records in ${seconds.toFixed(1)} s (${Math.round(N / seconds)} records/s); longest timer gap ${probe.maxTimerGap.toFixed(0)} ms over ${probe.timerTicks} ticks; longest frame gap ${probe.maxFrameGap.toFixed(0)} ms over ${probe.frames} frames; ${probe.longTasks} main-thread tasks over 50 ms, longest ${probe.maxLongTask.toFixed(0)} ms; ${probe.progressUpdates} progress updates`);
    assert.equal(v.verdict, 'valid', `${v.word} ${v.detail}`);
    assert.match(v.detail, /records file \(1,000,000 records\)/);
    assert.ok(probe.progressUpdates >= 10, `progress moved ${probe.progressUpdates} times`);
    assert.ok(probe.timerTicks >= seconds * 20, `the main thread's timer fired ${probe.timerTicks} times in ${seconds.toFixed(1)} s`);
    assert.ok(probe.maxTimerGap < MAX_GAP_MS, `longest main-thread timer gap ${probe.maxTimerGap.toFixed(0)} ms`);
    assert.ok(probe.maxLongTask < MAX_TASK_MS, `longest main-thread task ${probe.maxLongTask.toFixed(0)} ms`);
    assert.ok(probe.frames > 0 && probe.maxFrameGap < MAX_GAP_MS, `longest animation frame gap ${probe.maxFrameGap.toFixed(0)} ms over ${probe.frames} frames`);
    await p.screenshot('large-valid');
  });

  it('finds a photo among the million, with its inclusion proof checked', async (t) => {
    const i = 777_777;
    const photo = join(dir, 'photo.jpg');
    writeFileSync(photo, photoContent(i));
    const notDestroyed = join(dir, 'other.jpg');
    writeFileSync(notDestroyed, photoContent(N + 1));
    const [found, missing] = await checkPhotos(p.page, [photo, notDestroyed], 240_000);
    t.diagnostic((await p.page.textContent('#photo-status')) ?? '');
    assert.equal(found!.status, 'found', found!.text);
    assert.ok(found!.text.includes('users/user-27777/photo-00777777.jpg'));
    assert.match(found!.text, /valid: 20 sibling hashes lead from this record to the certified Merkle root/);
    assert.equal(missing!.status, 'not-found');
    assert.match(missing!.text, /not among the 1,000,000 destroyed objects/);
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
