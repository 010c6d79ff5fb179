// A Blob read front to back through one reused buffer: the bytes not yet
// consumed stay at the front, and each read appends after them, so that a
// line cut between two of the stream's chunks is whole in the window without
// joining pieces, and its bytes can be scanned and hashed in place.
//
// The stream's chunks are copied in from its default reader. A BYOB reader
// would fill the window directly, and Chromium 156's Blob stream is a byte
// stream that allows one, and reads faster through it. But there its first
// read of a Blob sometimes never resolved; the default reader's always did
// (figures: bench/RESULTS.md, 'Measurements behind the code'). A verifier
// that sometimes never answers is worse than one that is a little slower.

export class BlobWindow {
  /** The window: bytes [0, end) are read and not yet consumed. */
  readonly bytes: Uint8Array;
  end = 0;
  /** Bytes of the Blob read so far. */
  read = 0;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  /** What is left of the stream's last chunk, not yet copied into the window. */
  #rest: Uint8Array = new Uint8Array(0);

  constructor(blob: Blob, size: number) {
    this.bytes = new Uint8Array(size);
    this.#reader = blob.stream().getReader();
  }

  /**
   * Drops bytes [0, consumed), moves the rest to the front and fills the
   * window after it, up to its end or the Blob's. False at the end of the
   * Blob, with the unconsumed bytes still at the front. The window must not
   * be full after the drop.
   */
  async fill(consumed: number): Promise<boolean> {
    if (consumed > 0) {
      this.bytes.copyWithin(0, consumed, this.end);
      this.end -= consumed;
    }
    const size = this.bytes.length;
    if (this.end >= size) throw new RangeError('the window is full');
    const before = this.end;
    // Several chunks per fill when they are small: fewer, larger windows for the caller to go through.
    while (this.end < size) {
      if (this.#rest.length === 0) {
        const { done, value } = await this.#reader.read();
        if (done) break;
        this.#rest = value;
        continue;
      }
      const n = Math.min(this.#rest.length, size - this.end);
      this.bytes.set(this.#rest.subarray(0, n), this.end);
      this.#rest = this.#rest.subarray(n);
      this.end += n;
    }
    this.read += this.end - before;
    return this.end > before;
  }

  /** Stops reading (the caller stopped early); harmless after the end, and never throws. */
  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}
