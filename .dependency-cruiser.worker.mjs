// What a standalone worker (workers/main.ts) loads when it starts, checked on the import graph
// without dynamic import(): `npm run lint` and test/architecture/dependency-rules.test.ts run it
// after .dependency-cruiser.mjs, which holds every other rule and shares its options here.
//
// A separate cruise because dependency-cruiser's reachability rules follow every edge: the
// storage registry (src/adapters/storage/registry.ts) imports each kind when a configuration
// first uses it, so a worker that deletes from a SQLite storage backend does load better-sqlite3,
// and the filesystem backend run from sources bundles its thread with esbuild. Neither may be
// loaded before that, by the worker's own code.
import base from './.dependency-cruiser.mjs';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'worker-startup-loads-no-sqlite-or-esbuild',
      severity: 'error',
      comment:
        'An idle worker holds neither better-sqlite3 (the ledger\'s driver) nor esbuild (the page ' +
        'builder\'s bundler): only a storage kind that needs one loads it, through import().',
      from: { path: '^workers/main\\.ts$' },
      to: { path: '(^|/)node_modules/(@types/)?(better-sqlite3|esbuild)/', reachable: true },
    },
  ],
  options: { ...base.options, exclude: { dynamic: true } },
};
