// Builds the offline verifier page: one HTML file with the UI, the worker and
// packages/verify/src/core bundled by esbuild and inlined. Its Content-Security-Policy allows
// exactly these inline bytes (by SHA-256) and a blob: worker, and nothing from
// anywhere: default-src 'none' forbids every request, so the page works from
// file:// and cannot send a regulator's files anywhere. The build fails if
// any module would pull in a Node built-in.
// A build (`npm run build`: scripts/build.mjs) writes the page once, as
// verifier.html beside the compiled module, and the server reads that file:
// esbuild is a development tool, not something the server needs at run time.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

const sourceFile = (name: string) => fileURLToPath(new URL(name, import.meta.url));
// Run through tsx the sources are .ts; compiled, they sit beside this file as .js.
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
// Browsers of 2023 and later: private fields, BigInt, TextDecoder, DataTransfer, Blob workers.
const TARGETS = ['chrome109', 'firefox115', 'safari16'];

const BUILTINS = new Set(builtinModules);

const browserOnly: Plugin = {
  name: 'browser-only',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (!args.path.startsWith('node:') && !BUILTINS.has(args.path)) return undefined;
      return { errors: [{ text: `${args.path} is a Node built-in, imported by ${args.importer}; the verifier page runs in a browser` }] };
    });
  },
};

/** Bundles one browser entry point as the page does; rejects if anything in it imports a Node built-in. */
export async function bundleForBrowser(
  entryPath: string,
  define: Record<string, string> = {},
  extra: Pick<BuildOptions, 'jsx' | 'jsxImportSource'> & { checkInputs?: (paths: string[]) => void } = {},
): Promise<string> {
  const { build } = await import('esbuild');
  const { checkInputs, ...jsx } = extra;
  const result = await build({
    ...jsx,
    // Paths in the bundle's comments and its metafile are the repository's, wherever the process started.
    absWorkingDir: fileURLToPath(new URL('../..', import.meta.url)),
    // Every module the bundle holds, for checkInputs: the import graph as esbuild resolved it.
    metafile: checkInputs !== undefined,
    entryPoints: [entryPath],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: TARGETS,
    charset: 'utf8',
    // Left readable on purpose: a regulator may want to read what runs. noble's licence notices stay.
    legalComments: 'inline',
    define,
    plugins: [browserOnly],
    logLevel: 'silent',
  });
  if (checkInputs) checkInputs(Object.keys(result.metafile!.inputs));
  return result.outputFiles[0]!.text;
}

const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Inline text must not end its element early, nor open an HTML comment inside a script. */
function assertInlineSafe(text: string, element: 'script' | 'style'): void {
  const bad = new RegExp(`</${element}|<!--`, 'i').exec(text);
  if (bad) throw new Error(`the bundled ${element} contains ${JSON.stringify(bad[0])}, which cannot be inlined`);
}

function fill(template: string, values: Record<string, string>): string {
  // A replacer function, not a replacement string: the script may contain "$&" and the like.
  return template.replace(/\{\{([A-Z]+)\}\}/g, (m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`template placeholder ${m} has no value`);
    return v;
  });
}

/** The file the build writes the page to, beside this module once compiled. */
export const PREBUILT_PAGE = 'verifier.html';

/** Builds the page from its sources with esbuild. */
export async function assemble(): Promise<string> {
  const worker = await bundleForBrowser(sourceFile(`./worker${EXT}`));
  const script = await bundleForBrowser(sourceFile(`./main${EXT}`), { __WORKER_SOURCE__: JSON.stringify(worker) });
  const [template, style] = await Promise.all([readFile(sourceFile('./template.html'), 'utf8'), readFile(sourceFile('./page.css'), 'utf8')]);
  assertInlineSafe(script, 'script');
  assertInlineSafe(style, 'style');
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(style)}`,
    'worker-src blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return fill(template, { CSP: csp, STYLE: style, SCRIPT: script });
}

let page: Promise<string> | undefined;

/**
 * The complete page, kept in memory: compiled, the one the build wrote;
 * from the sources, built once per process.
 */
export function buildVerifierPage(): Promise<string> {
  page ??= (EXT === '.js' ? readFile(sourceFile(`./${PREBUILT_PAGE}`), 'utf8') : assemble()).catch((e: unknown) => {
    page = undefined; // a failed build is not cached
    throw e;
  });
  return page;
}
