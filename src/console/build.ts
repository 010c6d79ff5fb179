// Builds the console (docs/ARCHITECTURE.md, "The console"): a one-page
// application in Preact, bundled by esbuild from ./ui into one script and
// one style sheet that `shredproof serve` sends from its own origin. Nothing
// is fetched from anywhere else: the Content-Security-Policy below allows
// scripts, styles and requests from the server itself and nothing more, no
// inline code, no frames. As with the verifier page, a build (`npm run
// build`) writes the files once beside this module and the server reads
// them; from the sources (tsx) they are built once per process.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser } from '../verifier-page/build.js';

const sourceFile = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** The header every console response carries, in place of helmet's. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  // No string ever becomes HTML or script: Preact and the verifier's DOM builder make text nodes only.
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

export interface ConsoleAssets {
  html: string;
  script: string;
  style: string;
  icon: string;
}

/** The files a build writes, beside this module once compiled. */
export const PREBUILT = { html: 'console.html', script: 'console.js', style: 'console.css' } as const;

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>shredproof console</title>
<link rel="icon" href="/console/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/console.css">
<script defer src="/console/console.js"></script>
</head>
<body>
<div id="app"><noscript><p>The shredproof console needs JavaScript. Everything it does is also in the API (docs/API.md) and the command line.</p></noscript></div>
</body>
</html>
`;

// A shredder's slot and strips, so that the browser asks for no /favicon.ico.
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="2" width="14" height="5" rx="1" fill="#0b5cad"/><path d="M3 8v6M6 8v5M9 8v6M12 8v5" stroke="#0b5cad" stroke-width="1.5"/></svg>\n';

/**
 * What the console may be made of, by path from the repository root: its own
 * components, the API client, the verifier page's code and the verifier core
 * (the checks a regulator runs), two constant lists of the ports, and the
 * browser packages it was built with. dependency-cruiser cannot parse JSX
 * (its swc parser reads TypeScript without it), so this rule is checked on
 * the import graph esbuild resolved instead, at every build of the console.
 */
const CONSOLE_INPUTS = [
  /^src\/console\/ui\//,
  /^src\/client\/(api-client|sse|format)\.ts$/,
  /^src\/verifier-page\//,
  /^packages\/verify\/src\/core\//,
  /^src\/app\/ports\/(orders|access)\.ts$/,
  // A package wherever its node_modules is: a workspace or a linked install resolves it outside this checkout.
  /(^|\/)node_modules\/(preact|@noble\/(hashes|ed25519|ciphers)|eventsource-parser)\//,
];

export function checkConsoleInputs(paths: readonly string[]): void {
  const stray = paths.filter((p) => !CONSOLE_INPUTS.some((re) => re.test(p)));
  if (stray.length > 0) throw new Error(`the console may not include ${stray.join(', ')} (allowed: src/console/build.ts CONSOLE_INPUTS)`);
}

/** Bundles the console from its sources (esbuild is a development dependency: a build does this once). */
export async function assembleConsole(): Promise<ConsoleAssets> {
  const script = await bundleForBrowser(sourceFile('./ui/main.tsx'), {}, { jsx: 'automatic', jsxImportSource: 'preact', checkInputs: checkConsoleInputs });
  const style = await readFile(sourceFile('./ui/console.css'), 'utf8');
  return { html: HTML, script, style, icon: ICON };
}

async function readPrebuilt(): Promise<ConsoleAssets> {
  const [html, script, style] = await Promise.all([PREBUILT.html, PREBUILT.script, PREBUILT.style].map((f) => readFile(sourceFile(`./${f}`), 'utf8')));
  return { html: html!, script: script!, style: style!, icon: ICON };
}

let assets: Promise<ConsoleAssets> | undefined;

/** The console's three files, kept in memory: compiled, the ones the build wrote; from the sources, built once. */
export function consoleAssets(): Promise<ConsoleAssets> {
  assets ??= (EXT === '.js' ? readPrebuilt() : assembleConsole()).catch((e: unknown) => {
    assets = undefined; // a failed build is not cached
    throw e;
  });
  return assets;
}
