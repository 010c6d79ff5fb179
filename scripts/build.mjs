// `npm run build`: the JavaScript that an installed package or an image runs.
//   1. packages/verify → packages/verify/dist (the verifier package, with its types)
//   2. src/ and workers/ → dist/ (the server and the CLI; they import @shredproof/verify
//      through node_modules, that is, the package built in step 1)
//   3. the offline verifier page → dist/src/verifier-page/verifier.html, so that the
//      server needs no bundler at run time
// Each output directory is emptied first: a file whose source was removed must not ship.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// TypeScript 7 exports no path to its compiler: its package.json's bin names it.
const tsPackage = createRequire(import.meta.url).resolve('typescript/package.json');
const tsc = join(dirname(tsPackage), JSON.parse(readFileSync(tsPackage, 'utf8')).bin.tsc);

for (const [dir, project] of [
  ['packages/verify/dist', 'packages/verify/tsconfig.build.json'],
  ['dist', 'tsconfig.build.json'],
]) {
  rmSync(new URL(`../${dir}`, import.meta.url), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}

process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../tsconfig.json', import.meta.url));
const { register } = await import('tsx/esm/api');
register();
const { assemble, PREBUILT_PAGE } = await import('../src/verifier-page/build.ts');
const page = new URL(`../dist/src/verifier-page/${PREBUILT_PAGE}`, import.meta.url);
writeFileSync(page, await assemble());
const { assembleConsole, PREBUILT } = await import('../src/console/build.ts');
const consoleFiles = await assembleConsole();
for (const part of ['html', 'script', 'style']) writeFileSync(new URL(`../dist/src/console/${PREBUILT[part]}`, import.meta.url), consoleFiles[part]);
process.stdout.write(`built packages/verify/dist, dist/, ${fileURLToPath(page).slice(root.length)} and dist/src/console/\n`);
