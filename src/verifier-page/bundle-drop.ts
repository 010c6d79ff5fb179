// A certificate bundle (docs/FORMAT.md section 10) dropped on the page or
// chosen with a picker, sorted into its files by name as `shredproof verify
// --bundle DIR` reads a directory: certificate.json, records.ndjson, the
// three lists, order.json, trust.json and public-key.pem at the top,
// proofs/*.json below; anything else is listed as ignored, never guessed at.
import { BUNDLE_NAMES, FILE_SLOTS, type FileSlot, type NamedFile } from './protocol.js';

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

/**
 * Sorts files into a bundle. A dropped or chosen folder arrives as
 * "<folder>/certificate.json": when every path starts with the same folder
 * and that folder holds files of a bundle, that folder is the bundle (a
 * dropped proofs/ folder stays proofs/).
 */
export function sortBundle(files: readonly PathFile[]): SortedBundle {
  const top = files[0]?.path.split('/')[0];
  const inside = top !== undefined && files.every((f) => f.path.startsWith(`${top}/`)) ? files.map((f) => f.path.slice(top.length + 1)) : undefined;
  const isBundlePath = (path: string) => SLOT_OF_NAME.has(path) || PROOF.test(path);
  const oneFolder = inside !== undefined && inside.some(isBundlePath);
  const sorted: SortedBundle = { slots: {}, proofs: [], ignored: [], ...(oneFolder ? { folder: top } : {}) };
  files.forEach(({ path: full, file }, i) => {
    const path = oneFolder ? inside[i]! : full;
    const slot = SLOT_OF_NAME.get(path);
    if (slot && !sorted.slots[slot]) sorted.slots[slot] = file;
    else if (PROOF.test(path)) sorted.proofs.push({ name: path, file });
    else sorted.ignored.push(path);
  });
  sorted.proofs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  sorted.ignored.sort();
  return sorted;
}
