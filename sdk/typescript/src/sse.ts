/**
 * A Server-Sent Events parser over a fetch body (the WHATWG format: `data:`, `id:`, `event:`,
 * `retry:` fields, `:` comments such as heartbeats, events ending at a blank line).
 */

/** One SSE event as sent on the wire. */
export interface SseMessage {
  /** The `id:` field, or undefined when the event had none. */
  id?: string;
  /** The `event:` field (`message` when absent). */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

/** Yields the events of an SSE body until it ends. Comments (heartbeats) are skipped. */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let id: string | undefined;
  let event = '';
  const flush = (): SseMessage | null => {
    const message = data.length ? { id, event: event || 'message', data: data.join('\n') } : null;
    data = [];
    id = undefined;
    event = '';
    return message;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A chunk ending in \r may be the first half of \r\n: hold it back until the next chunk.
      const hold = !done && buffer.endsWith('\r') ? '\r' : '';
      const lines = (hold ? buffer.slice(0, -1) : buffer).split(/\r\n|\r|\n/);
      buffer = done ? '' : lines.pop()! + hold;
      for (const line of lines) {
        if (line === '') {
          const message = flush();
          if (message) yield message;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
        else if (field === 'event') event = value;
      }
      if (done) {
        const message = flush();
        if (message) yield message;
        return;
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
