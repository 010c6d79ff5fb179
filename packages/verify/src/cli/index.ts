// The verifier's commands as functions, for a command line that parses its
// own arguments (`shredproof verify` and `shredproof prove` use them) and for
// programs: `import { runVerify } from '@shredproof/verify/cli'`.
export { CliExit, type CliIo, EXIT_INVALID, EXIT_OK, EXIT_USAGE, jsonErrorDocument, type UsageReason } from './exit.js';
export { type GuardedOutput, processOutput } from './output.js';
export { type ProveOptions, runProve } from './prove.js';
export { describeRecord, runVerify, type VerifyOptions } from './verify.js';
export { main, verifierVersion } from './main.js';
export { camelCase, type CommandSpec, flagOf, type OptionSpec, PROVE_COMMAND, VERIFY_COMMAND } from './commands.js';
