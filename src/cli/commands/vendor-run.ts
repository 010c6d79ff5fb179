// What `shredproof vendor ...` run (./vendor.ts declares them).
import { readFileSync } from 'node:fs';
import { ValidationError } from '@shredproof/verify';
import { systemClock } from '../../app/deps.js';
import { addVendor } from '../../app/vendor-certificates.js';
import { localActor, openExistingLedger, openOrCreateLedger } from '../local-ledger.js';
import { CliExit, type CliContext, EXIT_USAGE } from '../context.js';

export interface VendorOptions {
  dataDir?: string;
  json?: boolean;
}
export interface VendorAddOptions extends VendorOptions {
  name: string;
  trust: string;
}

export function vendorAdd(opts: VendorAddOptions, ctx: CliContext): void {
  let trustJson: string;
  try {
    trustJson = readFileSync(opts.trust, 'utf8');
  } catch (e) {
    throw new CliExit(EXIT_USAGE, `vendor add: cannot read --trust ${opts.trust}: ${(e as Error).message}`);
  }
  const ledger = openOrCreateLedger(opts.dataDir, 'vendor add', ctx);
  try {
    const row = addVendor({ ledger, clock: systemClock }, { name: opts.name, trustJson }, localActor());
    if (opts.json) return ctx.out(JSON.stringify({ name: row.name, trustSha256: row.trustSha256, addedAt: row.addedAt }, null, 2));
    ctx.out(`vendor ${row.name} pinned to the trust root with SHA-256 ${row.trustSha256}`);
  } catch (e) {
    if (e instanceof ValidationError) throw new CliExit(EXIT_USAGE, `vendor add: ${e.fields.map((f) => `--${f.path.replace('$.', '')}: ${f.problem}`).join('; ')}`);
    throw e;
  } finally {
    ledger.close();
  }
}

export function vendorList(opts: VendorOptions, ctx: CliContext): void {
  const ledger = openExistingLedger(opts.dataDir, 'vendor list');
  try {
    const rows = ledger.artifacts.vendors().map(({ trustJson: _t, ...r }) => r);
    if (opts.json) return ctx.out(JSON.stringify({ vendors: rows }, null, 2));
    for (const r of rows) ctx.out(`${r.name.padEnd(30)}  trust root ${r.trustSha256}  pinned ${r.addedAt} by ${r.addedBy}`);
  } finally {
    ledger.close();
  }
}
