// `shredproof artifact register|upload-manifest|list|show|manifest`: the
// lineage registry (docs/API.md, "Derived artifacts"), through a shredproof
// server's HTTP API like `order`, with its connection options and exit codes.
// `register` is the training-pipeline hook: a job runs it after writing its
// output, and with --manifest-dir it hashes the input files itself, so that
// "trained on exactly these files" is checkable. What the subcommands run is
// in ./artifact-run.ts, imported when one runs.
import type { Command } from 'commander';
import { ARTIFACT_KINDS } from '../../app/ports/artifacts.js';
import type { CliContext } from '../context.js';
import type { ArtifactCommon, ManifestOptions, RegisterOptions } from './artifact-run.js';
import { common, DEFAULT_SERVER } from './order/shared.js';

const EXIT_HELP = `
Connection: --server, else SHREDPROOF_SERVER, else ${DEFAULT_SERVER}.
Token: --token-file F, --token T, else SHREDPROOF_TOKEN (registering needs an
operator's token; every role may read).

Exit codes: 0 done; 1 the server refused (its code, detail and each bad field
are printed, with the option that gave it); 2 usage error, an unreadable
--manifest-dir, no token, server unreachable, or token not accepted (401).`;

const collect = (v: string, prev: string[]) => [...prev, v];

function manifestOptions(cmd: Command): Command {
  return cmd
    .option('--manifest-dir <dir>', 'the input files: every regular file under it is hashed (SHA-256) into the manifest')
    .option('--manifest-backend <backend>', 'the configured backend that holds those files, as the server names it')
    .option('--manifest-prefix <prefix>', 'put before each file\'s path relative to --manifest-dir to make its locator (photos/ when the backend\'s root is the parent of a photos directory)');
}

export function registerArtifact(program: Command, ctx: CliContext): void {
  const artifact = program
    .command('artifact')
    .description('the lineage registry: models, embeddings, caches and vendor copies derived from the data, and what they were derived from (register, upload-manifest, list, show, manifest)')
    .addHelpText('after', EXIT_HELP);
  const run = () => import('./artifact-run.js');

  manifestOptions(
    common(artifact.command('register'))
      .description('register an artifact: where it lives and what it was derived from; with --manifest-dir, the manifest of its input files too (the training-pipeline hook)')
      .requiredOption('--name <name>', 'its name: lowercase letters, digits, and . _ - (a new version is a new name)')
      .requiredOption('--kind <kind>', `one of ${ARTIFACT_KINDS.join(', ')}`)
      .requiredOption('--description <text>', 'what it is, for the people who read the registry')
      .option('--backend <backend>', 'where it lives: a configured backend (with --scope-json)')
      .option('--scope-json <json>', 'where it lives: the scope in that backend, as JSON ({"include": ["models/m-1/**"]} for files)')
      .option('--vendor <vendor>', 'where it lives: at a vendor (with --vendor-description)')
      .option('--vendor-description <text>', 'what the vendor holds and where')
      .option('--from-artifact <name>', 'derived from this registered artifact (repeatable)', collect, [])
      .option('--from-scope-json <json>', 'derived from this data: {"backend": ..., "scope": ...} (repeatable)', collect, []),
  ).action(async (opts: RegisterOptions) => (await run()).artifactRegister(opts, ctx));

  manifestOptions(common(artifact.command('upload-manifest <name>')))
    .description('hash --manifest-dir again and upload its manifest for an artifact registered with it (when register could not upload it)')
    .action(async (name: string, opts: ManifestOptions) => (await run()).artifactUploadManifest(name, opts, ctx));

  common(artifact.command('list'))
    .description('every artifact, in order of registration')
    .action(async (opts: ArtifactCommon) => (await run()).artifactList(opts, ctx));

  common(artifact.command('show <name>'))
    .description('an artifact: where it lives, its inputs, its manifest, and what was derived from it')
    .action(async (name: string, opts: ArtifactCommon) => (await run()).artifactShow(name, opts, ctx));

  common(artifact.command('manifest <name>'))
    .description('print the uploaded manifest of an artifact: its lines exactly as they were hashed')
    .action(async (name: string, opts: ArtifactCommon) => (await run()).artifactManifest(name, opts, ctx));
}
