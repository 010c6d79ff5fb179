// `npm test`: runs every test/**/*.test.ts file through node's test runner
// with tsx. Node 20 does not expand globs in --test arguments itself, and the
// shell npm uses has no `**`, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function* find(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* find(p);
    else if (name.endsWith('.test.ts')) yield p;
  }
}

const only = process.argv.slice(2);
const files = only.length ? only : [...find('test')];
if (files.length === 0) {
  console.error('no test files found under test/');
  process.exit(1);
}
// tsx finds tsconfig.json (whose paths map @shredproof/verify to packages/verify/src) from the
// working directory; tests start processes elsewhere on purpose, and they must load the same
// sources, not whatever build of the package lies in packages/verify/dist.
const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000', ...files],
  { stdio: 'inherit', env: { ...process.env, TSX_TSCONFIG_PATH: process.env.TSX_TSCONFIG_PATH || tsconfig } },
);
process.exit(r.status ?? 1);
