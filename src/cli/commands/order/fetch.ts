// `shredproof order fetch <id> --out DIR`: the certificate bundle of a
// certified order (docs/FORMAT.md section 10), ready for
// `shredproof verify --bundle DIR`: certificate.json, records.ndjson, the list
// files of a version 2 certificate, order.json, trust.json and public-key.pem.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { CliExit, type CliContext, EXIT_INVALID } from '../../context.js';
import { type Common, common, print, run, usage, writeNew } from './shared.js';

const LISTS = ['retained', 'exceptions', 'rescan'] as const;
const FILES = ['certificate.json', 'records.ndjson', ...LISTS.map((l) => `${l}.ndjson`), 'order.json', 'trust.json', 'public-key.pem'];

const fromWeb = (s: ReadableStream<Uint8Array>) => Readable.fromWeb(s as NodeReadableStream<Uint8Array>);

export function registerFetch(order: Command, ctx: CliContext): void {
  common(order.command('fetch <id>'))
    .description('download the certificate bundle of a certified order into a directory (certificate, records, lists, order.json, trust.json, public key), for `shredproof verify --bundle`')
    .requiredOption('--out <dir>', 'where to write them')
    .option('--force', 'overwrite files that exist')
    .action((id: string, opts: Common & { out: string; force?: boolean }) =>
      run('fetch', opts, ctx, async (client) => {
        const dir = resolve(opts.out);
        const force = opts.force === true;
        if (!force) for (const f of FILES) if (existsSync(join(dir, f))) throw usage('fetch', `${join(dir, f)} exists; choose another --out or give --force`);
        const certificate = await client.certificate(id);
        let keyid: string | undefined;
        try {
          keyid = (JSON.parse(certificate) as { signatures?: Array<{ keyid?: unknown }> }).signatures?.[0]?.keyid as string | undefined;
        } catch {
          // reported below
        }
        if (typeof keyid !== 'string') throw new CliExit(EXIT_INVALID, `order fetch: the server's certificate for ${id} is not a signed envelope`);
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
        await put('certificate.json', certificate);
        print(ctx, opts, { orderId: id, keyid, dir, files: written }, () => [
          `wrote ${written.join(', ')} into ${dir} (signing key ${keyid})`,
          'the key and the trust root came from the same server: pin the key id (or the trust root\'s SHA-256) published out of band, then check:',
          `shredproof verify --bundle ${dir} --keyid <the published key id>`,
        ]);
      }),
    );
}
