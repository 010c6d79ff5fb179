#!/usr/bin/env node
// `shredproof-verify verify|prove ...`: verify shredproof certificates and
// per-object proofs offline. Exit 0 valid, 1 invalid, 2 usage or unreadable
// input. The published package runs its compiled JavaScript (dist/); in a
// checkout of the shredproof repository the sources run through tsx (a
// devDependency there), so that an edit is never shadowed by a stale build.
import { existsSync } from 'node:fs';

let main;
if (existsSync(new URL('../src/cli/main.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
process.exitCode = await main(process.argv);
