// What `shredproof person ...` run (./person.ts declares them). Every change
// is in the audit log (src/app/people.ts writes it in the same transaction).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PERSON_NAME_RE, ValidationError } from '@shredproof/verify';
import { systemClock } from '../../app/deps.js';
import { addPerson, removePerson, revokePersonKey, setPersonKey } from '../../app/people.js';
import { localActor, openExistingLedger, openOrCreateLedger } from '../local-ledger.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../context.js';

export interface PersonOptions {
  dataDir?: string;
  json?: boolean;
}
export interface KeygenOptions {
  name: string;
  dir: string;
  passphraseEnv?: string;
}
export interface AddOptions extends PersonOptions {
  name: string;
  roles: string;
  publicKey?: string;
}
export interface SetKeyOptions extends PersonOptions {
  name: string;
  publicKey: string;
}
export interface RevokeKeyOptions extends PersonOptions {
  keyid: string;
  compromisedSince: string;
  reason: string;
}

/** The file names `person keygen` writes for a name. */
export const personKeyFiles = (name: string) => ({ privateKey: `${name}.key.pem`, publicKey: `${name}.pub.pem` });

export async function personKeygen(opts: KeygenOptions, ctx: CliContext): Promise<void> {
  if (!PERSON_NAME_RE.test(opts.name)) throw new CliExit(EXIT_USAGE, 'person keygen: --name must be 1-64 characters: letters, digits, and . _ @ - (not first)');
  let passphrase: string | undefined;
  if (opts.passphraseEnv !== undefined) {
    passphrase = process.env[opts.passphraseEnv];
    if (!passphrase) throw new CliExit(EXIT_USAGE, `person keygen: environment variable ${opts.passphraseEnv} is empty or not set`);
  }
  const { generateKeys } = await import('../../adapters/keys/pem-keys.js');
  try {
    const keys = await generateKeys(opts.dir, passphrase, personKeyFiles(opts.name));
    ctx.out(`keyid ${keys.keyid}`);
    ctx.out(`private key ${keys.privateKeyPath} (mode 0600${passphrase ? ', encrypted' : ''}): keep it; it never leaves this machine`);
    ctx.out(`public key  ${keys.publicKeyPath}: give it to an admin, who runs on the server's machine:`);
    ctx.out(`  shredproof person add --name ${opts.name} --roles approver --public-key ${keys.publicKeyPath}`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new CliExit(EXIT_INVALID, `person keygen: ${join(opts.dir, personKeyFiles(opts.name).privateKey)} or its public key exists already; refusing to overwrite it`);
    throw e;
  }
}

function readPem(path: string, command: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliExit(EXIT_USAGE, `person ${command}: cannot read --public-key ${path}: ${(e as Error).message}`);
  }
}

/**
 * Runs `f` against the server's ledger; a ValidationError becomes a usage
 * error naming the options. `person add` may make the ledger (a server is set
 * up by registering its people), the others need it.
 */
function withLedger<T>(opts: PersonOptions, command: string, f: (deps: { ledger: ReturnType<typeof openExistingLedger>; clock: typeof systemClock }) => T, ctx?: CliContext): T {
  const ledger = ctx ? openOrCreateLedger(opts.dataDir, `person ${command}`, ctx) : openExistingLedger(opts.dataDir, `person ${command}`);
  try {
    return f({ ledger, clock: systemClock });
  } catch (e) {
    if (e instanceof ValidationError) {
      const option = (path: string) => `--${path.replace(/^\$\./, '').replace(/\[\d+\]$/, '').replace('publicKey', 'public-key').replace('compromisedSince', 'compromised-since')}`;
      throw new CliExit(EXIT_USAGE, `person ${command}: ${e.fields.map((f) => `${option(f.path)}: ${f.problem}`).join('; ')}`);
    }
    throw e;
  } finally {
    ledger.close();
  }
}

export function personAdd(opts: AddOptions, ctx: CliContext): void {
  const pem = opts.publicKey === undefined ? undefined : readPem(opts.publicKey, 'add');
  const roles = opts.roles.split(',').map((r) => r.trim()).filter(Boolean);
  const added = withLedger(opts, 'add', (deps) => addPerson(deps, { name: opts.name, roles, ...(pem !== undefined ? { publicKeyPem: pem } : {}) }, localActor()), ctx);
  if (opts.json) return ctx.out(JSON.stringify(added, null, 2));
  ctx.out(`added ${added.person.name}: roles ${added.person.roles.join(', ')}`);
  if (added.key) ctx.out(`key ${added.key.keyid} from ${added.key.validFrom}: signs as ${added.key.signs.join(', ') || 'nothing (no approver or operator role)'}`);
  else if (roles.includes('approver')) ctx.out(`no key: ${opts.name} cannot approve until one is registered (shredproof person set-key)`);
}

export function personSetKey(opts: SetKeyOptions, ctx: CliContext): void {
  const pem = readPem(opts.publicKey, 'set-key');
  const key = withLedger(opts, 'set-key', (deps) => setPersonKey(deps, opts.name, pem, localActor()));
  if (opts.json) return ctx.out(JSON.stringify(key, null, 2));
  ctx.out(`key ${key.keyid} of ${key.person} from ${key.validFrom}: signs as ${key.signs.join(', ') || 'nothing'}; their previous key stopped then`);
}

export function personRemove(opts: PersonOptions & { name: string }, ctx: CliContext): void {
  const done = withLedger(opts, 'remove', (deps) => removePerson(deps, opts.name, localActor()));
  ctx.out(`removed ${opts.name}: ${done.tokensRevoked} token(s) revoked, their keys stopped now`);
}

export function personRevokeKey(opts: RevokeKeyOptions, ctx: CliContext): void {
  const row = withLedger(opts, 'revoke-key', (deps) => revokePersonKey(deps, opts.keyid, opts.compromisedSince, opts.reason, localActor()));
  ctx.out(`key ${row.keyid} of ${row.person} revoked: compromised since ${row.revokedAt}`);
}

export function personList(opts: PersonOptions, ctx: CliContext): void {
  const { people, keys } = withLedger(opts, 'list', (deps) => ({ people: deps.ledger.people.people(), keys: deps.ledger.people.personKeys() }));
  if (opts.json) return ctx.out(JSON.stringify({ people, keys }, null, 2));
  for (const p of people) {
    ctx.out(`${p.name.padEnd(20)}  ${p.roles.join(',').padEnd(24)}  ${p.removedAt ? `removed ${p.removedAt} by ${p.removedBy}` : 'current'}`);
    for (const k of keys.filter((k) => k.person === p.name)) {
      const window = `${k.validFrom} .. ${k.validUntil ?? ''}`;
      ctx.out(`  key ${k.keyid}  signs ${k.signs.join(',') || '-'}  ${window}${k.revokedAt ? `  REVOKED since ${k.revokedAt}: ${k.revocationReason}` : ''}`);
    }
  }
}
