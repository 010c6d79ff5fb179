// The system identity of a backend: the name of its store that a version 2
// certificate carries as `targets[].system` (docs/FORMAT.md section 5.4), so
// that a reader knows which bucket, database or directory was meant. The
// operator may give it (`system` in the backends file); otherwise it is
// derived from the configuration's non-secret parts. Either way the one
// check below applies, when the backends file is loaded and again when the
// registry builds the backend: a certificate is signed and handed to third
// parties, so nothing that looks like a credential may get into it.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { ValidationError, type FieldProblem } from '@shredproof/verify';
import { withoutCredentials } from '../log.js';

/** The longest system identity, in UTF-16 code units as a verifier counts (docs/FORMAT.md section 5.4). */
export const SYSTEM_MAX_LENGTH = 256;

/**
 * What a system identity may come from: each kind's configuration (the types
 * of src/config/backends-config.ts fit it). Written out here rather than
 * imported, because backends-config.ts imports this file.
 */
export type SystemSource = { system?: string | undefined } & (
  | { kind: 'filesystem'; root: string }
  | { kind: 'sqlite'; path: string }
  | { kind: 's3'; bucket: string; region?: string | undefined; endpoint?: string | undefined; accessKeyIdEnv?: string | undefined; secretAccessKeyEnv?: string | undefined }
  | { kind: 'postgres' | 'mariadb' | 'redis'; urlEnv: string }
);

/** A value the backend uses as a credential, and where it came from (a variable's name, never its value). */
export interface SystemSecret {
  value: string;
  from: string;
}

/** The default ports of the URL kinds: a URL without a port means this one. */
const DEFAULT_PORT = { postgres: '5432', mariadb: '3306', redis: '6379' } as const;

/**
 * Control characters (C0, DEL, C1), the bidirectional controls and the line
 * separators, which make a terminal or page show other text than there is
 * (packages/verify/src/core/display-text.ts), and lone surrogates, which are
 * not UTF-8 (docs/FORMAT.md section 1).
 */
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A URL with a scheme: `scheme://authority` and the rest up to white space. */
const SCHEME_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s]*/gi;

