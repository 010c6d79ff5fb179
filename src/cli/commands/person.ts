// `shredproof person keygen|add|set-key|remove|revoke-key|list`: the people
// who may use the server and their personal keys (src/app/people.ts). keygen
// runs on the person's own machine and touches no ledger; the others run on
// the server's machine against its ledger (DATA_DIR), like `token` and `key`.
// What they run is in ./person-run.ts, imported when one runs.
import type { Command } from 'commander';
import { ROLES } from '../../app/ports/access.js';
import type { CliContext } from '../context.js';
import type { AddOptions, KeygenOptions, PersonOptions, RevokeKeyOptions, SetKeyOptions } from './person-run.js';
import { DATA_DIR_OPTION } from './data-dir-option.js';

export function registerPerson(program: Command, ctx: CliContext): void {
  const person = program.command('person').description("people, their roles and the personal keys they approve with (keygen on the person's machine; the rest on the server machine)");
  const dataDir = DATA_DIR_OPTION;
  const run = () => import('./person-run.js');

  person
    .command('keygen')
    .description("make your personal Ed25519 key, on your own machine: NAME.key.pem (mode 0600; keep it) and NAME.pub.pem (give it to an admin)")
    .requiredOption('--name <name>', 'your name, exactly as the server registers you')
    .option('--dir <dir>', 'where to write the two files', '.')
    .option('--passphrase-env <VAR>', 'encrypt the private key with the passphrase in this environment variable')
    .action(async (opts: KeygenOptions) => (await run()).personKeygen(opts, ctx));

  person
    .command('add')
    .description('register a person with roles and, for approvers and operators who sign, their public key (audited)')
    .requiredOption('--name <name>', 'the person; tokens and certificates name them so')
    .requiredOption('--roles <list>', `comma-separated: ${ROLES.join(', ')}`)
    .option('--public-key <file>', 'their NAME.pub.pem from `shredproof person keygen`')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action(async (opts: AddOptions) => (await run()).personAdd(opts, ctx));

  person
    .command('set-key')
    .description("a person's new key: the old one stops now (what it signed before stays valid)")
    .requiredOption('--name <name>', 'the person')
    .requiredOption('--public-key <file>', 'their new NAME.pub.pem')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action(async (opts: SetKeyOptions) => (await run()).personSetKey(opts, ctx));

  person
    .command('remove')
    .description('remove a person at once: their tokens are revoked and their key stops now')
    .requiredOption('--name <name>', 'the person')
    .option(...dataDir)
    .action(async (opts: PersonOptions & { name: string }) => (await run()).personRemove(opts, ctx));

  person
    .command('revoke-key')
    .description('mark a personal key compromised since an instant: approvals it signed for orders approved from then on are invalid')
    .requiredOption('--keyid <hex>', 'the key id')
    .requiredOption('--compromised-since <time>', 'RFC 3339 time (UTC, with Z)')
    .requiredOption('--reason <text>', 'why, as the trust root will say')
    .option(...dataDir)
    .action(async (opts: RevokeKeyOptions) => (await run()).personRevokeKey(opts, ctx));

  person
    .command('list')
    .description('everyone registered, current and removed, with their roles and keys')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action(async (opts: PersonOptions) => (await run()).personList(opts, ctx));
}
