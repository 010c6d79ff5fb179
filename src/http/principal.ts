// Who made a request: set by the route table's auth step (route.ts), read by
// handlers and by the access log (http-server.ts), which must not depend on
// the route table.
import type { Request } from 'express';
import type { Principal } from '../app/tokens.js';

const principals = new WeakMap<Request, Principal>();

export function setPrincipal(req: Request, principal: Principal): void {
  principals.set(req, principal);
}

/** The principal set by the auth step, for handlers and the audit hook. */
export function principalOf(req: Request): Principal | undefined {
  return principals.get(req);
}
