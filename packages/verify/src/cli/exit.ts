// Exit codes and the usage error of the verifier's commands. They are a
// contract (README.md of this package, and shredproof's README): verify and
// prove exit 0 valid (or written), 1 invalid or not found, 2 usage or
// unreadable input. The `shredproof` command line uses these same values.
import { jsonForDisplay } from '../core/index.js';

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** Why a command ended with exit 2, for the JSON error document of `verify --json` and `prove --json`. */
export type UsageReason = 'usage' | 'unreadable-input' | 'unwritable-output';

/** Thrown by a command to end with a given exit code after printing its message. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    readonly reason: UsageReason = 'usage',
  ) {
    super(message);
  }
}

/** Where a command writes, one line at a time, and the exit code it decided. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Set by commands that decide their own exit code (verify, prove). */
  exitCode: number;
}

/** The document `--json` prints on stdout when a command ends with exit 2 (or fails unexpectedly). */
export function jsonErrorDocument(error: UsageReason | 'failed', message: string): string {
  return jsonForDisplay({ valid: false, error, message }, 2);
}
