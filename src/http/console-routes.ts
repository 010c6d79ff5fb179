// GET /console (the page), /console/console.js and /console/console.css: the
// web console (src/console). The page itself holds no data and needs no
// token; everything it shows comes from the API with the token the person
// signs in with. Each answer carries the console's own strict
// Content-Security-Policy instead of helmet's.
import type { Express } from 'express';
import type { ConsoleAssets } from '../console/build.js';
import { CONSOLE_CSP } from '../console/build.js';

const FILES = [
  ['/console', 'text/html', 'html'],
  ['/console/console.js', 'text/javascript', 'script'],
  ['/console/console.css', 'text/css', 'style'],
  ['/console/icon.svg', 'image/svg+xml', 'icon'],
] as const;

export function mountConsole(app: Express, assets: () => Promise<ConsoleAssets>): void {
  for (const [path, type, part] of FILES) {
    app.get(path, async (_req, res, next) => {
      try {
        const body = (await assets())[part];
        res.status(200).set({ 'Content-Security-Policy': CONSOLE_CSP, 'Cache-Control': 'no-cache' }).type(type).send(body);
      } catch (e) {
        next(e);
      }
    });
  }
}
