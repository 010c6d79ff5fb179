// `shredproof --version` and the client's User-Agent: the version in
// package.json, read when the command runs. The package root is found by
// walking up from this file: src/cli/ when run through tsx, dist/src/cli/ once built.
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
