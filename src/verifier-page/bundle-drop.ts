// A certificate bundle (docs/FORMAT.md section 10) dropped on the page or
// chosen with a picker, sorted into its files by name as `shredproof verify
// --bundle DIR` reads a directory: certificate.json, records.ndjson, the
// three lists, order.json, trust.json and public-key.pem at the top,
// proofs/*.json below, and a vendor's own bundle in vendors/<artifact>/,
// sorted the same way (docs/FORMAT.md section 5.10); anything else is listed
// as ignored, never guessed at.
import { type BundleInput, BUNDLE_NAMES, FILE_SLOTS, type FileSlot, type NamedFile, type VendorBundleInput } from './protocol.js';

/** A file and its path inside what was dropped or chosen, '/'-separated. */
export interface PathFile {
  path: string;
  file: File;
}

export interface SortedBundle {
  /** The folder the files came in, when they came in one. */
  folder?: string;
  slots: Partial<Record<FileSlot, File>>;
  proofs: NamedFile[];
  ignored: string[];
  vendors: VendorBundleInput[];
}

// The File System Access API's handles, as far as the page uses them (TypeScript's DOM library lacks their async iteration).
interface Handle {
  kind: 'file' | 'directory';
  name: string;
}
interface FileHandle extends Handle {
  getFile(): Promise<File>;
}
interface DirectoryHandle extends Handle {
  values(): AsyncIterable<Handle>;
}
type HandleItem = DataTransferItem & { getAsFileSystemHandle?(): Promise<Handle | null> };

async function walkHandle(h: Handle, prefix: string, out: PathFile[]): Promise<void> {
  if (h.kind === 'file') out.push({ path: prefix + h.name, file: await (h as FileHandle).getFile() });
  else for await (const child of (h as DirectoryHandle).values()) await walkHandle(child, `${prefix}${h.name}/`, out);
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: PathFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: prefix + entry.name, file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (100 in Chromium) until an empty one.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) await walkEntry(child, `${prefix}${entry.name}/`, out);
  }
}

/**
 * The files of a drop, folders walked. Chromium's getAsFileSystemHandle
 * reads a dropped folder from a page opened from file:// (its
 * webkitGetAsEntry does not there); other browsers have webkitGetAsEntry.
 * Every item is taken during the drop event, as a DataTransfer is emptied
 * after it.
 */
export async function droppedFiles(dt: DataTransfer): Promise<PathFile[]> {
  const items = [...dt.items].filter((i) => i.kind === 'file') as HandleItem[];
  const taken = items.map((item): { handle?: Promise<Handle | null>; entry: FileSystemEntry | null; file: File | null } => {
    if (item.getAsFileSystemHandle) return { handle: item.getAsFileSystemHandle(), entry: null, file: item.getAsFile() };
    return { entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() };
  });
  const out: PathFile[] = [];
  for (const t of taken) {
    const handle = t.handle ? await t.handle.catch(() => null) : null;
    if (handle) await walkHandle(handle, '', out);
    else if (t.entry) await walkEntry(t.entry, '', out);
    else if (t.file) out.push({ path: t.file.name, file: t.file });
  }
  return out;
}

/** The files of a picker; a folder picker gives each its path below the chosen folder. */
export function chosenFiles(input: HTMLInputElement): PathFile[] {
  return [...(input.files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

const SLOT_OF_NAME = new Map(FILE_SLOTS.map((s) => [BUNDLE_NAMES[s], s]));
const PROOF = /^proofs\/[^/]+\.json$/;
const VENDOR = /^vendors\/([^/]+)\/(.+)$/;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The files of one bundle, paths relative to it; a vendor's bundle inside it in turn (how deep is checked when verifying). */
function sortInside(files: readonly PathFile[]): Omit<SortedBundle, 'folder'> {
  const sorted: Omit<SortedBundle, 'folder'> = { slots: {}, proofs: [], ignored: [], vendors: [] };
  const vendorFiles = new Map<string, PathFile[]>();
  for (const { path, file } of files) {
    const slot = SLOT_OF_NAME.get(path);
    const vendor = VENDOR.exec(path);
    if (slot && !sorted.slots[slot]) sorted.slots[slot] = file;
    else if (PROOF.test(path)) sorted.proofs.push({ name: path, file });
    else if (vendor) vendorFiles.set(vendor[1]!, [...(vendorFiles.get(vendor[1]!) ?? []), { path: vendor[2]!, file }]);
    else sorted.ignored.push(path);
  }
  sorted.proofs.sort((a, b) => byName(a.name, b.name));
  sorted.ignored.sort();
  sorted.vendors = [...vendorFiles.keys()].sort(byName).map((artifact) => ({ artifact, bundle: bundleOf(sortInside(vendorFiles.get(artifact)!)) }));
  return sorted;
}

/** A sorted bundle as the worker takes it. */
export function bundleOf(sorted: Omit<SortedBundle, 'folder'>): BundleInput {
  return { ...sorted.slots, proofs: sorted.proofs, ignored: sorted.ignored, vendors: sorted.vendors };
}

/** How many files a bundle's vendor bundles hold, theirs included. */
export function vendorFileCount(vendors: readonly VendorBundleInput[]): number {
  return vendors.reduce((n, { bundle: b }) => n + FILE_SLOTS.filter((s) => b[s]).length + b.proofs.length + b.ignored.length + vendorFileCount(b.vendors), 0);
}

/**
 * Sorts files into a bundle. A dropped or chosen folder arrives as
 * "<folder>/certificate.json": when every path starts with the same folder
 * and that folder holds files of a bundle, that folder is the bundle (a
 * dropped proofs/ folder stays proofs/).
 */
export function sortBundle(files: readonly PathFile[]): SortedBundle {
  const top = files[0]?.path.split('/')[0];
  const inside = top !== undefined && files.every((f) => f.path.startsWith(`${top}/`)) ? files.map((f) => f.path.slice(top.length + 1)) : undefined;
  const isBundlePath = (path: string) => SLOT_OF_NAME.has(path) || PROOF.test(path) || VENDOR.test(path);
  const oneFolder = inside !== undefined && inside.some(isBundlePath);
  const sorted = sortInside(oneFolder ? files.map((f, i) => ({ path: inside[i]!, file: f.file })) : files);
  return oneFolder ? { folder: top, ...sorted } : sorted;
}
