// Entry point of an fs thread: runs tasks with synchronous fs calls, one at a
// time, with one reused 1 MiB read buffer. Started by fs-thread-pool.ts.

import { parentPort, workerData } from 'node:worker_threads';
import { DirResolver } from './confine.js';
import { destroyItem, hashIdentified, hashItem, probeItem, unlinkIdentified } from './fs-ops.js';
import type { ThreadData, ThreadRequest, ThreadResponse } from './protocol.js';
import { readDir } from './read-dir.js';
import { removeDir } from './remove-dir.js';

const READ_BUFFER_BYTES = 1 << 20;
const { mode } = workerData as ThreadData;
const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

function run(task: ThreadRequest): unknown {
  if (task.op === 'crash') process.exit(70);
  const dirs = new DirResolver(task.root, mode);
  try {
    switch (task.op) {
      case 'hash':
        return task.items.map((locator) => hashItem(dirs, locator, buffer));
      case 'destroy':
        return task.items.map((item) => destroyItem(dirs, item.locator, item.fingerprint));
      case 'probe':
        return task.items.map((locator) => probeItem(dirs, locator));
      case 'hash-identified':
        return task.items.map((locator) => hashIdentified(dirs, locator, buffer));
      case 'unlink-identified':
        return task.items.map((item) => unlinkIdentified(dirs, item.locator, item.identity));
      case 'readdir':
        return readDir(dirs, task.dir);
      case 'rmdir':
        return task.items.map((dir) => removeDir(dirs, dir));
    }
  } finally {
    dirs.close();
  }
}

const port = parentPort!;
port.on('message', (task: ThreadRequest) => {
  let response: ThreadResponse;
  try {
    response = { id: task.id, ok: true, result: run(task) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const code = (err as { code?: unknown }).code;
    response = { id: task.id, ok: false, error: { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) } };
  }
  port.postMessage(response);
});
