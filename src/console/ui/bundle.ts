// A certified order's bundle (docs/FORMAT.md section 10), fetched file by
// file from the API as `shredproof order fetch` does, then (a) checked with
// the offline verifier page's own code and (b) offered as one .tar file,
// which `tar -xf` turns back into the directory `shredproof verify --bundle`
// reads.
import { ARTIFACT_NAME_RE, ARTIFACT_NAME_RULE, base64Decode, vendorBundleDir } from '@shredproof/verify';
import { ApiError } from '../../client/api-client.js';
import { BUNDLE_NAMES, type BundleInput, FILE_SLOTS, MAX_VENDOR_DEPTH } from '../../verifier-page/protocol.js';
import { api } from './api.js';

export interface FetchedBundle {
  /** Every file by its path in the bundle, vendors' bundles included. */
  files: Map<string, Uint8Array>;
  input: BundleInput;
  /**
   * Why a vendor's bundle a certificate names was not fetched: a name that is
   * no artifact name (ARTIFACT_NAME_RE) would be a directory of the bundle
   * such as `..`, so it is skipped, and the verifier, which checks every name
   * of the statement, reports the certificate.
   */
  skipped: string[];
}

interface Envelope {
  keyid?: string;
  certificateId?: string;
  /** The artifacts the statement says vendors held: each has a bundle of its own in vendors/<artifact>/. */
  held: string[];
}

/** What a certificate envelope names, unverified; nothing for what is no envelope (the verifier says so). */
function envelopeIds(certificate: Uint8Array): Envelope {
  try {
    const envelope = JSON.parse(new TextDecoder().decode(certificate)) as { payload?: unknown; signatures?: Array<{ keyid?: unknown }> };
    const statement = JSON.parse(new TextDecoder().decode(base64Decode(String(envelope.payload)))) as { certificateId?: unknown; derivedArtifacts?: Array<{ name?: unknown; disposition?: unknown }> };
    const keyid = envelope.signatures?.[0]?.keyid;
    const held = (Array.isArray(statement.derivedArtifacts) ? statement.derivedArtifacts : []).filter((a) => a?.disposition === 'held-by-vendor' && typeof a.name === 'string').map((a) => a.name as string);
    return { ...(typeof keyid === 'string' ? { keyid } : {}), ...(typeof statement.certificateId === 'string' ? { certificateId: statement.certificateId } : {}), held };
  } catch {
    return { held: [] };
  }
}

async function bytesOr404(get: () => Promise<Response>): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await (await get()).arrayBuffer());
  } catch (e) {
    if (e instanceof ApiError && (e.code === 'NOT_FOUND' || e.code === 'NO_LIST')) return undefined;
    throw e;
  }
}

const orderPath = (id: string) => `/v1/orders/${encodeURIComponent(id)}`;
const ndjson = { accept: 'application/x-ndjson, application/problem+json' };

/** Our bundle's own files, by their names in it. */
async function ownFiles(id: string): Promise<Map<string, Uint8Array>> {
  const c = api();
  const files = new Map<string, Uint8Array>();
  const certificate = await bytesOr404(() => c.request('GET', `${orderPath(id)}/certificate`));
  if (!certificate) throw new Error(`the server has no certificate for ${id}`);
  const put = (name: string, b: Uint8Array | undefined) => void (b && files.set(name, b));
  put(BUNDLE_NAMES.certificate, certificate);
  put(BUNDLE_NAMES.records, await bytesOr404(() => c.request('GET', `${orderPath(id)}/records`, ndjson)));
  for (const list of ['retained', 'exceptions', 'rescan'] as const) put(BUNDLE_NAMES[list], await bytesOr404(() => c.request('GET', `${orderPath(id)}/lists/${list}`, ndjson)));
  put(BUNDLE_NAMES.order, await bytesOr404(() => c.request('GET', `${orderPath(id)}/order.json`)));
  put(BUNDLE_NAMES.trust, await bytesOr404(() => c.request('GET', '/v1/trust.json')));
  // Unverified here: the key id and certificate id only say which key file and which receipt to fetch; the verifier checks them.
  const { keyid, certificateId } = envelopeIds(certificate);
  if (keyid) put(BUNDLE_NAMES.publicKey, new TextEncoder().encode(await c.keyPem(keyid)));
  if (certificateId) {
    const receipt = await c.logReceipt(certificateId);
    if (receipt !== undefined) put(BUNDLE_NAMES.receipt, new TextEncoder().encode(receipt));
  }
  return files;
}

