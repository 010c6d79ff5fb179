// `shredproof exhibit --bundle DIR --out F.pdf [--paper letter|a4] [--records-limit BYTES]`:
// the legal exhibit of a certificate bundle (docs/FORMAT.md section 13), a
// PDF/A-3b that carries the bundle as attachments. The bundle is verified
// first, as a regulator would verify it; an invalid one gets no exhibit
// (exit 1, its code and reason). Exit 2 for usage errors or unreadable input.
import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../context.js';

interface ExhibitCliOptions {
  bundle: string;
  out: string;
  paper: string;
  recordsLimit?: string;
  force?: boolean;
}

export function registerExhibit(program: Command, ctx: CliContext): void {
  program
    .command('exhibit')
    .description('make the legal exhibit of a certificate bundle: a PDF/A-3b in plain language, with the bundle attached so that it verifies itself')
    .requiredOption('--bundle <dir>', 'the certificate bundle (shredproof order fetch, or DATA_DIR/certificates/<order>)')
    .requiredOption('--out <file>', 'the PDF to write')
    .option('--paper <size>', 'letter or a4', 'letter')
    .option('--records-limit <bytes>', 'attach records.ndjson only up to this size; above it, the statement\'s records.sha256 stands for it (default 52428800)')
    .option('--force', 'overwrite --out if it exists')
    .action(async (opts: ExhibitCliOptions) => {
      if (opts.paper !== 'letter' && opts.paper !== 'a4') throw new CliExit(EXIT_USAGE, `exhibit: --paper must be letter or a4, not ${JSON.stringify(opts.paper)}`);
      const limit = opts.recordsLimit === undefined ? undefined : Number(opts.recordsLimit);
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw new CliExit(EXIT_USAGE, `exhibit: --records-limit must be a whole number of bytes, not ${JSON.stringify(opts.recordsLimit)}`);
      if (!existsSync(opts.bundle)) throw new CliExit(EXIT_USAGE, `exhibit: --bundle ${opts.bundle}: no such directory`);
      if (existsSync(opts.out) && !opts.force) throw new CliExit(EXIT_USAGE, `exhibit: ${opts.out} exists; choose another --out or give --force`);
      const { buildExhibit, ExhibitError } = await import('../../adapters/exhibit/pdf-exhibit.js');
      const { isVerificationError } = await import('@shredproof/verify');
      let made;
      try {
        made = await buildExhibit(opts.bundle, { paper: opts.paper, ...(limit !== undefined ? { recordsLimitBytes: limit } : {}) });
      } catch (e) {
        if (isVerificationError(e)) throw new CliExit(EXIT_INVALID, `exhibit: the bundle does not verify, so no exhibit is made: INVALID ${e.code}: ${e.message}`);
        if (e instanceof ExhibitError) throw new CliExit(EXIT_USAGE, `exhibit: ${e.message}`);
        throw e;
      }
      writeFileSync(opts.out, made.pdf);
      ctx.out(`wrote ${opts.out}: the exhibit of certificate ${made.statement.certificateId} (${made.pdf.length} bytes, PDF/A-3b)`);
      ctx.out(`  attached: ${made.attached.join(', ')}${made.recordsOmitted ? '; records.ndjson not attached (larger than --records-limit): the statement\'s records.sha256 stands for it' : ''}`);
      ctx.out(`  check it: shredproof verify --exhibit ${opts.out} --trust <the issuer's trust.json>`);
    });
}
