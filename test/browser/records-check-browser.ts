// Entry point bundled for Chromium by test/browser/records-check.test.ts:
// puts the page's records checks where page.evaluate can call them.
import { recordsChecks } from './records-check-checks.js';

(globalThis as { recordsChecks?: typeof recordsChecks }).recordsChecks = recordsChecks;
