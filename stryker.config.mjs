// Mutation testing with StrykerJS (issue 21): `npm run mutation`, not in CI.
// Two runs, each with only the test files that exercise its code, so that a
// mutant never waits for unrelated suites (the tap runner records coverage per
// test file, and a mutant runs only the files that reached it, in the order
// listed here: quick unit tests first, so that most mutants die early):
//   STRYKER_SCOPE=core    packages/verify/src/core, against the core, fast-verifier and CLI verify tests
//   STRYKER_SCOPE=engine  src/app/ingest.ts and src/app/finalize-order.ts, against
//                         the engine tests (they need Redis on 127.0.0.1:6379)
//   STRYKER_SCOPE=confine src/adapters/storage/filesystem/confine.ts, against the filesystem
//                         backend tests. The backend runs this code in worker threads,
//                         where Stryker activates mutants (through the environment) but
//                         records no coverage: test/adapters/storage/confine.test.ts drives it in
//                         the main thread, and so decides which mutants are covered.
// Test files are run by node's own test runner through the tap runner: node
// prints TAP when its output is not a terminal. Reports go to reports/mutation/.
// docs/COVERAGE.md has the scores and every surviving mutant explained.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const scope = process.env.STRYKER_SCOPE ?? 'core';

/**
 * packages/verify/src/core is mutated in parts: instrumented code runs several times slower
 * (every expression carries a mutant switch and a coverage counter), and the
 * tests hash, parse and scan a great deal of it. Mutating one part at a time
 * leaves the rest of the core at full speed. STRYKER_PART=<name> picks one;
 * `npm run mutation` runs them all.
 */
const CORE_PARTS = {
  json: ['canonical-json', 'canonical-json-fast', 'strict-json', 'validate', 'display-text', 'errors', 'person', 'index'],
  statement: ['statement', 'statement-builder', 'certificate', 'object-proof'],
  records: ['record-scan', 'record', 'records-verifier', 'fast-record-lines'],
  merkle: ['merkle', 'merkle-hash', 'merkle-proof', 'merkle-range', 'merkle-root', 'merkle-tree'],
  crypto: ['bytes', 'ed25519', 'dsse'],
  // Certificate version 2 (issue 14): the statement, its lists, the trust root, pins and the order file.
  v2: ['statement-v2', 'statement-shape', 'statement-builder-v2', 'list', 'time', 'trust-root', 'pin', 'order-file'],
  // Signed approvals (issue 15): the approval payload, its signature and the checks against the trust root.
  approval: ['approval'],
  // Derived artifacts (issue 16): the statement's derived section, signed dispositions, the vendor binding.
  derived: ['derived-artifacts', 'disposition'],
};
const part = process.env.STRYKER_PART;
if (scope === 'core' && part !== undefined && !Object.hasOwn(CORE_PARTS, part)) {
  throw new Error(`STRYKER_PART must be one of ${Object.keys(CORE_PARTS).join(', ')}, not ${part}`);
}
/** Names the sandbox, the reports and the incremental file of this run. */
const runName = scope === 'core' && part !== undefined ? `core-${part}` : scope;

const scopes = {
  core: {
    mutate: part === undefined ? ['packages/verify/src/core/**/*.ts'] : CORE_PARTS[part].map((f) => `packages/verify/src/core/${f}.ts`),
    testFiles: [
      'test/core/display-text.test.ts',
      'test/core/bytes.test.ts',
      'test/core/canonical-json.test.ts',
      'test/core/dsse-pae.test.ts',
      'test/core/ed25519-dsse.test.ts',
      'test/core/edge-cases.test.ts',
      'test/core/fast-record-lines.test.ts',
      'test/core/merkle-vectors.test.ts',
      'test/core/statement.test.ts',
      'test/core/record-scan.test.ts',
      'test/core/certificate-vectors.test.ts',
      'test/core/object-proof.test.ts',
      'test/core/ed25519-strict.test.ts',
      'test/core/person.test.ts',
      'test/core/statement-fields.test.ts',
      'test/core/statement-v2.test.ts',
      'test/core/list.test.ts',
      'test/core/object-proof-v2.test.ts',
      'test/core/trust-root.test.ts',
      'test/core/pin.test.ts',
      'test/core/order-file.test.ts',
      'test/core/certificate-vectors-v2.test.ts',
      'test/core/approval.test.ts',
      'test/core/json-survivors.test.ts',
      'test/core/v2-survivors.test.ts',
      'test/core/derived-artifacts.test.ts',
    ],
    // The slow files (property tests of thousands of runs, the CLI in child processes): added
    // with STRYKER_FULL=1, which with the incremental report re-tests only the mutants that the
    // quick files above left alive.
    slowTestFiles: ['test/core/merkle.test.ts', 'test/cli/keygen-verify.test.ts', 'test/node/fast-verify.test.ts'],
  },
  engine: {
    // ingest and finalize, and what finalize came to call since: the re-scan (which revokes the records of
    // objects still present), the durable writer, the lists and the plan's targets (docs/coverage/engine-survivors.md).
    mutate: ['src/app/ingest.ts', 'src/app/finalize-order.ts', 'src/app/rescan.ts', 'src/app/durable-files.ts', 'src/app/certificate-lists.ts', 'src/app/plan-targets.ts'],
    testFiles: [
      'test/app/ingest.test.ts',
      'test/app/finalize-order.test.ts',
      'test/app/engine-survivors.test.ts',
      'test/app/engine.test.ts',
      'test/app/queue-trust.test.ts',
      'test/app/cancel.test.ts',
      'test/app/derived-orders.test.ts',
    ],
    // Each of these runs orders to the end: a mutant that stops an order from finishing makes
    // them wait until Stryker's timeout, about a minute per file. Added with STRYKER_FULL=1.
    slowTestFiles: ['test/app/example-order.test.ts', 'test/app/multi-backend.test.ts', 'test/app/bad-input.test.ts'],
  },
  confine: {
    mutate: ['src/adapters/storage/filesystem/confine.ts'],
    testFiles: [
      'test/adapters/storage/confine.test.ts',
      'test/adapters/storage/filesystem-confinement.test.ts',
      'test/adapters/storage/filesystem-threads.test.ts',
      'test/adapters/storage/filesystem-scope.test.ts',
      // Not filesystem-backend.test.ts: its permission test runs the backend as user nobody,
      // who cannot read Stryker's sandbox (a private temp dir), so it fails there without a mutant.
    ],
  },
};

