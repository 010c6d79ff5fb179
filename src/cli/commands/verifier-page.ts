// `shredproof verifier-page --out FILE`: writes the offline verifier page, one
// self-contained HTML file that a regulator opens from disk. Its SHA-256 is
// printed so that the copy handed over can be compared with a published one.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerVerifierPage(program: Command, ctx: CliContext): void {
  program
    .command('verifier-page')
    .description('write the offline verifier page: one HTML file, no network requests, opened from disk in a browser')
    .option('--out <file>', 'where to write the page', 'verify.html')
    .action(async (opts: { out: string }) => {
      // Loaded here, not at startup: esbuild takes a fifth of a second to import, which every other command would pay.
      const { buildVerifierPage } = await import('../../verifier-page/build.js');
      const html = await buildVerifierPage();
      const out = resolve(opts.out);
      await writeFile(out, html);
      ctx.out(`wrote ${out} (${Buffer.byteLength(html)} bytes)`);
      ctx.out(`sha256 ${createHash('sha256').update(html).digest('hex')}`);
      ctx.out('open it in a browser from disk; it verifies certificate.json, public-key.pem, records.ndjson and proof files offline');
    });
}
