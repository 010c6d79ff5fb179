// A certified order's bundle (docs/FORMAT.md section 10), fetched file by
// file from the API as `shredproof order fetch` does, then (a) checked with
// the offline verifier page's own code and (b) offered as one .tar file,
// which `tar -xf` turns back into the directory `shredproof verify --bundle`
// reads.
import { base64Decode, vendorBundleDir } from '@shredproof/verify';
import { ApiError } from '../../client/api-client.js';
import { BUNDLE_NAMES, type BundleInput, FILE_SLOTS, MAX_VENDOR_DEPTH } from '../../verifier-page/protocol.js';
import { api } from './api.js';

export interface FetchedBundle {
  /** Every file by its path in the bundle, vendors' bundles included. */
  files: Map<string, Uint8Array>;
  input: BundleInput;
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

/** The vendors' bundles our bundle carries, vendors of vendors included, each file under its path in ours. */
async function vendorFiles(id: string, files: Map<string, Uint8Array>): Promise<void> {
  const c = api();
  const queue = envelopeIds(files.get(BUNDLE_NAMES.certificate)!).held.map((artifact) => ({ artifact, prefix: '', depth: 1 }));
  for (let b = queue.shift(); b; b = queue.shift()) {
    const inOurs = `${vendorBundleDir(b.artifact)}/${b.prefix}`;
    for (const name of Object.values(BUNDLE_NAMES)) {
      const body = await bytesOr404(() => c.request('GET', `${orderPath(id)}/vendors/${encodeURIComponent(b!.artifact)}/${encodeURIComponent(b!.prefix + name)}`, { accept: 'application/octet-stream, application/problem+json' }));
      if (body) files.set(inOurs + name, body);
    }
    const certificate = files.get(inOurs + BUNDLE_NAMES.certificate);
    if (certificate && b.depth < MAX_VENDOR_DEPTH) {
      for (const inner of envelopeIds(certificate).held) queue.push({ artifact: b.artifact, prefix: `${b.prefix}${vendorBundleDir(inner)}/`, depth: b.depth + 1 });
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
  await vendorFiles(id, files);
  return { files, input: inputOf(files) };
}

/** A POSIX ustar archive of `files` under the directory `root` (names up to 255 bytes, as ustar allows). */
export function tar(root: string, files: Map<string, Uint8Array>, mtime = Math.floor(Date.now() / 1000)): Blob {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const field = (h: Uint8Array, at: number, len: number, value: string) => h.set(enc.encode(value).subarray(0, len), at);
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0');
  for (const [path, body] of files) {
    const full = `${root}/${path}`;
    // ustar keeps a long path as prefix/name: cut at the first '/' that leaves a name of at most 100 bytes.
    const cut = enc.encode(full).length > 100 ? full.indexOf('/', full.length - 101) : -1;
    const [prefix, name] = cut > 0 ? [full.slice(0, cut), full.slice(cut + 1)] : ['', full];
    if (enc.encode(name).length > 100 || enc.encode(prefix).length > 155) throw new Error(`the path ${full} is too long for a tar file`);
    const h = new Uint8Array(512);
    field(h, 0, 100, name);
    field(h, 100, 8, octal(0o644, 8));
    field(h, 108, 8, octal(0, 8));
    field(h, 116, 8, octal(0, 8));
    field(h, 124, 12, octal(body.length, 12));
    field(h, 136, 12, octal(mtime, 12));
    h.fill(0x20, 148, 156); // the checksum counts its own field as spaces
    field(h, 156, 1, '0');
    field(h, 257, 6, 'ustar\0');
    field(h, 263, 2, '00');
    field(h, 345, 155, prefix);
    field(h, 148, 8, `${octal(h.reduce((a, x) => a + x, 0), 7)}\0`);
    parts.push(h, body, new Uint8Array((512 - (body.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024)); // two zero blocks end the archive
  return new Blob(parts.map((p) => p.slice()), { type: 'application/x-tar' });
}
