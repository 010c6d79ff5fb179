// What a person does on the verifier page beyond test/helpers/browser.ts:
// drop a whole bundle (real files and folders from disk, dragged by
// Chromium's own drag and drop through the DevTools protocol, so that the
// page reads them as it reads a person's drop), choose a bundle folder, type
// a pin, and read the per-file verdicts.
import type { Page } from 'playwright-core';

export const EXAMPLE_KEYID = '34750f98bd59fcfc946da45aaabe933be154a4b5094e1c4abf42866505f3c97e';

/** Drags files and folders from disk onto the element, as a file manager would (Input.dispatchDragEvent with real paths). */
export async function dropPaths(page: Page, selector: string, paths: string[]): Promise<void> {
  const target = page.locator(selector);
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  const [x, y] = [box.x + box.width / 2, box.y + Math.min(box.height / 2, 40)];
  const cdp = await page.context().newCDPSession(page);
  try {
    const data = { items: [], files: paths, dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
  } finally {
    await cdp.detach();
  }
}

/** Waits until the bundle box says it sorted a bundle, and returns what it says. */
export async function bundleStatus(page: Page, before = ''): Promise<string> {
  await page.waitForFunction((b) => {
    const t = document.getElementById('bundle-status')!.textContent ?? '';
    return t !== '' && t !== b;
  }, before);
  return (await page.textContent('#bundle-status')) ?? '';
}

/** Chooses a bundle folder with the folder picker, as a person would; the page sorts it as the change event fires. */
export async function chooseBundleFolder(page: Page, dir: string): Promise<string> {
  await page.setInputFiles('#file-bundle-folder', dir);
  return (await page.textContent('#bundle-status')) ?? '';
}

export interface Pins {
  keyid?: string;
  trustSha256?: string;
  /** A trust.json of the person's own. */
  trust?: string;
}

/** Sets exactly these pins (the others emptied). */
export async function setPins(page: Page, pins: Pins): Promise<void> {
  await page.fill('#pin-keyid', pins.keyid ?? '');
  await page.fill('#pin-trust-sha256', pins.trustSha256 ?? '');
  await page.setInputFiles('#file-pinTrust', pins.trust ?? []);
}

/** Empties every file box and the bundle's ignored list. */
export async function removeAllFiles(page: Page): Promise<void> {
  await page.click('#clear-all');
}

export interface FileRow {
  file: string;
  status: string;
  code: string | undefined;
  detail: string;
}

/** The per-file verdicts of the last verification, in the page's order. */
export async function fileReports(page: Page): Promise<FileRow[]> {
  return page.locator('#file-reports > tr').evaluateAll((rows) =>
    rows.map((r) => {
      const cells = [...r.querySelectorAll('td')].map((c) => c.textContent ?? '');
      const code = /^INVALID (\S+)/.exec(cells[1] ?? '')?.[1];
      return { file: (r as HTMLElement).dataset.file ?? '', status: (r as HTMLElement).dataset.status ?? '', code, detail: cells[2] ?? '' };
    }),
  );
}
