// `shredproof order fetch <id> --out DIR`: certificate.json, records.ndjson
// and public-key.pem of a certified order, ready for `shredproof verify`.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { CliExit, type CliContext, EXIT_INVALID } from '../../context.js';
import { type Common, common, print, run, usage, writeNew } from './shared.js';

export function registerFetch(order: Command, ctx: CliContext): void {
  common(order.command('fetch <id>'))
    .description('download certificate.json, records.ndjson and public-key.pem of a certified order into a directory, for `shredproof verify`')
    .requiredOption('--out <dir>', 'where to write them')
    .option('--force', 'overwrite files that exist')
    .action((id: string, opts: Common & { out: string; force?: boolean }) =>
      run('fetch', opts, ctx, async (client) => {
        const dir = resolve(opts.out);
        const files = { certificate: join(dir, 'certificate.json'), records: join(dir, 'records.ndjson'), publicKey: join(dir, 'public-key.pem') };
        if (!opts.force) for (const f of Object.values(files)) if (existsSync(f)) throw usage('fetch', `${f} exists; choose another --out or give --force`);
        const certificate = await client.certificate(id);
        let keyid: string | undefined;
        try {
          keyid = (JSON.parse(certificate) as { signatures?: Array<{ keyid?: unknown }> }).signatures?.[0]?.keyid as string | undefined;
        } catch {
          // reported below
        }
        if (typeof keyid !== 'string') throw new CliExit(EXIT_INVALID, `order fetch: the server's certificate for ${id} is not a signed envelope`);
        const pem = await client.keyPem(keyid);
        await mkdir(dir, { recursive: true });
        await writeNew(files.records, Readable.fromWeb((await client.records(id)) as NodeReadableStream<Uint8Array>), opts.force === true);
        await writeNew(files.certificate, certificate, opts.force === true);
        await writeNew(files.publicKey, pem, opts.force === true);
        print(ctx, opts, { orderId: id, keyid, files }, () => [
          `wrote ${files.certificate}, records.ndjson, public-key.pem (keyid ${keyid})`,
          'the key came from the same server: compare its keyid with the one published out of band, then check:',
          `shredproof verify --certificate ${files.certificate} --public-key ${files.publicKey} --records ${files.records}`,
        ]);
      }),
    );
}
