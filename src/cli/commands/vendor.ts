// `shredproof vendor add|list`: the vendors who hold copies of the data, each
// pinned to its own trust root (src/app/vendor-certificates.ts), on the
// server's machine against its ledger (DATA_DIR), like `person` and `key`.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { VendorAddOptions, VendorOptions } from './vendor-run.js';
import { DATA_DIR_OPTION } from './data-dir-option.js';

export function registerVendor(program: Command, ctx: CliContext): void {
  const vendor = program.command('vendor').description("vendors who hold copies of the data, pinned to their own trust roots (on the server machine)");
  const dataDir = DATA_DIR_OPTION;
  const run = () => import('./vendor-run.js');
  vendor
    .command('add')
    .description("pin a vendor to its trust root: its certificates are accepted only if they verify against it (audited)")
    .requiredOption('--name <name>', 'the vendor, exactly as artifacts at it name it in their location')
    .requiredOption('--trust <file>', "the vendor's trust.json, as the vendor publishes it (compare its SHA-256 with the one the vendor gave you out of band)")
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action(async (opts: VendorAddOptions) => (await run()).vendorAdd(opts, ctx));
  vendor
    .command('list')
    .description('every vendor and the SHA-256 of the trust root it is pinned to')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action(async (opts: VendorOptions) => (await run()).vendorList(opts, ctx));
}
