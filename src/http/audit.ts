// Writes to the audit log what the API sees: every use of a token for a
// write (who, when, what, from where, and how it ended) and every failed
// authentication. State changes are logged by the ledger itself, in the
// transaction that makes them. A handler may add notes to its request's
// entry (noteForAudit): what it accepted but had to say, such as a warning.
import type { Request, Response } from 'express';
import type { Principal } from '../app/tokens.js';
import type { Clock } from '../app/ports/clock.js';
import type { AuditLog } from '../app/ports/access.js';
import type { Logger } from '../log.js';

/**
 * Adds a line to the detail of this request's audit entry, for auditors to
 * read in GET /v1/audit: something the answer said beside its result (a
 * warning), which the status alone does not show.
 */
export function noteForAudit(res: Response, note: string): void {
  ((res.locals.auditNotes ??= []) as string[]).push(note);
}

/** The entry's detail: the handler's notes, and whether the client left before the answer, one per line; null when nothing. */
function detailOf(res: Response): string | null {
  const lines = [...((res.locals.auditNotes as string[] | undefined) ?? [])];
  if (!res.writableFinished) lines.push('the client closed the connection before the response was sent');
  return lines.length > 0 ? lines.join('\n') : null;
}

export class AuditRecorder {
  constructor(
    private readonly store: AuditLog,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private where(req: Request) {
    return { method: req.method, path: req.originalUrl.slice(0, 2048), remote: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 512) ?? null };
  }

  private append(entry: Parameters<AuditLog['appendAudit']>[0]): void {
    try {
      this.store.appendAudit(entry);
    } catch (e) {
      // The request already happened; losing its audit entry must be loud.
      this.log.error({ err: (e as Error).message, action: entry.action }, 'could not write the audit log');
    }
  }

  authFailed(req: Request, reason: string, tokenId?: string): void {
    this.append({ at: this.clock.now().toISOString(), actor: 'anonymous', action: 'auth.failed', tokenId: tokenId ?? null, detail: reason, ...this.where(req) });
  }

  /** Records the write once its response is sent (or the client went away), with the final status. */
  onWriteFinished(req: Request, res: Response, who: Principal, action: string): void {
    let done = false;
    // Read the order id now, while the route's parameters are set: when a handler throws, express
    // has reset req.params by the time the error's answer finishes, and a refused write (the very
    // thing an auditor looks for) would be logged without its order.
    const routeId = typeof req.params.id === 'string' && req.params.id.startsWith('ord-') ? req.params.id : undefined;
    const record = () => {
      if (done) return;
      done = true;
      const orderId = routeId ?? (res.locals.orderId as string | undefined) ?? null;
      this.append({
        at: this.clock.now().toISOString(),
        actor: who.name,
        tokenId: who.tokenId,
        role: who.role,
        action,
        orderId,
        status: res.writableFinished ? res.statusCode : null,
        detail: detailOf(res),
        ...this.where(req),
      });
    };
    res.once('finish', record);
    res.once('close', record);
  }
}
