// The queue key on disk: 64 hex characters (32 random bytes) and a newline,
// mode 0600. The coordinator creates it on first start if it is missing; a
// worker only reads it, and refuses to start without it: a worker with a key of
// its own would refuse every job (docs/SECURITY.md, "The queue key").
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { QUEUE_KEY_BYTES, QueueAuth } from './queue-auth.js';

function parse(path: string, text: string): Uint8Array {
  const hex = text.trim();
  if (!new RegExp(`^[0-9a-f]{${QUEUE_KEY_BYTES * 2}}$`).test(hex)) {
    throw new Error(`queue key ${path}: want ${QUEUE_KEY_BYTES * 2} lowercase hex characters (32 random bytes), found ${hex.length} characters of something else`);
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Refuses a key file that anyone but its owner may read or write. */
export function checkPrivateFile(path: string, what: string): void {
  const st = statSync(path);
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`${what} ${path} is readable or writable by group or others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${path}`);
  }
  // Owned by another account, the file's owner can swap the key under the server: it must be the server's own.
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new Error(`${what} ${path} belongs to uid ${st.uid}, not to the user the server runs as (uid ${uid}): run chown ${uid} ${path}`);
  }
}

export function loadQueueAuth(path: string, opts: { create: boolean }): QueueAuth {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the queue key ${path}: ${(e as Error).message}`);
    if (!opts.create) {
      throw new Error(
        `no queue key at ${path}: a worker needs the coordinator's queue key (created by \`shredproof serve\` in its DATA_DIR as queue.key); copy it with mode 0600 and set SHREDPROOF_QUEUE_KEY_FILE`,
      );
    }
    return new QueueAuth(createKey(path));
  }
  checkPrivateFile(path, 'queue key');
  return new QueueAuth(parse(path, text));
}

function createKey(path: string): Uint8Array {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(QUEUE_KEY_BYTES);
  // Written whole under a temporary name, then linked into place: link fails if
  // the name exists, so a key that another process just published is never
  // replaced, and nobody ever reads a half-written key.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, key.toString('hex') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return parse(path, readFileSync(path, 'utf8'));
  } finally {
    unlinkSync(tmp);
  }
  return new Uint8Array(key);
}
