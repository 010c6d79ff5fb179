// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// with the offline verifier page opened from file://. Every request the page
// makes is recorded and anything bound for a network is aborted, so tests can
// assert that there were none; console errors (a CSP violation is one) are kept too.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildVerifierPage, bundleForBrowser } from '../../src/verifier-page/build.js';
import { ROOT } from './run-cli.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'browser');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface VerifierPage {
  page: Page;
  context: BrowserContext;
  /** Every URL the page or its worker asked for, the page's own file:// URL included. */
  requests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  url: string;
  /** A temp dir for the test's own files; removed by close(). */
  dir: string;
  /** Requests other than the page itself and its blob: worker: must stay empty. */
  networkRequests(): string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Fails (never skips) when Chromium is missing, in CI and out of it, saying how to install it. */
export function requireChromium(path = CHROMIUM): void {
  if (!existsSync(path)) {
    throw new Error(`Chromium is not installed at ${path}; the verifier page tests need it. Install it: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
}

/** Writes the page to a fresh temp dir and opens it from file:// in a fresh headless Chromium profile. */
export async function openVerifierPage(): Promise<VerifierPage> {
  requireChromium();
  const dir = mkdtempSync(join(tmpdir(), 'sp-page-'));
  const file = join(dir, 'verify.html');
  writeFileSync(file, await buildVerifierPage());
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
  });
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  await context.route(/^(https?|wss?|ftp):/i, (route) => route.abort('blockedbyclient'));
  const url = pathToFileURL(file).href;
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('websocket', (ws) => requests.push(ws.url()));
  await page.goto(url);
  return {
    page,
    context,
    requests,
    errors,
    url,
    dir,
    networkRequests: () => requests.filter((u) => u !== url && !u.startsWith('blob:')),
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PageFiles {
  certificate?: string;
  publicKey?: string;
  records?: string;
  proof?: string;
}

/** Chooses exactly these files in the pickers (the others are cleared), as a person would. */
export async function chooseFiles(page: Page, files: PageFiles): Promise<void> {
  for (const slot of ['certificate', 'publicKey', 'records', 'proof'] as const) {
    const path = files[slot];
    await page.setInputFiles(`#file-${slot}`, path === undefined ? [] : path);
  }
}

export interface Verdict {
  verdict: string;
  word: string;
  code: string | undefined;
  detail: string;
}

export async function readVerdict(page: Page): Promise<Verdict> {
  return page.evaluate(() => ({
    verdict: document.getElementById('verdict')!.dataset.verdict ?? '',
    word: document.getElementById('verdict-word')!.textContent ?? '',
    code: document.getElementById('verdict-code')?.textContent ?? undefined,
    detail: document.getElementById('verdict-detail')!.textContent ?? '',
  }));
}

/** Presses Verify and waits for the verdict. */
export async function verifyInPage(page: Page, timeoutMs = 120_000): Promise<Verdict> {
  await page.click('#verify');
  await page.waitForFunction(() => document.getElementById('verdict')!.dataset.verdict !== 'running', null, { timeout: timeoutMs, polling: 100 });
  return readVerdict(page);
}

export interface PhotoResult {
  status: string;
  text: string;
}

/** Chooses files in "Check a photo" and waits until each has a result; returns them in the order given. */
export async function checkPhotos(page: Page, paths: string[], timeoutMs = 120_000): Promise<PhotoResult[]> {
  const before = await page.locator('#photo-results > li').count();
  await page.setInputFiles('#file-photo', paths);
  await page.waitForFunction((n) => document.querySelectorAll('#photo-results > li').length >= n, before + paths.length, { timeout: timeoutMs, polling: 100 });
  const items = await page.locator('#photo-results > li').evaluateAll((lis) => lis.map((li) => ({ status: (li as HTMLElement).dataset.status ?? '', text: li.textContent ?? '' })));
  return items.slice(before);
}

/** A page of checks: the same functions run in Node by a test and in Chromium through `call`. */
export interface ChecksPage<C> {
  /**
   * Calls one check in the page. Arguments and results cross as JSON text:
   * JSON.stringify escapes lone surrogates, which a vector may hold and which
   * the bridge to the browser would otherwise replace.
   */
  call<K extends keyof C & string>(name: K, input: C[K] extends (input: infer I) => unknown ? I : never): Promise<C[K] extends (...args: never[]) => infer R ? Awaited<R> : never>;
  /** Uncaught errors in the page: a test asserts there were none. */
  pageErrors: string[];
  /** Requests bound for a network, as VerifierPage.networkRequests: must stay empty. */
  networkRequests(): string[];
  close(): Promise<void>;
}

/**
 * A blank page in a fresh headless Chromium with `entry` bundled into it
 * (src/verifier-page/build.ts's bundler); the entry puts its checks at
 * globalThis[global].
 */
export async function openChecksPage<C>(title: string, entry: URL, global: string): Promise<ChecksPage<C>> {
  const p = await openVerifierPage();
  const page = await p.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setContent(`<!doctype html><title>${title}</title>`);
  await page.addScriptTag({ content: await bundleForBrowser(fileURLToPath(entry)) });
  return {
    async call(name, input) {
      const out = await page.evaluate(
        async ([g, fn, json]) => JSON.stringify(await (globalThis as unknown as Record<string, Record<string, (x: unknown) => unknown>>)[g]![fn]!(JSON.parse(json))),
        [global, name, JSON.stringify(input)] as const,
      );
      return JSON.parse(out);
    },
    pageErrors,
    networkRequests: () => p.networkRequests(),
    close: () => p.close(),
  };
}