/** `user@host` or `user:password@host` without a scheme, at the start of a word. */
const BARE_USER_INFO = /(?:^|[\s(,;])[^\s/@?#]+@[^\s@]/;

/** Words that name a credential: a value next to them is one. Case-insensitive; `_` or `-` may join the parts. */
const SECRET_WORD = /password|passwd|pwd=|secret|token|api[_-]?key|access[_-]?key|session[_-]?id/i;

/**
 * The system identity of backend `name`: its `system`, or the default for its
 * kind. Throws ValidationError naming `$.backends.<name>.system` when it
 * could carry a credential (see systemIdentityProblem).
 */
export function verifySystemIdentity(name: string, config: SystemSource, env: NodeJS.ProcessEnv = process.env, host: string = hostname()): string {
  const { system, problems } = checkSystemIdentity(name, config, env, host);
  if (problems.length > 0) throw new ValidationError(`invalid backend ${name}`, problems);
  return system;
}

/** The system identity of backend `name`, given or derived, and the problem with it if there is one. */
export function checkSystemIdentity(name: string, config: SystemSource, env: NodeJS.ProcessEnv = process.env, host: string = hostname()): { system: string; problems: FieldProblem[] } {
  const given = config.system !== undefined;
  const system = config.system ?? defaultSystem(name, config, env, host);
  const problem = systemIdentityProblem(system, secretsOf(config, env));
  if (problem === undefined) return { system, problems: [] };
  // Never the value itself in the message: the problem may be that it holds a secret.
  const tail = given ? '' : ` (this is the default for a ${config.kind} backend: set system to name the store)`;
  return { system, problems: [{ path: `$.backends.${name}.system`, problem: problem + tail }] };
}

/**
 * Why `system` may not be a system identity, or undefined: the one check of
 * every identity, given or derived. `secrets` are the values of the backend's
 * credentials; a message names where a secret came from, never the secret.
 */
export function systemIdentityProblem(system: string, secrets: readonly SystemSecret[] = []): string | undefined {
  for (const s of secrets) if (s.value.length > 0 && system.includes(s.value)) return `contains the value of a credential (${s.from})`;
  if (system.trim().length === 0) return 'must not be empty';
  if (system.length > SYSTEM_MAX_LENGTH) return `${system.length} characters, longer than ${SYSTEM_MAX_LENGTH}`;
  if (UNSAFE_CHARACTER.test(system)) return 'contains a control character, a bidirectional control, a line separator or a lone surrogate';
  for (const url of system.match(SCHEME_URL) ?? []) {
    const authority = url.slice(url.indexOf('://') + 3).split(/[/?#]/)[0]!;
    if (authority.includes('@')) return 'contains a URL with user info (user@ or user:password@); name the host without it';
    if (/[?#]/.test(url)) return 'contains a URL with a query string or a fragment, where credentials often are; name the host and path only';
  }
  if (BARE_USER_INFO.test(system)) return 'contains user info (user@ or user:password@); name the host without it';
  const word = SECRET_WORD.exec(system);
  if (word) return `looks like it holds a secret ("${word[0].toLowerCase()}")`;
  return undefined;
}

/**
 * The default system identity of a kind, from the non-secret parts of its
 * configuration; for the URL kinds, from the URL in the environment with user
 * and password, query and fragment left out. Where nothing is left (the
 * variable is unset, the URL does not parse or names no host), the backend's
 * name and kind.
 */
export function defaultSystem(name: string, config: SystemSource, env: NodeJS.ProcessEnv = process.env, host: string = hostname()): string {
  const fallback = `${name} (${config.kind})`;
  switch (config.kind) {
    case 'filesystem':
      return `${host || 'localhost'}:${resolve(config.root)}`;
    case 'sqlite':
      return `${host || 'localhost'}:${resolve(config.path)}`;
    case 's3': {
      const at = config.endpoint === undefined ? '' : hostOf(config.endpoint);
      // us-east-1 is what src/adapters/storage/s3/client.ts uses when no region is configured.
      return `s3://${config.bucket} in ${config.region ?? 'us-east-1'}${at ? ` at ${at}` : ''}`;
    }
    case 'postgres':
    case 'mariadb':
    case 'redis': {
      const raw = env[config.urlEnv];
      return (raw ? fromUrl(config.kind, raw) : undefined) ?? fallback;
    }
  }
}

/** host:port/database of a connection URL, without user, password, query or fragment. */
function fromUrl(kind: keyof typeof DEFAULT_PORT, raw: string): string | undefined {
  const safe = withoutCredentials(raw, '');
  if (safe === '') return undefined;
  const u = new URL(safe);
  if (u.hostname === '') return undefined;
  const port = u.port || DEFAULT_PORT[kind];
  const path = decoded(u.pathname.replace(/^\//, ''));
  if (kind === 'redis') return `${u.hostname}:${port}/${/^\d+$/.test(path) ? path : '0'}`;
  return `${u.hostname}:${port}${path ? `/${path}` : ''}`;
}

/** The host (and port) of an endpoint URL; '' when it does not parse. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The values of the credentials this backend's configuration names that are
 * set: for s3 the key variables, for the URL kinds the URL's password (as
 * written and percent-decoded). The URL itself is no secret once the password
 * is out of it, and a user name is not one.
 */
function secretsOf(config: SystemSource, env: NodeJS.ProcessEnv): SystemSecret[] {
  const out: SystemSecret[] = [];
  const add = (value: string | undefined, from: string) => {
    if (value) out.push({ value, from });
  };
  switch (config.kind) {
    case 's3':
      if (config.accessKeyIdEnv !== undefined) add(env[config.accessKeyIdEnv], `environment variable ${config.accessKeyIdEnv}, accessKeyIdEnv`);
      if (config.secretAccessKeyEnv !== undefined) add(env[config.secretAccessKeyEnv], `environment variable ${config.secretAccessKeyEnv}, secretAccessKeyEnv`);
      break;
    case 'postgres':
    case 'mariadb':
    case 'redis': {
      const password = passwordOf(env[config.urlEnv]);
      const from = `the password in environment variable ${config.urlEnv}, urlEnv`;
      add(password, from);
      if (password !== undefined) add(decoded(password), from);
      break;
    }
  }
  return out;
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).password || undefined;
  } catch {
    return undefined;
  }
}
