// `shredproof order fetch <id> --out DIR`: the certificate bundle of a
// certified order (docs/FORMAT.md section 10), ready for
// `shredproof verify --bundle DIR`: certificate.json, records.ndjson, the list
// files of a version 2 certificate, order.json, trust.json and public-key.pem,
// and vendors/<artifact>/ for each derived artifact the statement says a
// vendor held: the vendor's own bundle, which the verifier checks recursively.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { base64Decode, vendorBundleDir } from '@shredproof/verify';
import type { Command } from 'commander';
import { VENDOR_BUNDLE_FILES } from '../../../app/vendor-certificates.js';
import { CliExit, type CliContext, EXIT_INVALID } from '../../context.js';
import { type Common, common, print, run, usage, writeNew } from './shared.js';

const LISTS = ['retained', 'exceptions', 'rescan'] as const;
const FILES = ['certificate.json', 'records.ndjson', ...LISTS.map((l) => `${l}.ndjson`), 'order.json', 'trust.json', 'public-key.pem'];
/** An artifact's name (docs/ORDERS.md section 7): no '/', and not '.' or '..', so vendors/<name>/ stays inside the bundle. */
const ARTIFACT_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

const fromWeb = (s: ReadableStream<Uint8Array>) => Readable.fromWeb(s as NodeReadableStream<Uint8Array>);

/** The envelope's key id and the artifacts its statement says vendors held. Unverified: `verify --bundle` checks them. */
function readEnvelope(id: string, certificate: string): { keyid: string; vendors: string[] } {
  let keyid: unknown;
  let vendors: string[] = [];
  try {
    const envelope = JSON.parse(certificate) as { payload?: unknown; signatures?: Array<{ keyid?: unknown }> };
    keyid = envelope.signatures?.[0]?.keyid;
    const statement = JSON.parse(new TextDecoder().decode(base64Decode(String(envelope.payload)))) as { derivedArtifacts?: Array<{ name?: unknown; disposition?: unknown }> };
    vendors = (statement.derivedArtifacts ?? []).filter((e) => e.disposition === 'held-by-vendor').map((e) => String(e.name));
  } catch {
    // reported below
  }
  if (typeof keyid !== 'string') throw new CliExit(EXIT_INVALID, `order fetch: the server's certificate for ${id} is not a signed envelope`);
  const bad = vendors.find((n) => !ARTIFACT_NAME.test(n));
  if (bad !== undefined) throw new CliExit(EXIT_INVALID, `order fetch: the server's certificate for ${id} names a held-by-vendor artifact ${JSON.stringify(bad)} that is not an artifact name`);
  return { keyid, vendors };
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
        const { keyid, vendors } = readEnvelope(id, certificate);
        refuseExisting(vendors.flatMap((v) => VENDOR_BUNDLE_FILES.map((f) => `${vendorBundleDir(v)}/${f}`)));
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
        // The vendors' bundles, each file the certificate carries (order.json and public-key.pem are optional in them).
        for (const v of vendors) {
          await mkdir(join(dir, vendorBundleDir(v)), { recursive: true });
          for (const f of VENDOR_BUNDLE_FILES) {
            const body = await client.vendorBundleFile(id, v, f);
            if (body) await put(`${vendorBundleDir(v)}/${f}`, fromWeb(body));
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
