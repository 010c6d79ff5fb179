// The version in package.json, read when it is first asked for: `shredproof
// --version`, the client's User-Agent and the API's OpenAPI document. The
// package root is found by walking up from this file: src/ when run through
// tsx, dist/src/ once built (a relative require of ../package.json would
// point into dist/, where there is none).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      // not here: one level up
    }
    if (text !== undefined) {
      const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
      if (pkg.name === 'shredproof' && typeof pkg.version === 'string') return (cached = pkg.version);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json of shredproof above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
