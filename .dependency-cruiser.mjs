// The architecture's import rules, checked by dependency-cruiser in `npm run lint` and by
// test/architecture/dependency-rules.test.ts in `npm test` (which is what CI runs); what a
// worker loads at startup is the one rule in .dependency-cruiser.worker.mjs.
// Run it alone: npx depcruise --config .dependency-cruiser.mjs src workers packages/verify/src
//
// Paths are relative to the repository root and match the *resolved* file, so
// `@shredproof/verify` counts as packages/verify/src/core (tsconfig.json's paths) and a
// package counts as node_modules/<name>/... Type-only imports count like any other: the
// swc parser reads the import declarations as written, before TypeScript erases any.

// The outer layers: what the use cases and the adapters must not know about.
const INTERFACES = '^src/(http|cli|main|client|verifier-page)/';
// Clients of databases, queues and object stores, and the HTTP framework: adapters' business.
const INFRASTRUCTURE_PACKAGES =
  '(^|/)node_modules/(@types/)?(better-sqlite3|ioredis|bullmq|pg|mysql2|express|@aws-sdk/[^/]+)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle makes two modules one: neither can be read, tested or loaded without the other, ' +
        'and the import order decides which sees the other half-initialised.',
      from: { path: '^(src|workers|packages)/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-only-noble',
      severity: 'error',
      comment:
        'The verifier core runs in a browser and ships alone (the offline page, the CLI verifier): ' +
        'its own files and @noble/* only; no node: built-ins, no other package.',
      from: { path: '^packages/verify/src/core/' },
      to: { pathNot: ['^packages/verify/src/core/', '(^|/)node_modules/@noble/'] },
    },
    {
      name: 'verify-package-depends-on-noble-only',
      severity: 'error',
      comment:
        "@shredproof/verify's Node parts (records files, key files, the verify and prove commands) " +
        'depend on nothing beyond @noble: its own files, @noble/* and node: built-ins.',
      from: { path: '^packages/verify/src/(node|cli)/' },
      to: {
        pathNot: ['^packages/verify/src/', '(^|/)node_modules/@noble/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'verify-package-standalone',
      severity: 'error',
      comment:
        'The verifier package is published on its own: a regulator installs it without the server, ' +
        'so nothing in it may reach into src/, workers/ or bin/.',
      from: { path: '^packages/verify/' },
      to: { path: '^(src|workers|bin)/' },
    },
    {
      name: 'app-not-to-outer-layers',
      severity: 'error',
      comment:
        'Use cases (src/app, src/app/ports) depend on the core and their ports only: the composition ' +
        'roots hand them adapters. Importing an adapter, the HTTP API, the CLI, a root, the API client ' +
        'or the verifier page would tie a use case to one technology or one interface.',
      from: { path: '^src/app/' },
      to: { path: ['^src/adapters/', INTERFACES] },
    },
    {
      name: 'app-not-to-infrastructure-packages',
      severity: 'error',
      comment:
        'No database, queue or object-store client and no HTTP framework in a use case: a port ' +
        '(src/app/ports) says what the use case needs, an adapter owns the connection.',
      from: { path: '^src/app/' },
      to: { path: INFRASTRUCTURE_PACKAGES },
    },
    {
      name: 'adapters-not-to-interfaces',
      severity: 'error',
      comment:
        'Adapters implement ports for whichever process wires them; they know nothing of the HTTP ' +
        'API, the CLI, the composition roots, the API client or the verifier page.',
      from: { path: '^src/adapters/' },
      to: { path: INTERFACES },
    },
    {
      name: 'worker-entry-reaches-no-ledger-key-http-or-page',
      severity: 'error',
      comment:
        'A standalone worker talks to Redis and the storage backends only: it must never hold the ' +
        'ledger, the signing key, the HTTP API (nor express) or the page builder, through any chain ' +
        'of imports, dynamic import() included. That better-sqlite3 and esbuild stay out of its ' +
        'startup is the rule of .dependency-cruiser.worker.mjs: a configured SQLite or filesystem ' +
        'storage backend loads them later, lazily, by design.',
      from: { path: '^workers/main\\.ts$' },
      to: {
        path: ['^src/adapters/(ledger|keys)/', '^src/(http|verifier-page)/', '(^|/)node_modules/(@types/)?express/'],
        reachable: true,
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'Every import resolves: a rule above says nothing about an import the tool could not follow, ' +
        'so an unresolved one would let a violation through silently.',
      from: { path: '^(src|workers|packages)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Follow our sources; stop at a package's entry (its path is enough for the rules above).
    doNotFollow: { path: '(^|/)node_modules/' },
    // The console's components are JSX, which the swc parser below does not read: their imports are
    // held to src/console/build.ts's CONSOLE_INPUTS on the graph esbuild resolves at each build.
    exclude: { path: '^src/console/ui/' },
    // TypeScript 7 has no compiler API, which dependency-cruiser's TypeScript parser needs (it
    // accepts typescript <7 only): swc (@swc/core, a devDependency) parses the sources instead.
    parser: 'swc',
    // Count imports that compile away (`import type`, `import { type X }`) too: a type import is
    // still a dependency. swc reads the imports as written, so it always does; this says so, and
    // keeps it so should the parser ever be tsc again.
    tsPreCompilationDeps: true,
    // Its paths map @shredproof/verify to packages/verify/src, as tsx and the type checker do.
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
