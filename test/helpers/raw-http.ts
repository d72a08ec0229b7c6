/**
 * Raw HTTP/1.1 over node:net, for requests fetch() refuses to send: encoded or absolute-form
 * request lines, malformed headers, raw bytes in the path. One request per connection.
 */
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or undefined. */
  json: any;
}

/** Sends `head` (request line + headers, without the blank line) and `body`; resolves with the response. */
export function rawRequest(baseUrl: string, head: string, body = ''): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('connect', () =>
      socket.write(Buffer.concat([Buffer.from(`${head}\r\nConnection: close\r\n\r\n`, 'latin1'), Buffer.from(body)])),
    );
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      let payload = text.slice(split + 4);
      if (headers['transfer-encoding'] === 'chunked') payload = dechunk(payload);
      let json: any;
      try {
        json = JSON.parse(payload);
      } catch {
        json = undefined;
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: payload, json });
    });
  });
}

function dechunk(s: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const eol = s.indexOf('\r\n', at);
    if (eol < 0) return out;
    const size = parseInt(s.slice(at, eol), 16);
    if (!size) return out;
    out += s.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** `GET <target> HTTP/1.1` with a Host header and the given extra header lines. */
export const rawGet = (baseUrl: string, target: string, extra: string[] = []) =>
  rawRequest(baseUrl, [`GET ${target} HTTP/1.1`, `Host: ${new URL(baseUrl).host}`, ...extra].join('\r\n'));
