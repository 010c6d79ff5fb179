// `shredproof order fetch <id> --out DIR`: the certificate bundle of a
// certified order (docs/FORMAT.md section 10), ready for
// `shredproof verify --bundle DIR`: certificate.json, records.ndjson, the list
// files of a version 2 certificate, order.json, trust.json and public-key.pem,
// and vendors/<artifact>/ for each derived artifact the statement says a
// vendor held: the vendor's own bundle, with vendors/<name>/ for each of its
// own vendors as its statement says, and so on: the whole tree the verifier
// checks recursively.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { base64Decode, RECEIPT_FILE, vendorBundleDir } from '@shredproof/verify';
import type { Command } from 'commander';
import { VENDOR_BUNDLE_FILES, vendorBundlePathProblem } from '../../../app/vendor-certificates.js';
import type { ShredproofClient } from '../../../client/api-client.js';
import { CliExit, type CliContext, EXIT_INVALID } from '../../context.js';
import { type Common, common, print, run, usage, writeNew } from './shared.js';

const LISTS = ['retained', 'exceptions', 'rescan'] as const;
const FILES = ['certificate.json', 'records.ndjson', ...LISTS.map((l) => `${l}.ndjson`), 'order.json', 'trust.json', 'public-key.pem', RECEIPT_FILE];

const fromWeb = (s: ReadableStream<Uint8Array>) => Readable.fromWeb(s as NodeReadableStream<Uint8Array>);

/** The envelope's key id and the names of the artifacts its statement says vendors held; undefined when it is no signed envelope. Unverified: `verify --bundle` checks them. */
function readEnvelope(certificate: string): { keyid: string; certificateId: unknown; held: unknown[] } | undefined {
  try {
    const envelope = JSON.parse(certificate) as { payload?: unknown; signatures?: Array<{ keyid?: unknown }> };
    const keyid = envelope.signatures?.[0]?.keyid;
    if (typeof keyid !== 'string') return undefined;
    const statement = JSON.parse(new TextDecoder().decode(base64Decode(String(envelope.payload)))) as { derivedArtifacts?: unknown; certificateId?: unknown };
    const entries = Array.isArray(statement.derivedArtifacts) ? (statement.derivedArtifacts as Array<{ name?: unknown; disposition?: unknown } | null>) : [];
    return { keyid, certificateId: statement.certificateId, held: entries.filter((e) => e?.disposition === 'held-by-vendor').map((e) => e!.name) };
  } catch {
    return undefined;
  }
}

/**
 * A vendor's bundle that ours carries: `artifact`, the held-by-vendor artifact of our statement whose
 * vendors/<artifact>/ it is in, and `prefix`, its place in that vendor's bundle ('' for the vendor's own bundle,
 * vendors/<name>/ for one of its vendors', and so on): each of its files is GET .../vendors/{artifact}/{prefix}{file}.
 */
interface VendorBundle {
  artifact: string;
  prefix: string;
  /** Its certificate.json, byte for byte, when the server has one: read to find the bundle's own vendors. */
  certificate?: Uint8Array;
}

/** The bundle's directory in ours. */
const inOurs = (b: Pick<VendorBundle, 'artifact' | 'prefix'>) => `${vendorBundleDir(b.artifact)}/${b.prefix}`;

/**
 * Every vendor's bundle that our bundle carries, as the statements say: for each artifact our statement says a
 * vendor held, the vendor's bundle; then, read from its certificate.json, each bundle of its own vendors, and so on.
 * The names are the server's and become paths here and in URLs: each path is held to the rule of the API's {file}
 * (vendorBundlePathProblem: an artifact name, nested no deeper than verifiers follow), refused otherwise before
 * anything is written. Certificates are not verified here: `verify --bundle` checks them all.
 */