/**
 * The artifacts `held` names (read from an unverified certificate) that are
 * artifact names, hence directory names; each other is named in `skipped`.
 * `where` is the directory of the certificate in our bundle ('' for ours).
 */
function artifactsOnly(held: string[], where: string, skipped: string[]): string[] {
  return held.filter((name) => {
    if (ARTIFACT_NAME_RE.test(name)) return true;
    skipped.push(`${where}${BUNDLE_NAMES.certificate} names ${JSON.stringify(name)} as an artifact held by a vendor: that is not an artifact name (${ARTIFACT_NAME_RULE}), so its vendor's bundle is not fetched`);
    return false;
  });
}

/** The vendors' bundles our bundle carries, vendors of vendors included, each file under its path in ours; `skipped` gets each one not fetched and why. */
async function vendorFiles(id: string, files: Map<string, Uint8Array>, skipped: string[]): Promise<void> {
  const c = api();
  const queue = artifactsOnly(envelopeIds(files.get(BUNDLE_NAMES.certificate)!).held, '', skipped).map((artifact) => ({ artifact, prefix: '', depth: 1 }));
  for (let b = queue.shift(); b; b = queue.shift()) {
    const inOurs = `${vendorBundleDir(b.artifact)}/${b.prefix}`;
    for (const name of Object.values(BUNDLE_NAMES)) {
      const body = await bytesOr404(() => c.request('GET', `${orderPath(id)}/vendors/${encodeURIComponent(b!.artifact)}/${encodeURIComponent(b!.prefix + name)}`, { accept: 'application/octet-stream, application/problem+json' }));
      if (body) files.set(inOurs + name, body);
    }
    const certificate = files.get(inOurs + BUNDLE_NAMES.certificate);
    if (certificate && b.depth < MAX_VENDOR_DEPTH) {
      for (const inner of artifactsOnly(envelopeIds(certificate).held, inOurs, skipped)) queue.push({ artifact: b.artifact, prefix: `${b.prefix}${vendorBundleDir(inner)}/`, depth: b.depth + 1 });
    }
  }
}

/** The verifier page's input for the files under `prefix`: as dropping the bundle's folder on that page sorts it. */
function inputOf(files: Map<string, Uint8Array>, prefix = ''): BundleInput {
  const input: BundleInput = { proofs: [], ignored: [], vendors: [] };
  for (const slot of FILE_SLOTS) {
    const b = files.get(prefix + BUNDLE_NAMES[slot]);
    if (b) input[slot] = new File([b.slice()], BUNDLE_NAMES[slot]);
  }
  const vendors = new Set<string>();
  for (const path of files.keys()) {
    const m = /^vendors\/([^/]+)\//.exec(path.slice(prefix.length));
    if (path.startsWith(prefix) && m) vendors.add(m[1]!);
  }
  for (const dir of vendors) input.vendors.push({ artifact: dir, bundle: inputOf(files, `${prefix}vendors/${dir}/`) });
  return input;
}

export async function fetchBundle(id: string): Promise<FetchedBundle> {
  const files = await ownFiles(id);
  const skipped: string[] = [];
  await vendorFiles(id, files, skipped);
  return { files, input: inputOf(files), skipped };
}

const USTAR_NAME = 100;
const USTAR_PREFIX = 155;
const SLASH = 0x2f;
/** The largest size ustar's 12-byte octal field holds (8 GiB - 1). */
const MAX_ENTRY_SIZE = 0o77777777777;

/**
 * Where a ustar header can keep `path` (its UTF-8 bytes): in the name field
 * alone (up to 100 bytes), or cut at a '/' into prefix (up to 155 bytes) and
 * name (up to 100 bytes); undefined when no '/' gives both. A '/' is one byte
 * in UTF-8 and never part of another character's bytes, so a cut there keeps
 * every character whole.
 */
export function ustarSplit(path: Uint8Array): { prefix: Uint8Array; name: Uint8Array } | undefined {
  if (path.length <= USTAR_NAME) return { prefix: path.subarray(0, 0), name: path };
  // The first '/' leaving a name of at most 100 bytes leaves the shortest prefix: if that prefix is too long, every other is.
  for (let at = Math.max(1, path.length - USTAR_NAME - 1); at < path.length - 1; at++) {
    if (path[at] === SLASH) return at <= USTAR_PREFIX ? { prefix: path.subarray(0, at), name: path.subarray(at + 1) } : undefined;
  }
  return undefined;
}

