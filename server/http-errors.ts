/**
 * Errors the HTTP layer answers before (or instead of) a route: malformed requests caught by
 * Node's parser (written straight to the socket), and 404 / 405 for paths no route serves.
 * All in the one error shape with codes from the catalogue.
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import FindMyWay from 'find-my-way';
import { ERROR_CODES, type ErrorCode } from './errors';

/** Node's parser error → our code: 431 for oversize headers, 408 for a slow client, else 400. */
function codeOf(err: NodeJS.ErrnoException): ErrorCode {
  if (err.code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large';
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  return 'malformed_request';
}

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  headers_too_large: 'the request headers are too large (at most 16 KiB in all)',
  request_timeout: 'the request was not received in time',
  malformed_request: 'malformed HTTP request: check the request line, the header syntax and Content-Length',
};

/** Fastify's `clientErrorHandler`: the raw socket gets a complete response, then closes. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code = codeOf(err);
  const status = ERROR_CODES[code].status;
  const body = JSON.stringify({ error: { code, message: MESSAGES[code] } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Which methods a path is served with, for `405 Allow` on an unmatched request: a router of
 * its own holding every registered route, matched the way Fastify's router matches.
 */
export class MethodIndex {
  private readonly router = FindMyWay({ defaultRoute: () => undefined });
  private readonly methods = new Set<string>();

  add(method: string, url: string): void {
    try {
      this.router.on(method as never, url, () => undefined);
      this.methods.add(method);
    } catch {
      // The same method and pattern twice (HEAD routes Fastify adds itself): already known.
    }
  }

  /** The methods some route serves this URL with (empty: the path is unknown). */
  allowed(url: string): string[] {
    return [...this.methods].filter((m) => this.router.find(m as never, url) !== null).sort();
  }
}
