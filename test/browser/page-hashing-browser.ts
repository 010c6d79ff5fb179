// Entry point bundled for Chromium by test/browser/page-hashing.test.ts:
// puts the page's hashing checks where page.evaluate can call them.
import { pageHashingChecks } from './page-hashing-checks.js';

(globalThis as { pageHashingChecks?: typeof pageHashingChecks }).pageHashingChecks = pageHashingChecks;
