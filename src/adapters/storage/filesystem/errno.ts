// Maps errors of synchronous fs calls to per-item error outcomes. Messages
// carry the locator and the failing call, never file content.

/** Error codes worth retrying: the same call may well succeed later. */
const TRANSIENT = new Set([
  'EIO',
  'EMFILE',
  'ENFILE',
  'EAGAIN',
  'EWOULDBLOCK',
  'EBUSY',
  'EINTR',
  'ENOMEM',
  'ETIMEDOUT',
  'ESTALE',
  'ENOBUFS',
  'ECONNRESET',
  'EHOSTDOWN',
]);

export interface ItemError {
  status: 'error';
  code: string;
  message: string;
  transient: boolean;
}

export function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A per-item error outcome for an fs failure; unknown failures are permanent (listed as exceptions, not retried forever). */
export function fsError(e: unknown, syscall: string, locator: string): ItemError {
  const code = errnoCode(e) ?? 'FS_ERROR';
  const detail = code === 'FS_ERROR' && e instanceof Error ? `: ${e.message}` : '';
  return { status: 'error', code, message: `${syscall} ${JSON.stringify(locator)} failed: ${code}${detail}`, transient: TRANSIENT.has(code) };
}

export function itemError(code: string, message: string, transient = false): ItemError {
  return { status: 'error', code, message, transient };
}
