// Entry point bundled for Chromium by test/browser/core-vectors.test.ts:
// puts the vector checks where page.evaluate can call them.
import { coreVectorChecks } from './core-vector-checks.js';

(globalThis as { coreVectorChecks?: typeof coreVectorChecks }).coreVectorChecks = coreVectorChecks;
