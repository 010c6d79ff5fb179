#!/usr/bin/env node
// Entry point for `shredproof`. The sources are TypeScript run through tsx, so
// that `npm ci` alone gives a working command (no build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
