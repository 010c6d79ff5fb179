// The page's main thread: file pickers and drop boxes, the pins, the Verify
// button, and what the worker reports, shown as text. It verifies nothing
// itself; the worker (worker.ts) runs the core, so the page never freezes.
import { chosenFiles, droppedFiles, type PathFile } from './bundle-drop.js';
import { byId, count, setText, size } from './dom.js';
import { currentPins, dropTrustRoot, wirePins } from './pins.js';
import { BUNDLE_NAMES, FILE_SLOTS, type FileSlot, type WorkerReply } from './protocol.js';
import { renderCheck } from './render-check.js';
import { bundleInput, chooseBundle, chooseExhibit, chooseProofs, chooseSlot, clearAll, exhibitInput, wireSlots } from './slots.js';
import { clearResult, setVerdict, showOutcome, VERDICT_WORDS } from './verdict-view.js';
import { Cancelled, VerifierWorker } from './worker-client.js';

/** The worker's bundled source, put here by build.ts. */
declare const __WORKER_SOURCE__: string;

let busy = false;
/** True while the last verification was valid (pinned or not) and no input changed since. */
let canCheckPhotos = false;
let unpinned = false;

const ui = {
  verify: byId<HTMLButtonElement>('verify'),
  cancel: byId<HTMLButtonElement>('cancel'),
  hint: byId('inputs-hint'),
  verdict: byId('verdict'),
  progressBox: byId('progress-box'),
  progress: byId<HTMLProgressElement>('progress'),
  progressText: byId('progress-text'),
  photoInput: byId<HTMLInputElement>('file-photo'),
  photoStatus: byId('photo-status'),
  photoResults: byId('photo-results'),
};

const TASK_LABEL = { records: 'Verifying the records', hash: 'Computing the SHA-256', search: 'Searching the records' } as const;

function showProgress(p: Extract<WorkerReply, { type: 'progress' }>): void {
  ui.progressBox.hidden = false;
  const fraction = p.totalBytes > 0 ? p.bytes / p.totalBytes : 1;
  ui.progress.value = fraction;
  const lines = p.task === 'hash' ? '' : `, ${count(p.lines)} lines`;
  ui.progressText.textContent = `${TASK_LABEL[p.task]}: ${Math.floor(fraction * 100)}%${lines} (${size(p.bytes)} of ${size(p.totalBytes)})`;
}

const worker = new VerifierWorker(__WORKER_SOURCE__, showProgress);

const NEEDS_CERTIFICATE: readonly FileSlot[] = ['records', 'retained', 'exceptions', 'rescan', 'order', 'receipt'];

/** Why Verify cannot run yet, or '' when it can. The worker checks again: these are hints, not checks. */
function inputsProblem(): string {
  const b = bundleInput();
  const { pins, problem } = currentPins();
  if (exhibitInput()) return problem ?? ''; // its attachments are read in the worker, which says what is missing
  const needs = NEEDS_CERTIFICATE.filter((s) => b[s]).map((s) => BUNDLE_NAMES[s]);
  if (needs.length > 0 && !b.certificate) return `${needs.join(', ')} ${needs.length === 1 ? 'is' : 'are'} checked against its certificate: choose the certificate too.`;
  if (!b.certificate && b.proofs.length === 0) return 'Drop the whole bundle, or choose a certificate (or a proof file, which carries one) and a key.';
  if (!b.publicKey && !b.trust && !pins.trustRoot) return 'Choose a key: public-key.pem, the bundle’s trust.json, or a trust.json of your own.';
  if (problem) return problem;
  if (pins.trustSha256 && !b.trust && !pins.trustRoot) return 'A trust.json SHA-256 pin is checked against the bundle’s trust.json: choose trust.json too.';
  return '';
}

function updateReady(): void {
  const problem = inputsProblem();
  ui.verify.disabled = busy || problem !== '';
  ui.hint.textContent = busy ? 'Working…' : problem;
}

function setBusy(on: boolean): void {
  busy = on;
  ui.cancel.hidden = !on;
  ui.photoInput.disabled = on;
  if (!on) ui.progressBox.hidden = true;
  updateReady();
}

function resetResult(word: string): void {
  clearResult(word);
  canCheckPhotos = false;
  ui.photoResults.replaceChildren();
  ui.photoStatus.textContent = '';
}

/** Any file or pin changed: a verdict shown would no longer be about what is chosen. */
function inputsChanged(): void {
  if (busy) worker.cancel();
  if (ui.verdict.dataset.verdict !== 'idle' || canCheckPhotos) resetResult('Not checked yet: the files or pins changed.');
  updateReady();
}

async function verify(): Promise<void> {
  if (busy || inputsProblem() !== '') return;
  resetResult('Verifying…');
  setVerdict('running', 'Verifying…');
  setBusy(true);
  try {
    const exhibit = exhibitInput();
    const outcome = await worker.verify({ type: 'verify', bundle: bundleInput(), pins: currentPins().pins, ...(exhibit ? { exhibit } : {}) });
    showOutcome(outcome);
    canCheckPhotos = outcome.verdict === 'valid' || outcome.verdict === 'unpinned';
    unpinned = outcome.verdict === 'unpinned';
  } catch (e) {
    if (e instanceof Cancelled) setVerdict('idle', 'Cancelled.');
    else setVerdict('error', VERDICT_WORDS.error, e instanceof Error ? e.message : String(e));
  } finally {
    setBusy(false);
  }
}

