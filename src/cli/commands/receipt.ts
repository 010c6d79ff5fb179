// `shredproof receipt --bundle DIR (--locator L | --sha256 H | --file F)... --out F.json|F.pdf`:
// a receipt for one data subject (./receipt-run.ts; src/app/receipts.ts):
// for each object they name, destroyed, kept under a hold, not destroyed,
// or not in this certificate, with a per-object proof that `shredproof
// verify --proof` checks alone; nothing about anyone else. Exit 0: written;
// 1: the bundle does not verify; 2: usage, an ambiguous name, or input that
// cannot be read (nothing is written then).
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ReceiptOptions } from './receipt-run.js';

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export function registerReceipt(program: Command, ctx: CliContext): void {
  program
    .command('receipt')
    .description(
      "write a receipt for one person: what became of each object they name (destroyed, kept under a legal hold, not destroyed, or not in this certificate), each with its per-object proof, and nothing about anyone else; exit 0 written, 1 the bundle is invalid, 2 usage or unreadable input",
    )
    .option('--bundle <dir>', 'the certificate bundle (certificate.json, records.ndjson, the three lists, trust.json or public-key.pem)')
    .option('--locator <locator>', "an object by its locator: target:locator, or a bare locator that only one target holds (repeatable)", collect)
    .option('--sha256 <hex>', "an object by the SHA-256 of its content (repeatable)", collect)
    .option('--file <path>', 'a copy of an object the person holds: hashed here, never sent anywhere (repeatable)', collect)
    .option('--out <file>', 'where to write the receipt: F.json (the JSON form) or F.pdf (for the person, with the proofs attached)')
    .option('--trust <file>', "your own copy of the issuer's trust.json: the certificate must verify with it (a pin)")
    .option('--keyid <hex>', 'the signing key id, as the issuer published it: the certificate must be signed by it (a pin)')
    .action(async (opts: ReceiptOptions) => {
      const { runReceipt } = await import('./receipt-run.js');
      await runReceipt(opts, ctx);
    });
}