const chosen = scopes[scope];
if (!chosen) throw new Error(`STRYKER_SCOPE must be one of ${Object.keys(scopes).join(', ')}, not ${scope}`);

/**
 * Mutants that only change what a person reads: the text of an error (tests
 * assert the code, never the message) and log lines. Stryker
 * reports them as "Ignored" with this reason, outside the score.
 */
const MESSAGE_ARGUMENT = {
  VerificationError: 1, ValidationError: 0, RuleError: 1, NotFoundError: 0, TypeError: 0, RangeError: 0, Error: 0, QueueAuthError: 0, RootChangedError: 0,
  // Helpers that only build one of those messages: confine.ts's changed(message), merkle-range.ts's
  // fail(code, message), and the names merkle-proof.ts and merkle-range.ts put in their messages.
  changed: 0, fail: 1, checkHashSize: 1, expectRoot: 2, checkSize: 1,
  // object-proof.ts's bad(why), and the name of the input that decodeInput and parseJsonInput put in their messages.
  bad: 0, decodeInput: 1, parseJsonInput: 1,
};
const LOG_LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

function isLogCall(node) {
  const callee = node.callee;
  if (callee?.type !== 'MemberExpression' || callee.property.type !== 'Identifier' || !LOG_LEVELS.has(callee.property.name)) return false;
  const object = callee.object;
  return (object.type === 'Identifier' && object.name === 'log') || (object.type === 'MemberExpression' && object.property.type === 'Identifier' && object.property.name === 'log');
}

const messageText = {
  shouldIgnore(path) {
    if (path.isCallExpression() && isLogCall(path.node)) return 'a log line: what it says is for a person';
    const parent = path.parentPath;
    if (!parent || path.listKey !== 'arguments' || !(parent.isNewExpression() || parent.isCallExpression())) return undefined;
    // `new VerificationError(code, message)`, or a helper that builds one (confine.ts: `this.changed(message)`).
    const callee = parent.node.callee;
    const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && callee.property.type === 'Identifier' ? callee.property.name : undefined;
    if (name !== undefined && Object.hasOwn(MESSAGE_ARGUMENT, name) && MESSAGE_ARGUMENT[name] === path.key) return `the message text of ${name}(): tests assert codes, not messages`;
    return undefined;
  },
};

// This file is also the plugin module that declares the ignorer (`plugins` below).
export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'message-text', messageText)];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  plugins: ['@stryker-mutator/tap-runner', './stryker.config.mjs'],
  ignorers: ['message-text'],
  testRunner: 'tap',
  tap: {
    testFiles: [...chosen.testFiles, ...(process.env.STRYKER_FULL === '1' ? (chosen.slowTestFiles ?? []) : [])],
    nodeArgs: ['--import', 'tsx'],
    forceBail: true,
  },
  mutate: chosen.mutate,
  coverageAnalysis: 'perTest',
  // A second run re-tests only the mutants whose code or covering test files changed.
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${runName}.json`,
  // Two cores, shared: one mutant at a time per core.
  concurrency: 2,
  // A mutant that loops forever is stopped this long after the test time it had without mutants.
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${runName}.html` },
  jsonReporter: { fileName: `reports/mutation/${runName}.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // One per scope, so that runs of two scopes at once never remove each other's sandbox.
  tempDirName: `.stryker-tmp/${runName}`,
  // Stryker would rewrite tsconfig.json's paths with the TypeScript API, which
  // TypeScript 7 (the native compiler) does not have; tsx ignores tsconfig paths
  // here anyway, and ours has no `extends` or `references` to rewrite.
  tsconfigFile: 'stryker-has-no-tsconfig.json',
  ignorePatterns: ['.stryker-tmp', '.venv-test', '.hypothesis', 'coverage', 'test-output', 'data', 'dist', 'reports', '.c8_output', 'test/interop/bin'],
  thresholds: { high: 90, low: 80, break: null },
};
