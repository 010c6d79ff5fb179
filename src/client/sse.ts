// A Server-Sent Events reader (WHATWG HTML, "Server-sent events", section
// "Interpreting an event stream"): lines end in CRLF, LF or CR; a line that
// starts with ':' is a comment; `data` lines join with LF; a blank line
// dispatches the event; an event without data is not dispatched. The stream
// comes from the network: nothing here trusts its sizes, and one event may
// not grow without bound.

export interface SseEvent {
  /** The `event` field, or "message" when the event had none. */
  event: string;
  data: string;
  id?: string;
}

/** An event larger than this is refused rather than buffered forever. */
const MAX_EVENT_CHARS = 4 * 1024 * 1024;

export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let event = '';
  let data: string[] = [];
  let size = 0;
  let id: string | undefined;
  const line = (l: string): SseEvent | undefined => {
    if (l === '') {
      const out = data.length ? { event: event || 'message', data: data.join('\n'), ...(id !== undefined ? { id } : {}) } : undefined;
      event = '';
      data = [];
      size = 0;
      return out;
    }
    if (l.startsWith(':')) return undefined;
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    size += value.length;
    if (size > MAX_EVENT_CHARS) throw new Error(`an event of the stream is larger than ${MAX_EVENT_CHARS} characters`);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
    return undefined;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buf += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A CR at the very end may be the first half of a CRLF: keep it until more arrives.
      let k: number;
      while ((k = buf.search(/\r\n|\r|\n/)) >= 0 && (done || k < buf.length - 1 || buf[k] !== '\r')) {
        const eol = buf.startsWith('\r\n', k) ? 2 : 1;
        const ev = line(buf.slice(0, k));
        buf = buf.slice(k + eol);
        if (ev) yield ev;
      }
      if (buf.length > MAX_EVENT_CHARS) throw new Error(`a line of the stream is longer than ${MAX_EVENT_CHARS} characters`);
      // At the end of the stream an incomplete event is discarded, as the spec says.
      if (done) return;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
