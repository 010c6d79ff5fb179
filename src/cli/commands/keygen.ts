// `shredproof keygen`: an Ed25519 key pair on disk. The key code
// (src/adapters/keys) is imported when the command runs, not by every command.
import type { Command } from 'commander';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../context.js';

export function registerKeygen(program: Command, ctx: CliContext): void {
  program
    .command('keygen')
    .description('create an Ed25519 signing key pair (private key mode 0600; never overwrites)')
    .option('--dir <dir>', 'where to write signing-key.pem and public-key.pem', 'keys')
    .option('--passphrase-env <VAR>', 'encrypt the private key with the passphrase in this environment variable')
    .action(async (opts: { dir: string; passphraseEnv?: string }) => {
      let passphrase: string | undefined;
      if (opts.passphraseEnv !== undefined) {
        passphrase = process.env[opts.passphraseEnv];
        if (!passphrase) throw new CliExit(EXIT_USAGE, `keygen: environment variable ${opts.passphraseEnv} is empty or not set`);
      }
      const { generateKeys } = await import('../../adapters/keys/pem-keys.js');
      try {
        const keys = await generateKeys(opts.dir, passphrase);
        ctx.out(`keyid ${keys.keyid}`);
        ctx.out(`private key ${keys.privateKeyPath} (mode 0600${passphrase ? ', encrypted' : ''})`);
        ctx.out(`public key  ${keys.publicKeyPath}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new CliExit(EXIT_INVALID, `keygen: ${opts.dir} already holds a key; refusing to overwrite it`);
        }
        throw e;
      }
    });
}
