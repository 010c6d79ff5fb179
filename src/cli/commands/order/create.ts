// `shredproof order create <file>`: an order from an order document (a JSON
// file, or - for standard input); prints its id, and on stderr each warning
// the server gave with it.
import { readFile } from 'node:fs/promises';
import { escapeForDisplay } from '@shredproof/verify';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { type Common, common, print, run, usage } from './shared.js';

async function readDocument(file: string): Promise<unknown> {
  let text: string;
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    } else text = await readFile(file, 'utf8');
  } catch (e) {
    throw usage('create', `cannot read ${file === '-' ? 'standard input' : file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw usage('create', `${file === '-' ? 'standard input' : file} is not JSON: ${(e as Error).message}`);
  }
}

export function registerCreate(order: Command, ctx: CliContext): void {
  common(order.command('create <file>'))
    .description('create an order from an order document (JSON file, or - for standard input); prints its id')
    .action((file: string, opts: Common) =>
      run('create', opts, ctx, async (client) => {
        const doc = await readDocument(file);
        const o = await client.createOrder(doc);
        print(ctx, opts, o, () => [o.id]);
        // Accepted all the same (a deadline already past, say): said on stderr, --json or not, so that nobody misses it.
        for (const w of o.warnings ?? []) ctx.err(escapeForDisplay(`order create: warning ${w.code}: ${w.message}`));
        if (!opts.json) ctx.err(`created ${o.id} (${o.state}) by ${o.createdBy}; next: shredproof order plan ${o.id}`);
      }),
    );
}
