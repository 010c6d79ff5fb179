// The files the person chose, by role: one box per file of a certificate
// bundle (docs/FORMAT.md section 10), each with its picker, and the bundle
// box that takes the whole set at once (several files, or a folder) and
// sorts it into those boxes by name (./bundle-drop.ts). A dropped or chosen
// file shows in its box's picker as if it had been chosen there. A vendor's
// bundle in vendors/<artifact>/ has no box: it is kept, and named, with the
// bundle that carries it. A legal exhibit (exhibit.pdf, docs/FORMAT.md
// section 13) has a box of its own: its attachments are the bundle, so
// choosing it empties the other boxes, and choosing any of their files
// removes it.
import { type PathFile, sortBundle, vendorFileCount } from './bundle-drop.js';
import { byId, bytes, setText } from './dom.js';
import { type BundleInput, FILE_SLOTS, type FileSlot, type NamedFile, type VendorBundleInput } from './protocol.js';

const chosen: Partial<Record<FileSlot, File>> = {};
let proofs: NamedFile[] = [];
let ignored: string[] = [];
let vendors: VendorBundleInput[] = [];
let exhibit: File | undefined;
let onChange: () => void = () => undefined;

const bundleStatus = byId('bundle-status');

export function bundleInput(): BundleInput {
  return { ...chosen, proofs: [...proofs], ignored: [...ignored], vendors: [...vendors] };
}

/** The legal exhibit chosen, if any: then the boxes are empty. */
export function exhibitInput(): File | undefined {
  return exhibit;
}

function showInPicker(input: HTMLInputElement, files: readonly File[]): void {
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
}

function render(slot: FileSlot | 'proof' | 'exhibit'): void {
  const box = document.querySelector<HTMLElement>(`.slot[data-slot="${slot}"]`)!;
  const one = slot === 'exhibit' ? exhibit : slot === 'proof' ? undefined : chosen[slot];
  const files = slot === 'proof' ? proofs.map((p) => p.file) : one ? [one] : [];
  box.classList.toggle('filled', files.length > 0);
  const text =
    slot === 'proof' && proofs.length > 1
      ? `${proofs.length} proof files: ${proofs.map((p) => p.name).join(', ')}`
      : slot === 'proof' && proofs[0]
        ? `${proofs[0].name} (${bytes(proofs[0].file.size)})`
        : files[0]
          ? `${files[0].name} (${bytes(files[0].size)})`
          : 'No file chosen.';
  setText(byId(`chosen-${slot}`), text);
  box.querySelector<HTMLButtonElement>('button.clear')!.hidden = files.length === 0;
  const input = byId<HTMLInputElement>(`file-${slot}`);
  if (files.length === 0) input.value = '';
}

/** A file of a bundle was chosen: an exhibit chosen before is no longer what is verified. */
function dropExhibit(): void {
  if (!exhibit) return;
  exhibit = undefined;
  render('exhibit');
}

/** A legal exhibit: every box is emptied, as its attachments are the bundle (the worker sorts them as a dropped folder). */
export function chooseExhibit(file: File | undefined, fromDrop = false): void {
  if (file) {
    for (const slot of FILE_SLOTS) delete chosen[slot];
    [proofs, ignored, vendors] = [[], [], []];
    for (const slot of [...FILE_SLOTS, 'proof'] as const) render(slot);
    bundleStatus.textContent = '';
  }
  exhibit = file;
  if (fromDrop && file) showInPicker(byId<HTMLInputElement>('file-exhibit'), [file]);
  render('exhibit');
  onChange();
}

export function chooseSlot(slot: FileSlot, file: File | undefined, fromDrop = false): void {
  if (file) dropExhibit();
  if (file) chosen[slot] = file;
  else delete chosen[slot];
  if (fromDrop && file) showInPicker(byId<HTMLInputElement>(`file-${slot}`), [file]);
  render(slot);
  onChange();
}

export function chooseProofs(files: readonly NamedFile[], fromDrop = false): void {
  if (files.length > 0) dropExhibit();
  proofs = [...files];
  if (fromDrop) showInPicker(byId<HTMLInputElement>('file-proof'), proofs.map((p) => p.file));
  render('proof');
  onChange();
}

/** A whole bundle: every box is set anew from it, so that no file of another bundle stays behind. */
export function chooseBundle(files: readonly PathFile[]): void {
  const sorted = sortBundle(files);
  dropExhibit();
  for (const slot of FILE_SLOTS) {
    const file = sorted.slots[slot];
    if (file) chosen[slot] = file;
    else delete chosen[slot];
    if (file) showInPicker(byId<HTMLInputElement>(`file-${slot}`), [file]);
    render(slot);
  }
  proofs = sorted.proofs;
  if (proofs.length > 0) showInPicker(byId<HTMLInputElement>('file-proof'), proofs.map((p) => p.file));
  render('proof');
  ignored = sorted.ignored;
  vendors = sorted.vendors;
  const found = FILE_SLOTS.filter((s) => sorted.slots[s]).length + proofs.length;
  const missing = sorted.slots.certificate || proofs.length > 0 ? '' : ' It has no certificate.json, and no proof that carries one: there is nothing to verify.';
  const from = sorted.folder !== undefined ? `From the folder “${sorted.folder}”: ` : '';
  const listed = ignored.length > 10 ? `${ignored.slice(0, 10).join(', ')} and ${ignored.length - 10} more` : ignored.join(', ');
  const vendorText = vendors.length
    ? ` With ${vendors.length === 1 ? 'a vendor’s own bundle' : `${vendors.length} vendors’ own bundles`}, checked with it: ${vendors.map((v) => `vendors/${v.artifact}/`).join(', ')} (${vendorFileCount(vendors)} file(s)).`
    : '';
  setText(bundleStatus, `${from}${found} file(s) of the bundle sorted into their boxes below.${vendorText}${ignored.length ? ` Ignored, not files of a certificate bundle: ${listed}.` : ''}${missing}`);
  onChange();
}

export function clearAll(): void {
  for (const slot of FILE_SLOTS) delete chosen[slot];
  proofs = [];
  ignored = [];
  vendors = [];
  exhibit = undefined;
  for (const slot of [...FILE_SLOTS, 'proof', 'exhibit'] as const) render(slot);
  bundleStatus.textContent = '';
  onChange();
}

export function wireSlots(changed: () => void): void {
  onChange = changed;
  for (const slot of FILE_SLOTS) {
    const input = byId<HTMLInputElement>(`file-${slot}`);
    input.addEventListener('change', () => chooseSlot(slot, input.files?.[0]));
  }
  const proofInput = byId<HTMLInputElement>('file-proof');
  proofInput.addEventListener('change', () => chooseProofs([...(proofInput.files ?? [])].map((file) => ({ name: file.name, file }))));
  const exhibitPicker = byId<HTMLInputElement>('file-exhibit');
  exhibitPicker.addEventListener('change', () => chooseExhibit(exhibitPicker.files?.[0]));
  for (const button of document.querySelectorAll<HTMLButtonElement>('.slot button.clear[data-clear]')) {
    const slot = button.dataset.clear!;
    if (slot === 'proof') button.addEventListener('click', () => chooseProofs([]));
    else if (slot === 'exhibit') button.addEventListener('click', () => chooseExhibit(undefined));
    else if ((FILE_SLOTS as readonly string[]).includes(slot)) button.addEventListener('click', () => chooseSlot(slot as FileSlot, undefined));
  }
}
