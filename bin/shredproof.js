#!/usr/bin/env node
// Entry point for `shredproof`. An installed package or an image runs the
// compiled JavaScript (dist/, made by `npm run build`); a checkout of the
// sources runs the TypeScript through tsx (a devDependency), so that `npm ci`
// alone gives a working command and an edit is never shadowed by a stale build.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path) => new URL(path, import.meta.url);
let main;
if (existsSync(here('../src/cli/main.ts'))) {
  // tsx resolves @shredproof/verify to packages/verify/src through tsconfig.json's paths, wherever we run from.
  if (existsSync(here('../tsconfig.json'))) process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(here('../tsconfig.json'));
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else if (existsSync(here('../dist/src/cli/main.js'))) {
  ({ main } = await import('../dist/src/cli/main.js'));
} else {
  process.stderr.write('shredproof: neither the sources (src/) nor a build (dist/) is here: run `npm run build`\n');
  process.exit(2);
}
process.exitCode = await main(process.argv);