/** The first `max` bytes of UTF-8 `b` or fewer, cut before a character, never inside one. */
function utf8Head(b: Uint8Array, max: number): Uint8Array {
  let end = Math.min(b.length, max);
  while (end > 0 && end < b.length && (b[end]! & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

/** What is wrong with `path` as the place of a file in the archive, or undefined: it must stay inside the archive's directory. */
function tarPathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'has a NUL character';
  if (path.startsWith('/')) return 'is absolute';
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..')) return 'has an empty, . or .. segment';
  return undefined;
}

/**
 * A pax extended header record (POSIX.1-2001, pax "ustar Interchange Format"):
 * `<length> <keyword>=<value>\n`, the length in decimal counting the whole
 * record in bytes, its own digits included.
 */
function paxRecord(keyword: string, value: string): Uint8Array {
  const enc = new TextEncoder();
  const rest = enc.encode(` ${keyword}=${value}\n`);
  let n = rest.length;
  while (String(n).length + rest.length !== n) n = String(n).length + rest.length;
  const record = new Uint8Array(n);
  record.set(enc.encode(String(n)));
  record.set(rest, n - rest.length);
  return record;
}

/**
 * A POSIX ustar archive of `files` under the directory `root`, read by `tar
 * -xf` and Python's tarfile alike. A path ustar can hold (up to 255 bytes of
 * UTF-8, cut at a '/' into a prefix of at most 155 bytes and a name of at
 * most 100) is in the file's header alone; a longer one, or one with no such
 * cut, is in a pax extended header (typeflag 'x', its `path` record) before
 * the file's header, as POSIX.1-2001 specifies. Every path must stay inside
 * `root`: one with an empty, `.` or `..` segment is refused.
 */
export function tar(root: string, files: Map<string, Uint8Array>, mtime = Math.floor(Date.now() / 1000)): Blob {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0');
  const put = (h: Uint8Array, at: number, len: number, value: string | Uint8Array) => h.set((typeof value === 'string' ? enc.encode(value) : value).subarray(0, len), at);
  const entry = (path: { prefix: Uint8Array; name: Uint8Array }, type: '0' | 'x', body: Uint8Array) => {
    if (body.length > MAX_ENTRY_SIZE) throw new Error(`a file of ${body.length} bytes is too large for a tar file (at most ${MAX_ENTRY_SIZE})`);
    const h = new Uint8Array(512);
    put(h, 0, 100, path.name);
    put(h, 100, 8, octal(0o644, 8));
    put(h, 108, 8, octal(0, 8));
    put(h, 116, 8, octal(0, 8));
    put(h, 124, 12, octal(body.length, 12));
    put(h, 136, 12, octal(mtime, 12));
    h.fill(0x20, 148, 156); // the checksum counts its own field as spaces
    put(h, 156, 1, type);
    put(h, 257, 6, 'ustar\0');
    put(h, 263, 2, '00');
    put(h, 345, 155, path.prefix);
    put(h, 148, 8, `${octal(h.reduce((a, x) => a + x, 0), 7)}\0`);
    parts.push(h, body, new Uint8Array((512 - (body.length % 512)) % 512));
  };
  let paxHeaders = 0;
  for (const [path, body] of files) {
    const full = `${root}/${path}`;
    const problem = tarPathProblem(full);
    if (problem) throw new Error(`the path ${JSON.stringify(full)} ${problem}: a file of the bundle must stay inside its directory`);
    const bytes = enc.encode(full);
    const split = ustarSplit(bytes);
    if (split) {
      entry(split, '0', body);
      continue;
    }
    // The pax header's own name is for readers that do not know pax, which extract it as a file: inside root too.
    const paxName = ustarSplit(enc.encode(`${root}/PaxHeaders/${++paxHeaders}`));
    if (!paxName) throw new Error(`the directory name ${JSON.stringify(root)} is too long for a tar file`);
    entry(paxName, 'x', paxRecord('path', full));
    entry({ prefix: new Uint8Array(0), name: utf8Head(bytes, USTAR_NAME) }, '0', body);
  }
  parts.push(new Uint8Array(1024)); // two zero blocks end the archive
  return new Blob(parts.map((p) => p.slice()), { type: 'application/x-tar' });
}
