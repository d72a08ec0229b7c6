/**
 * An HTTP/1.1 request over a raw socket, for tests about what a client that stops reading costs:
 * the test decides when the socket reads. Plus the body de-chunked and parsed as SSE events.
 */
import { connect, type Socket } from 'node:net';

export interface RawStream {
  socket: Socket;
  /** Status line + headers, once received. */
  head: Promise<{ status: number; headers: Record<string, string> }>;
  /** The body read so far, as received (chunked; one character per byte): see rawEvents. */
  raw(): string;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
  /** Stop reading: the socket's receive buffer fills and the server's writes back up. */
  stall(): void;
  /** Read again. */
  read(): void;
}

/** An SSE request over a raw socket (the test decides when it reads). `stallAfterHead`: stop right after the headers. */
export function rawSse(
  port: number,
  method: 'POST' | 'GET',
  path: string,
  key: string,
  body?: unknown,
  opts: { stallAfterHead?: boolean; headers?: Record<string, string> } = {},
): RawStream {
  const socket = connect(port, '127.0.0.1');
  const payload = body === undefined ? '' : JSON.stringify(body);
  const lines = [
    `${method} ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: Bearer ${key}`,
    'Accept: text/event-stream',
  ];
  if (payload) lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(payload)}`);
  for (const [k, v] of Object.entries(opts.headers ?? {})) lines.push(`${k}: ${v}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n${payload}`);
  let raw = '';
  let resolveHead: (h: { status: number; headers: Record<string, string> }) => void = () => undefined;
  const head = new Promise<{ status: number; headers: Record<string, string> }>((r) => (resolveHead = r));
  let gotHead = false;
  socket.on('data', (b: Buffer) => {
    raw += b.toString('latin1');
    if (gotHead) return;
    const end = raw.indexOf('\r\n\r\n');
    if (end < 0) return;
    gotHead = true;
    const [status, ...hs] = raw.slice(0, end).split('\r\n');
    raw = raw.slice(end + 4);
    resolveHead({
      status: Number(status.split(' ')[1]),
      headers: Object.fromEntries(
        hs.map((h) => [h.slice(0, h.indexOf(':')).toLowerCase(), h.slice(h.indexOf(':') + 1).trim()]),
      ),
    });
    if (opts.stallAfterHead) socket.pause();
  });
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  socket.on('error', () => undefined);
  return {
    socket,
    head,
    raw: () => raw,
    closed,
    stall: () => socket.pause(),
    read: () => socket.resume(),
  };
}

/** A chunked HTTP body without its chunk-size lines (works on bytes: one character per byte). */
export function dechunk(raw: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', i);
    if (eol < 0) return out;
    const size = parseInt(raw.slice(i, eol), 16);
    if (!size) return out;
    out += raw.slice(eol + 2, eol + 2 + size);
    i = eol + 2 + size + 2;
  }
}

export interface RawEvent {
  id: string | null;
  data: any;
}

/** Complete SSE events of a raw (chunked) body, in order. */
export function rawEvents(raw: string): RawEvent[] {
  const text = Buffer.from(dechunk(raw), 'latin1').toString('utf8');
  const blocks = text.split('\n\n');
  blocks.pop(); // an unfinished block
  return blocks
    .filter((b) => b.includes('data: '))
    .map((b) => {
      const id = /^id: (.*)$/m.exec(b);
      return { id: id ? id[1] : null, data: JSON.parse(b.slice(b.indexOf('data: ') + 6)) };
    });
}
