// What every command of the CLI shares: where it writes, the exit code it
// decided, and the exit codes themselves, which are a contract: verify exits
// 0 valid, 1 invalid, 2 usage or unreadable input; other commands exit 0 on
// success, 1 on failure, 2 on usage errors. The exit codes, the usage error
// and the JSON error document are the verifier package's: `shredproof verify`
// and `shredproof-verify verify` are one command.
import type { CliIo } from '@shredproof/verify/cli';

export { CliExit, EXIT_INVALID, EXIT_OK, EXIT_USAGE, jsonErrorDocument, type UsageReason } from '@shredproof/verify/cli';

/** Where a command writes, and the exit code it decided (set by verify and prove). */
export type CliContext = CliIo;