async function checkPhotos(files: File[]): Promise<void> {
  if (files.length === 0) return;
  if (busy) {
    ui.photoStatus.textContent = 'Wait for the current check to finish.';
    return;
  }
  if (!canCheckPhotos) {
    ui.photoStatus.textContent =
      'First verify the certificate with its records file or with a proof file (and retained.ndjson, to learn what was kept under a legal hold): the photo is looked up among what they prove.';
    return;
  }
  setBusy(true);
  setText(ui.photoStatus, files.length === 1 ? `Checking ${files[0]!.name}…` : `Checking ${files.length} files…`);
  try {
    const { outcomes, elapsedMs } = await worker.check(files);
    for (const o of outcomes) ui.photoResults.append(renderCheck(o));
    const found = outcomes.filter((o) => o.status === 'found').length;
    const held = outcomes.filter((o) => o.status === 'held').length;
    const what = files.length === 1 ? files[0]!.name : `${files.length} files`;
    const heldText = held > 0 ? `, ${held} kept under a legal hold` : '';
    const pinNote = unpinned ? ' The key is not pinned: these results hold only if it is the issuer’s.' : '';
    setText(ui.photoStatus, `Checked ${what} in ${(elapsedMs / 1000).toFixed(2)} s: ${found} found among the destroyed objects${heldText}.${pinNote}`);
  } catch (e) {
    if (e instanceof Cancelled) {
      canCheckPhotos = false;
      ui.photoStatus.textContent = 'Cancelled. Verify again to check more files.';
    } else setText(ui.photoStatus, e instanceof Error ? e.message : String(e));
  } finally {
    setBusy(false);
  }
}

/** Files for the whole bundle: one PDF alone is a legal exhibit, whose attachments are the bundle. */
function takeBundle(files: PathFile[]): void {
  if (files.length === 1 && /\.pdf$/i.test(files[0]!.path)) chooseExhibit(files[0]!.file, true);
  else chooseBundle(files);
}

/** A drop on a box: one file goes in that box; several files or a folder are the whole bundle. */
function dropped(target: string, files: PathFile[]): void {
  if (files.length === 0) return;
  if (target === 'photo') void checkPhotos(files.map((f) => f.file));
  else if (target === 'pinTrust') dropTrustRoot(files[0]!.file);
  else if (target === 'exhibit' && files.length === 1) chooseExhibit(files[0]!.file, true);
  else if (target === 'proof') chooseProofs(files.map((f) => ({ name: f.path, file: f.file })), true);
  else if (target !== 'bundle' && files.length === 1 && !files[0]!.path.includes('/') && (FILE_SLOTS as readonly string[]).includes(target)) {
    chooseSlot(target as FileSlot, files[0]!.file, true);
  } else takeBundle(files);
}

function wireDrops(): void {
  // A file dropped outside a box must not make the browser leave the page.
  for (const type of ['dragover', 'drop'] as const) document.addEventListener(type, (e) => e.preventDefault());
  // The boxes, and the whole files section for a bundle dropped beside them.
  for (const box of document.querySelectorAll<HTMLElement>('[data-drop]')) {
    box.addEventListener('dragover', (e) => {
      e.preventDefault();
      e.stopPropagation();
      box.classList.add('dragover');
    });
    box.addEventListener('dragleave', () => box.classList.remove('dragover'));
    box.addEventListener('drop', (e) => {
      e.preventDefault();
      e.stopPropagation();
      box.classList.remove('dragover');
      if (!e.dataTransfer) return;
      // droppedFiles takes every item now, while the drop event lasts.
      droppedFiles(e.dataTransfer).then(
        (files) => dropped(box.dataset.drop!, files),
        (err: unknown) => setText(byId('bundle-status'), `Could not read what was dropped: ${err instanceof Error ? err.message : String(err)}`),
      );
    });
  }
}

function wire(): void {
  wireSlots(inputsChanged);
  wirePins(inputsChanged, () => void verify());
  wireDrops();
  for (const id of ['file-bundle', 'file-bundle-folder']) {
    const input = byId<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      const files = chosenFiles(input);
      input.value = ''; // so that choosing the same bundle again reads it again
      if (files.length > 0) takeBundle(files);
    });
  }
  byId('clear-all').addEventListener('click', clearAll);
  ui.photoInput.addEventListener('change', () => {
    const files = [...(ui.photoInput.files ?? [])];
    ui.photoInput.value = ''; // so that choosing the same file again checks it again
    void checkPhotos(files);
  });
  ui.verify.addEventListener('click', () => void verify());
  ui.cancel.addEventListener('click', () => worker.cancel());
  updateReady();
}

wire();
