/**
 * The one error class of the SDK. Every failure — an HTTP error from the gateway, an `error`
 * event in a stream, a timeout or a network failure — is an {@link OpenClawError}.
 */

/** Error codes the SDK itself produces (the gateway's codes come from its error bodies). */
export type ClientErrorCode = 'connection_error' | 'timeout' | 'aborted' | 'invalid_response' | 'stream_interrupted';

/** Constructor fields of {@link OpenClawError}. */
export interface OpenClawErrorInit {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  requestId?: string | null;
  field?: string;
  body?: unknown;
  cause?: unknown;
}

/**
 * An error from the OpenClaw API or from talking to it.
 *
 * @example
 * ```ts
 * try {
 *   await client.messages.send({ workspace: 'team', userId: 'me', message: 'hi' });
 * } catch (error) {
 *   if (error instanceof OpenClawError && error.status === 429) {
 *     const resetAt = new Date(Number(error.headers['x-ratelimit-reset']) * 1000);
 *   }
 * }
 * ```
 */
export class OpenClawError extends Error {
  /** HTTP status of the response; 0 when no response arrived (network error, timeout, abort). */
  readonly status: number;
  /** Stable machine-readable code, e.g. `rate_limited`, `invalid_api_key`, `not_found`, `timeout`. */
  readonly code: string;
  /** Response headers with lower-case names, e.g. `headers['x-ratelimit-reset']`. Empty without a response. */
  readonly headers: Record<string, string>;
  /** The gateway's `X-Request-Id` for this request (quote it in bug reports), or null. */
  readonly requestId: string | null;
  /** The request field at fault, for validation errors (400). */
  readonly field?: string;
  /** The parsed error body as the gateway sent it, if any. */
  readonly body?: unknown;

  constructor(init: OpenClawErrorInit) {
    super(init.message);
    this.name = 'OpenClawError';
    this.status = init.status;
    this.code = init.code;
    this.headers = init.headers ?? {};
    this.requestId = init.requestId ?? this.headers['x-request-id'] ?? null;
    if (init.field !== undefined) this.field = init.field;
    if (init.body !== undefined) this.body = init.body;
    if (init.cause !== undefined) (this as { cause?: unknown }).cause = init.cause;
  }

  /** True for failures worth retrying later: 429, 503, timeouts and connection errors. */
  get retryable(): boolean {
    return this.status === 429 || this.status === 503 || this.code === 'timeout' || this.code === 'connection_error';
  }
}

/** Response headers as a plain object with lower-case names. */
export function headersToObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

/** Builds the error for a non-2xx response from its status, headers and body text. */
export function errorFromResponse(status: number, headers: Record<string, string>, text: string): OpenClawError {
  let body: unknown = text;
  let code = `http_${status}`;
  let message = text.slice(0, 500) || `HTTP ${status}`;
  let field: string | undefined;
  try {
    body = JSON.parse(text);
    const err = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
    if (err && typeof err === 'object') {
      if (typeof err.code === 'string') code = err.code;
      if (typeof err.message === 'string') message = err.message;
      if (typeof err.field === 'string') field = err.field;
    }
  } catch {
    /* not JSON: keep the text */
  }
  return new OpenClawError({ status, code, message, headers, field, body });
}

const STATUS_OF_CODE: Record<string, number> = { upstream_error: 502, timeout: 504, message_timeout: 504, unavailable: 503 };

/**
 * The HTTP status a failure reported inside a 200 reply (a stream's `error` event, a failed
 * async message) would have had as an ordinary error response: 502 for `upstream_error`, …, else 500.
 */
export const statusOfCode = (code: string): number => STATUS_OF_CODE[code] ?? 500;
