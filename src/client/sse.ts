// A Server-Sent Events reader (WHATWG HTML, "Server-sent events", section
// "Interpreting an event stream") on eventsource-parser: lines end in CRLF,
// LF or CR; a line that starts with ':' is a comment; `data` lines join with
// LF; a blank line dispatches the event; an event without data is not
// dispatched; an incomplete event at the end of the stream is discarded. The
// stream comes from the network: nothing here trusts its sizes, and one event
// may not grow without bound.
import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';

export interface SseEvent {
  /** The `event` field, or "message" when the event had none. */
  event: string;
  data: string;
  /** The last event id the stream set (it carries over to later events, as in the spec). */
  id?: string;
}

/** An incomplete line plus the data of the event being read, above this, is refused rather than buffered forever. */
const MAX_EVENT_CHARS = 4 * 1024 * 1024;

export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  // UTF-8 only, and a character split across two reads is joined by the decoder (stream: true), not the parser.
  const decoder = new TextDecoder('utf-8');
  const ready: SseEvent[] = [];
  let failure: Error | undefined;
  // The parser forgets an id after each event; the spec's last event id stays until the stream sets another.
  let lastId: string | undefined;
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent(e: EventSourceMessage) {
      if (e.id !== undefined) lastId = e.id;
      ready.push({ event: e.event ?? 'message', data: e.data, ...(lastId !== undefined ? { id: lastId } : {}) });
    },
    onError(e: ParseError) {
      // Unknown fields and a bad `retry` are ignored, as the spec says; only the size limit stops the stream.
      if (e.type === 'max-buffer-size-exceeded') failure ??= new Error(`a line or event of the stream is longer than ${MAX_EVENT_CHARS} characters`);
    },
  });
  try {
    let lastChar = '';
    for (;;) {
      const { done, value } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (text !== '') {
        parser.feed(text);
        lastChar = text[text.length - 1]!;
      }
      // The parser holds back what follows the last line end, and a CR at the end (an LF may follow, as
      // CRLF) until a later chunk has a line end. At the end of the stream a CR held back is a whole line
      // end: an LF ends what is held back, which only completes that CR, or a line of an event that is
      // never dispatched (no blank line follows it), as the spec says.
      if (done && lastChar !== '' && lastChar !== '\n') parser.feed('\n');
      if (failure) throw failure;
      while (ready.length > 0) yield ready.shift()!;
      if (done) return;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
