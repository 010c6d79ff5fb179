// The conformance suite against the FilesystemBackend, on a fresh temp dir per case.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FilesystemBackend } from '../../../../src/adapters/storage/filesystem/filesystem-backend.js';
import type { BackendFixture } from './fixture.js';
import { runConformance } from './suite.js';

/** Deterministic content of a seed: sizes vary (0 bytes included) so that size is really checked. */
function contentOf(seed: number): Buffer {
  const size = (seed * 7919) % 5000;
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 17) & 0xff;
  return b;
}

async function filesystemFixture(): Promise<BackendFixture> {
  const base = mkdtempSync(join(tmpdir(), 'shredproof-conf-fs-'));
  const root = join(base, 'root');
  mkdirSync(root);
  const backend = new FilesystemBackend({ name: 'files', root, threads: 2 });
  const path = (locator: string) => join(root, locator);
  return {
    backend,
    scope: { include: ['in/**', 'held/**'] },
    hold: { id: 'hold-1', reason: 'litigation', target: 'files', match: { include: ['held/**'] } },
    badScopes: [
      { label: 'not an object', scope: 'in/**' },
      { label: 'empty include', scope: { include: [] } },
      { label: 'escapes the root', scope: { include: ['../**'] } },
      { label: 'absolute pattern', scope: { include: ['/etc/**'] } },
      { label: 'unknown key', scope: { include: ['in/**'], where: 'x' } },
    ],
    async seed(objects) {
      return objects.map(({ name, seed }) => {
        const content = contentOf(seed);
        mkdirSync(dirname(path(name)), { recursive: true });
        writeFileSync(path(name), content);
        return { locator: name, sha256: createHash('sha256').update(content).digest('hex'), size: content.length };
      });
    },
    async exists(locator) {
      return existsSync(path(locator));
    },
    // Same size, new bytes, written in place (same inode): the hardest change to notice.
    async mutate(locator) {
      const old = readFileSync(path(locator));
      const next = Buffer.from(old.length > 0 ? old.map((b) => b ^ 0xff) : Buffer.from('x'));
      writeFileSync(path(locator), next);
    },
    async remove(locator) {
      unlinkSync(path(locator));
    },
    transientFaultNote:
      'a local filesystem has no transient fault that a test can cause on demand without root (EIO, EMFILE, ESTALE need a broken disk, a full fd table or NFS); the errno classification is unit-tested in filesystem-scope.test.ts',
    async close() {
      await backend.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

runConformance('filesystem', filesystemFixture);
