// The console's side of the API: the session's token (in this tab's
// sessionStorage only: closing the tab or signing out forgets it), the
// client the CLI uses too, and errors as sentences a person can act on.
import { ApiError, ShredproofClient, UnreachableError, type WhoamiView } from '../../client/api-client.js';

const TOKEN_KEY = 'shredproof.console.token';

export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  signIn(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** A client of the server the console came from, with the session's token. */
export function api(): ShredproofClient {
  const token = session.token();
  // fetch bound to the window: called as the client's method, the browser's own would throw "Illegal invocation".
  return new ShredproofClient({ server: location.origin, ...(token ? { token } : {}), userAgent: 'shredproof-console', fetch: globalThis.fetch.bind(globalThis) });
}

/** GET a JSON answer, with query parameters the typed client may not know yet. */
export async function getJson<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  return (await (await api().request('GET', path, { query })).json()) as T;
}

/** POST a JSON body, answering the JSON the server sends back. */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await api().request('POST', path, { json: body })).json()) as T;
}

/** What went wrong, for the person: the problem's detail and each bad field. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError && e.problem) {
    const fields = (e.problem.errors ?? []).map((f) => `${f.path}: ${f.problem}`);
    return [`${e.problem.title} (${e.problem.code}): ${e.problem.detail ?? ''}`.trim(), ...fields].join('\n');
  }
  if (e instanceof UnreachableError) return `The server does not answer (${e.reason}). Try again, or check that shredproof serve runs.`;
  return e instanceof Error ? e.message : String(e);
}

export const isUnauthorized = (e: unknown) => e instanceof ApiError && e.status === 401;

/** Fired when the server stops accepting the session's token (revoked, expired): the shell asks to sign in again. */
export const UNAUTHORIZED_EVENT = 'shredproof:unauthorized';

/** Reports a 401 to the shell; any other error is the caller's to show. */
export function noticeUnauthorized(e: unknown): void {
  if (isUnauthorized(e)) dispatchEvent(new Event(UNAUTHORIZED_EVENT));
}

export type Me = WhoamiView;

/** Roles as the API grants them (src/http/routes/*: an admin reads everything but does not run orders). */
export const can = {
  runOrders: (me: Me) => me.role === 'operator',
  decide: (me: Me) => me.role === 'approver',
  readAudit: (me: Me) => me.role === 'auditor' || me.role === 'admin',
  /** A receipt names a data subject's objects: the auditor's to hand out (GET /v1/orders/{id}/receipt). */
  makeReceipts: (me: Me) => me.role === 'auditor',
  administer: (me: Me) => me.role === 'admin',
};
