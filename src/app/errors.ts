// Errors of the use cases and of what their ports throw. As with the core's
// VerificationError, every error that reaches a caller carries a code from one
// closed set: callers and tests branch on the code, never on the message. The
// HTTP API gives each code its status in one table (src/http/problem.ts);
// docs/API.md lists them, docs/ORDERS.md explains the rule codes.
import type { OrderState } from './ports/orders.js';

/**
 * Every code a use case can fail with, and its kind: `not-found` (no such
 * order), `conflict` (two requests raced on one order and this one lost),
 * `rule` (a rule of the order lifecycle refused the step), `unavailable` (a
 * configured backend could not be used; the server's problem, not the order's).
 */
export const APP_ERROR_CODES = {
  NOT_FOUND: 'not-found',
  STATE_CONFLICT: 'conflict',
  NOT_PLANNABLE: 'rule',
  PLAN_IN_PROGRESS: 'rule',
  NOT_PLANNED: 'rule',
  SELF_APPROVAL: 'rule',
  STALE_PLAN: 'rule',
  APPROVAL_REFUSED: 'rule',
  MANIFEST_MISMATCH: 'rule',
  DISPOSITION_MISSING: 'rule',
  DISPOSITION_REFUSED: 'rule',
  VENDOR_CERTIFICATE_REFUSED: 'rule',
  LOG_REFUSED: 'rule',
  NOT_APPROVED: 'rule',
  ALREADY_EXECUTED: 'rule',
  NOT_CANCELLABLE: 'rule',
  BACKEND_UNAVAILABLE: 'unavailable',
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;
export type AppErrorKind = (typeof APP_ERROR_CODES)[AppErrorCode];
/** The codes of one kind. */
export type CodeOf<K extends AppErrorKind> = { [C in AppErrorCode]: (typeof APP_ERROR_CODES)[C] extends K ? C : never }[AppErrorCode];
export type RuleCode = CodeOf<'rule'>;

/** An error a use case answers with: its code is one of APP_ERROR_CODES. */
export abstract class AppError extends Error {
  abstract readonly code: AppErrorCode;
}

/** A rule of the order lifecycle was broken (approve your own order, execute an unapproved one, ...). */
export class RuleError extends AppError {
  override readonly name = 'RuleError';
  constructor(
    readonly code: RuleCode,
    message: string,
  ) {
    super(message);
  }
}

/** No such order. */
export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

/** An order is not in a state that allows the requested step (thrown by the ledger, atomically with the check). */
export class StateConflictError extends AppError {
  override readonly name = 'StateConflictError';
  readonly code = 'STATE_CONFLICT';
  constructor(
    message: string,
    readonly state: OrderState | undefined,
  ) {
    super(message);
  }
}

/**
 * A configured backend could not be used (unreachable, refusing, misconfigured)
 * while an order's scopes were checked: the server's problem, not the order's.
 */
export class BackendUnavailableError extends AppError {
  override readonly name = 'BackendUnavailableError';
  readonly code = 'BACKEND_UNAVAILABLE';
  constructor(
    readonly backend: string,
    cause: unknown,
  ) {
    super(`backend ${backend} is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

// Errors that never reach an API caller: they steer the coordinator and the workers.

/** A value from Redis that does not carry a valid MAC of this deployment's queue key (src/adapters/queue/queue-auth.ts). */
export class QueueAuthError extends Error {
  override readonly name = 'QueueAuthError';
}

/** A permanent failure of a whole batch job (the worker maps it to BullMQ's UnrecoverableError). */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

/** Some objects hit transient errors in every round: the job is retried later, with backoff. */
export class TransientJobError extends Error {
  override readonly name = 'TransientJobError';
}
