// `shredproof order attach-vendor-certificate <id> --artifact A --bundle DIR`:
// sends a vendor's certificate bundle for a derived artifact the vendor held
// (docs/ORDERS.md section 7). Each file of the bundle goes up as it is read
// (records.ndjson may be gigabytes), its SHA-256 compared with what the
// server received, the bundles of the vendor's own vendors (vendors/) too,
// each file under its path in the bundle; then the server verifies the whole
// bundle against the vendor's pinned trust root and attaches it, or refuses
// it saying why.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type VendorStatus, vendorBundleEntries } from '../../../app/vendor-certificates.js';
import { CliExit, type CliContext, EXIT_INVALID } from '../../context.js';
import { type Common, common, print, run, usage } from './shared.js';

interface AttachOptions extends Common {
  artifact: string;
  bundle: string;
}

/** The files of the bundle in `dir` that a certificate bundle has, by their paths in it (vendors/ included); what else is there is named. */
function bundleFiles(dir: string): { send: string[]; skipped: string[] } {
  let entries;
  try {
    entries = vendorBundleEntries(dir);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw usage('attach-vendor-certificate', `--bundle ${dir}: ${err.code === 'ENOENT' ? 'no such directory' : err.code === 'ENOTDIR' ? 'not a directory' : err.message}`);
  }
  for (const f of ['certificate.json', 'trust.json']) if (!entries.files.includes(f)) throw usage('attach-vendor-certificate', `--bundle ${dir} has no ${f}: give the directory of the vendor's certificate bundle`);
  return { send: entries.files, skipped: entries.others };
}

/** A vendor certificate's own status and counts, on one line. */
function formatVendorStatus({ status, completeness: n }: VendorStatus): string {
  return `${status}: planned ${n.planned}, destroyed ${n.destroyed}, retained ${n.retained}, exceptions ${n.exceptions}`;
}

export function registerAttachVendor(order: Command, ctx: CliContext): void {
  common(order.command('attach-vendor-certificate <id>'))
    .description("send a vendor's certificate bundle for a derived artifact the vendor held; the server verifies it against the vendor's pinned trust root")
    .requiredOption('--artifact <name>', 'the derived artifact at the vendor, as the plan lists it (order status shows them)')
    .requiredOption('--bundle <dir>', "the vendor's certificate bundle: certificate.json, trust.json, records.ndjson, the list files, order.json, and vendors/ with its vendors' bundles")
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
        // The server answers the evidence and vendorStatus (docs/API.md); the client's type knows the evidence only.
        const v = (await client.attachVendorCertificate(id, opts.artifact)) as Awaited<ReturnType<typeof client.attachVendorCertificate>> & { vendorStatus?: VendorStatus };
        print(ctx, opts, v, () => [
          `attached to ${opts.artifact} of ${id}: certificate ${v.certificateId} of ${v.name}, signed by key ${v.keyid}`,
          ...(v.vendorStatus ? [`  the vendor's run: ${formatVendorStatus(v.vendorStatus)}`] : []),
          `  certificate.json SHA-256 ${v.certificateSha256}`,
          `  trust.json SHA-256 ${v.trustSha256}`,
          `next, an approver signs the disposition: shredproof order dispose ${id} --artifact ${opts.artifact} --held-by-vendor --key FILE`,
        ]);
      }),
    );
}