async function findVendorBundles(client: ShredproofClient, id: string, held: unknown[]): Promise<VendorBundle[]> {
  const found: Array<Omit<VendorBundle, 'certificate'>> = [];
  const take = (names: unknown[], where: string, under?: Omit<VendorBundle, 'certificate'>) => {
    for (const name of names) {
      const refuse = (why: string) => new CliExit(EXIT_INVALID, `order fetch: ${where} names a held-by-vendor artifact ${JSON.stringify(name)} that cannot be fetched: ${why}`);
      if (typeof name !== 'string') throw refuse('its name is not a string');
      // Ours: vendors/<name>/ of our bundle, {artifact} of the API. One of a vendor's: a path in that vendor's bundle, {file}.
      const b = under ? { artifact: under.artifact, prefix: `${under.prefix}${vendorBundleDir(name)}/` } : { artifact: name, prefix: '' };
      const [path, inside] = under ? [`${b.prefix}certificate.json`, ` in ${vendorBundleDir(b.artifact)}/`] : [`${vendorBundleDir(name)}/certificate.json`, ''];
      const problem = vendorBundlePathProblem(path);
      if (problem !== undefined) throw refuse(`its certificate's path${inside}, ${path}, ${problem}`);
      if (!found.some((f) => inOurs(f) === inOurs(b))) found.push(b);
    }
  };
  take(held, `the server's certificate for ${id}`);
  const bundles: VendorBundle[] = [];
  // `found` grows as each certificate names its bundle's vendors, each a level deeper: the path rule stops them.
  for (let i = 0; i < found.length; i++) {
    const b = found[i]!;
    const body = await client.vendorBundleFile(id, b.artifact, `${b.prefix}certificate.json`);
    const certificate = body ? new Uint8Array(await new Response(body).arrayBuffer()) : undefined;
    bundles.push(certificate ? { ...b, certificate } : b);
    // A vendor's certificate that is missing or no envelope names no vendors; `verify --bundle` reports it.
    const inner = certificate && readEnvelope(new TextDecoder().decode(certificate));
    if (inner) take(inner.held, `the server's ${inOurs(b)}certificate.json of ${id}`, b);
  }
  return bundles;
}

export function registerFetch(order: Command, ctx: CliContext): void {
  common(order.command('fetch <id>'))
    .description('download the certificate bundle of a certified order into a directory (certificate, records, lists, order.json, trust.json, public key, vendors\' bundles), for `shredproof verify --bundle`')
    .requiredOption('--out <dir>', 'where to write them')
    .option('--force', 'overwrite files that exist')
    .action((id: string, opts: Common & { out: string; force?: boolean }) =>
      run('fetch', opts, ctx, async (client) => {
        const dir = resolve(opts.out);
        const force = opts.force === true;
        const refuseExisting = (files: string[]) => {
          if (!force) for (const f of files) if (existsSync(join(dir, f))) throw usage('fetch', `${join(dir, f)} exists; choose another --out or give --force`);
        };
        refuseExisting(FILES);
        const certificate = await client.certificate(id);
        const envelope = readEnvelope(certificate);
        if (!envelope) throw new CliExit(EXIT_INVALID, `order fetch: the server's certificate for ${id} is not a signed envelope`);
        const { keyid } = envelope;
        const vendors = await findVendorBundles(client, id, envelope.held);
        refuseExisting(vendors.flatMap((b) => VENDOR_BUNDLE_FILES.map((f) => `${inOurs(b)}${f}`)));
        const pem = await client.keyPem(keyid);
        const trust = await client.trustRoot();
        await mkdir(dir, { recursive: true });
        const written: string[] = [];
        const put = async (name: string, data: string | Uint8Array | NodeJS.ReadableStream) => {
          await writeNew(join(dir, name), data, force);
          written.push(name);
        };
        await put('records.ndjson', fromWeb(await client.records(id)));
        for (const list of LISTS) {
          const body = await client.listFile(id, list);
          if (body) await put(`${list}.ndjson`, fromWeb(body));
        }
        await put('order.json', await client.orderDocument(id));
        await put('trust.json', trust);
        await put('public-key.pem', pem);
        // The newest receipt from the server's transparency log, when it keeps one (section 12.5).
        const receipt = typeof envelope.certificateId === 'string' ? await client.logReceipt(envelope.certificateId) : undefined;
        if (receipt !== undefined) await put(RECEIPT_FILE, receipt);
        // The vendors' bundles, vendors of vendors included, each file the certificate carries (order.json and
        // public-key.pem are optional in them); each certificate.json as it was read.
        for (const b of vendors) {
          await mkdir(join(dir, inOurs(b)), { recursive: true });
          for (const f of VENDOR_BUNDLE_FILES) {
            if (f === 'certificate.json') {
              if (b.certificate) await put(`${inOurs(b)}${f}`, b.certificate);
              continue;
            }
            const body = await client.vendorBundleFile(id, b.artifact, `${b.prefix}${f}`);
            if (body) await put(`${inOurs(b)}${f}`, fromWeb(body));
          }
        }
        await put('certificate.json', certificate);
        print(ctx, opts, { orderId: id, keyid, dir, files: written }, () => [
          `wrote ${written.join(', ')} into ${dir} (signing key ${keyid})`,
          'the key and the trust root came from the same server: pin the key id (or the trust root\'s SHA-256) published out of band, then check:',
          `shredproof verify --bundle ${dir} --keyid <the published key id>`,
        ]);
      }),
    );
}
