// Standard output and error that survive a reader that went away. In
// `shredproof-verify verify ... | head -1` the reader may exit before the
// command writes, and the write then fails with EPIPE: that is no failure of the
// command, so its output is dropped quietly and it ends with its own exit code
// (Node's default was an unhandled 'error' event: a stack trace and exit 1).

export interface GuardedOutput {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The error that closed standard output other than EPIPE (a full disk...), if any: the output is incomplete. */
  stdoutFailure: () => NodeJS.ErrnoException | undefined;
}

/** An error listener is attached once per stream, however many times main() runs in the process. */
const guarded = new WeakMap<NodeJS.WritableStream, { closed: boolean; failure?: NodeJS.ErrnoException }>();

function guard(stream: NodeJS.WritableStream & { destroyed?: boolean }): { closed: boolean; failure?: NodeJS.ErrnoException } {
  let state = guarded.get(stream);
  if (!state) {
    const s: { closed: boolean; failure?: NodeJS.ErrnoException } = { closed: false };
    stream.on('error', (e: NodeJS.ErrnoException) => {
      s.closed = true;
      // EPIPE: the reader is gone, which is its choice. Anything else means output was lost.
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') s.failure ??= e;
    });
    guarded.set(stream, s);
    state = s;
  }
  return state;
}

function writer(stream: NodeJS.WritableStream & { destroyed?: boolean }): (line: string) => void {
  const state = guard(stream);
  return (line) => {
    if (state.closed || stream.destroyed) return;
    stream.write(line + '\n');
  };
}

export function processOutput(stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): GuardedOutput {
  const out = writer(stdout);
  const err = writer(stderr);
  return { out, err, stdoutFailure: () => guard(stdout).failure };
}
