// `shredproof order attach-vendor-certificate <id> --artifact A --bundle DIR`:
// sends a vendor's certificate bundle for a derived artifact the vendor held
// (docs/ORDERS.md section 7). Each file of the bundle goes up as it is read
// (records.ndjson may be gigabytes), its SHA-256 compared with what the
// server received; then the server verifies the whole bundle against the
// vendor's pinned trust root and attaches it, or refuses it saying why.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { VENDOR_BUNDLE_FILES } from '../../../app/vendor-certificates.js';
import { CliExit, type CliContext, EXIT_INVALID } from '../../context.js';
import { type Common, common, print, run, usage } from './shared.js';

interface AttachOptions extends Common {
  artifact: string;
  bundle: string;
}

/** The files of the bundle in `dir` that a certificate bundle has, in VENDOR_BUNDLE_FILES's order; what else is there is named. */
function bundleFiles(dir: string): { send: string[]; skipped: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw usage('attach-vendor-certificate', `--bundle ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
  }
  if (names.includes('vendors')) {
    throw usage('attach-vendor-certificate', `--bundle ${dir} carries the bundles of the vendor's own vendors (vendors/): the API takes the files of one bundle only, so such a bundle cannot be attached through it`);
  }
  const send = VENDOR_BUNDLE_FILES.filter((f) => names.includes(f) && statSync(join(dir, f)).isFile());
  for (const f of ['certificate.json', 'trust.json']) if (!send.includes(f as never)) throw usage('attach-vendor-certificate', `--bundle ${dir} has no ${f}: give the directory of the vendor's certificate bundle`);
  return { send, skipped: names.filter((n) => !(send as string[]).includes(n)).sort() };
}

export function registerAttachVendor(order: Command, ctx: CliContext): void {
  common(order.command('attach-vendor-certificate <id>'))
    .description("send a vendor's certificate bundle for a derived artifact the vendor held; the server verifies it against the vendor's pinned trust root")
    .requiredOption('--artifact <name>', 'the derived artifact at the vendor, as the plan lists it (order status shows them)')
    .requiredOption('--bundle <dir>', "the vendor's certificate bundle: certificate.json, trust.json, records.ndjson, the list files, order.json")
    .action((id: string, opts: AttachOptions) =>
      run('attach-vendor-certificate', opts, ctx, async (client) => {
        const dir = resolve(opts.bundle);
        const { send, skipped } = bundleFiles(dir);
        if (skipped.length > 0) ctx.err(`not sent, not files of a certificate bundle: ${skipped.join(', ')}`);
        for (const file of send) {
          const hash = createHash('sha256');
          async function* read(): AsyncGenerator<Uint8Array> {
            for await (const chunk of createReadStream(join(dir, file)) as AsyncIterable<Buffer>) {
              hash.update(chunk);
              yield chunk;
            }
          }
          const up = await client.uploadVendorBundleFile(id, opts.artifact, file, read());
          const sent = hash.digest('hex');
          if (up.sha256 !== sent) throw new CliExit(EXIT_INVALID, `order attach-vendor-certificate: the server received ${file} with SHA-256 ${up.sha256}, not the ${sent} sent; send it again`);
          if (!opts.json) ctx.err(`sent ${file} (${up.size} bytes)`);
        }
        const v = await client.attachVendorCertificate(id, opts.artifact);
        print(ctx, opts, v, () => [
          `attached to ${opts.artifact} of ${id}: certificate ${v.certificateId} of ${v.name}, signed by key ${v.keyid}`,
          `  certificate.json SHA-256 ${v.certificateSha256}`,
          `  trust.json SHA-256 ${v.trustSha256}`,
          `next, an approver signs the disposition: shredproof order dispose ${id} --artifact ${opts.artifact} --held-by-vendor --key FILE`,
        ]);
      }),
    );
}
