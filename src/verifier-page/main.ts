// The page's main thread: file pickers and drop boxes, the Verify button,
// and what the worker reports, shown as text. It verifies nothing itself;
// the worker (worker.ts) runs the core, so the page never freezes.
import { byId, bytes, count, h, replaceChildren, setText, size } from './dom.js';
import type { VerifyOutcome, VerifyRequest, WorkerReply } from './protocol.js';
import { renderCheck, renderKey, renderStatement } from './render.js';
import { Cancelled, VerifierWorker } from './worker-client.js';

/** The worker's bundled source, put here by build.ts. */
declare const __WORKER_SOURCE__: string;

const SLOTS = ['certificate', 'publicKey', 'records', 'proof'] as const;
type Slot = (typeof SLOTS)[number];

const chosen: Partial<Record<Slot, File>> = {};
let busy = false;
/** The key id of the last verification that got as far as reading the key. */
let keyid: string | undefined;
/** True while the last verification was valid and covered records or a proof, and no input changed since. */
let canCheckPhotos = false;

const ui = {
  verify: byId<HTMLButtonElement>('verify'),
  cancel: byId<HTMLButtonElement>('cancel'),
  hint: byId('inputs-hint'),
  verdict: byId('verdict'),
  verdictWord: byId('verdict-word'),
  verdictDetail: byId('verdict-detail'),
  progressBox: byId('progress-box'),
  progress: byId<HTMLProgressElement>('progress'),
  progressText: byId('progress-text'),
  keyBox: byId('key-box'),
  keyInfo: byId('key-info'),
  pinned: byId<HTMLInputElement>('pinned-keyid'),
  pinResult: byId('pin-result'),
  statementBox: byId('statement-box'),
  statementTitle: byId('statement-title'),
  statement: byId('statement'),
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

function setBusy(on: boolean): void {
  busy = on;
  ui.cancel.hidden = !on;
  ui.photoInput.disabled = on;
  if (!on) ui.progressBox.hidden = true;
  updateReady();
}

function updateReady(): void {
  const { certificate, publicKey, records, proof } = chosen;
  let hint = '';
  if (records && !certificate) hint = 'A records file is checked against its certificate: choose the certificate too.';
  else if (!certificate && !proof) hint = 'Choose a certificate (or a proof file, which carries one) and a public key.';
  else if (!publicKey) hint = 'Choose the public key.';
  ui.verify.disabled = busy || hint !== '';
  ui.hint.textContent = busy ? 'Working…' : hint;
}

function setVerdict(state: 'idle' | 'running' | 'valid' | 'invalid' | 'error', word: string, ...detail: Array<Node | string>): void {
  ui.verdict.dataset.verdict = state;
  ui.verdictWord.textContent = word;
  replaceChildren(ui.verdictDetail, ...detail);
}

function showPin(): void {
  const want = ui.pinned.value.toLowerCase().replace(/[\s:]/g, '');
  delete ui.pinResult.dataset.match;
  if (!want) ui.pinResult.textContent = '';
  else if (!keyid) ui.pinResult.textContent = 'Verify first: the key id is computed from the public key you chose.';
  else if (want === keyid) {
    ui.pinResult.dataset.match = 'yes';
    ui.pinResult.textContent = 'The key id matches the published one.';
  } else {
    ui.pinResult.dataset.match = 'no';
    ui.pinResult.textContent = 'The key id does NOT match the published one. Whatever the result above, this certificate was not signed by the published key.';
  }
}

function describeChecked(o: Extract<VerifyOutcome, { verdict: 'valid' }>): string {
  const parts = o.checked.map((c) => {
    if (c === 'records') return `records file (${count(o.records ?? 0)} records)`;
    if (c === 'proof' && o.proofRecord) return `proof of one object (${o.proofRecord.target}: ${o.proofRecord.locator})`;
    return c;
  });
  return `Checked: ${parts.join(', ')}. Took ${(o.elapsedMs / 1000).toFixed(2)} s.`;
}

function showOutcome(o: VerifyOutcome): void {
  if (o.verdict === 'error') {
    setVerdict('error', 'NOT CHECKED', o.message);
    return;
  }
  if (o.verdict === 'valid') {
    setVerdict('valid', 'VALID', describeChecked(o));
  } else {
    setVerdict('invalid', 'INVALID', h('span', { class: 'code', id: 'verdict-code' }, o.code), `: ${o.message}`);
  }
  if (o.key) {
    keyid = o.key.keyid;
    replaceChildren(ui.keyInfo, renderKey(o.key));
    ui.keyBox.hidden = false;
    showPin();
  }
  if (o.statement) {
    ui.statementTitle.textContent =
      o.verdict === 'valid' ? 'What the certificate states (signature verified)' : 'What the certificate states (its signature verified; a later check failed, see above)';
    replaceChildren(ui.statement, renderStatement(o.statement));
    ui.statementBox.hidden = false;
  }
  canCheckPhotos = o.verdict === 'valid' && (o.checked.includes('records') || o.checked.includes('proof'));
}

function resetResult(word: string): void {
  setVerdict('idle', word);
  keyid = undefined;
  canCheckPhotos = false;
  ui.keyBox.hidden = true;
  ui.statementBox.hidden = true;
  ui.statement.replaceChildren();
  ui.photoResults.replaceChildren();
  ui.photoStatus.textContent = '';
  showPin();
}

async function verify(): Promise<void> {
  if (busy || !chosen.publicKey) return;
  resetResult('Verifying…');
  setVerdict('running', 'Verifying…');
  setBusy(true);
  const req: VerifyRequest = { type: 'verify', publicKey: chosen.publicKey };
  if (chosen.certificate) req.certificate = chosen.certificate;
  if (chosen.records) req.records = chosen.records;
  if (chosen.proof) req.proof = chosen.proof;
  try {
    showOutcome(await worker.verify(req));
  } catch (e) {
    if (e instanceof Cancelled) setVerdict('idle', 'Cancelled.');
    else setVerdict('error', 'NOT CHECKED', e instanceof Error ? e.message : String(e));
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
    ui.photoStatus.textContent = 'First verify the certificate with its records file or with a proof file: the photo is looked up among the objects they prove destroyed.';
    return;
  }
  setBusy(true);
  setText(ui.photoStatus, files.length === 1 ? `Checking ${files[0]!.name}…` : `Checking ${files.length} files…`);
  try {
    const { outcomes, elapsedMs } = await worker.check(files);
    for (const o of outcomes) ui.photoResults.append(renderCheck(o));
    const found = outcomes.filter((o) => o.status === 'found').length;
    setText(ui.photoStatus, `Checked ${files.length === 1 ? files[0]!.name : `${files.length} files`} in ${(elapsedMs / 1000).toFixed(2)} s: ${found} found among the destroyed objects.`);
  } catch (e) {
    if (e instanceof Cancelled) {
      canCheckPhotos = false;
      ui.photoStatus.textContent = 'Cancelled. Verify again to check more files.';
    } else setText(ui.photoStatus, e instanceof Error ? e.message : String(e));
  } finally {
    setBusy(false);
  }
}

function choose(slot: Slot, file: File | undefined): void {
  if (busy) worker.cancel();
  if (file) chosen[slot] = file;
  else delete chosen[slot];
  const box = document.querySelector<HTMLElement>(`.slot[data-slot="${slot}"]`)!;
  box.classList.toggle('filled', !!file);
  setText(byId(`chosen-${slot}`), file ? `${file.name} (${bytes(file.size)})` : 'No file chosen.');
  box.querySelector<HTMLButtonElement>('button.clear')!.hidden = !file;
  if (!file) byId<HTMLInputElement>(`file-${slot}`).value = '';
  if (ui.verdict.dataset.verdict !== 'idle' || canCheckPhotos) resetResult('Not checked yet: the files changed.');
  updateReady();
}

function wire(): void {
  // A file dropped outside a box must not make the browser leave the page.
  for (const type of ['dragover', 'drop'] as const) document.addEventListener(type, (e) => e.preventDefault());
  for (const box of document.querySelectorAll<HTMLElement>('.slot')) {
    const slot = box.dataset.slot!;
    box.addEventListener('dragover', (e) => {
      e.preventDefault();
      box.classList.add('dragover');
    });
    box.addEventListener('dragleave', () => box.classList.remove('dragover'));
    box.addEventListener('drop', (e) => {
      e.preventDefault();
      box.classList.remove('dragover');
      const files = [...(e.dataTransfer?.files ?? [])];
      if (slot === 'photo') void checkPhotos(files);
      else if (files[0]) {
        // Show the dropped file in the picker too, as if it had been chosen there.
        const one = new DataTransfer();
        one.items.add(files[0]);
        byId<HTMLInputElement>(`file-${slot}`).files = one.files;
        choose(slot as Slot, files[0]);
      }
    });
  }
  for (const slot of SLOTS) {
    const input = byId<HTMLInputElement>(`file-${slot}`);
    input.addEventListener('change', () => choose(slot, input.files?.[0]));
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('button.clear')) {
    button.addEventListener('click', () => choose(button.dataset.clear as Slot, undefined));
  }
  ui.photoInput.addEventListener('change', () => {
    const files = [...(ui.photoInput.files ?? [])];
    ui.photoInput.value = ''; // so that choosing the same file again checks it again
    void checkPhotos(files);
  });
  ui.verify.addEventListener('click', () => void verify());
  ui.cancel.addEventListener('click', () => worker.cancel());
  ui.pinned.addEventListener('input', showPin);
  updateReady();
}

wire();
