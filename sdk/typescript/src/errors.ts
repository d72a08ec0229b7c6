/**
 * The SDK's errors. Every failure — an HTTP error from the gateway, an `error` event in a stream,
 * a timeout, a network failure, a webhook that does not verify — is an {@link OpenClawError};
 * a subclass per kind lets callers `catch` precisely (`instanceof RateLimitError`), while
 * `error.status` and `error.headers` keep working on all of them.
 */

import { ERROR_CODE_STATUS, type GatewayErrorCode } from './error-codes.js';

/** Error codes the SDK itself produces (the gateway's codes come from its error bodies). */
export type ClientErrorCode =
  | 'connection_error'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | 'stream_interrupted'
  | 'missing_header'
  | 'invalid_signature'
  | 'timestamp_out_of_tolerance'
  | 'invalid_payload';

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
  readonly code: GatewayErrorCode | ClientErrorCode | (string & {});
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

  /** True for failures worth retrying later: 408, 409, 429, 5xx, timeouts and connection errors. */
  get retryable(): boolean {
    return (
      [408, 409, 429].includes(this.status) ||
      this.status >= 500 ||
      this.code === 'timeout' ||
      this.code === 'connection_error'
    );
  }
}

/** 400: the request is invalid (`validation_error` names the `field`). */
export class BadRequestError extends OpenClawError {
  override name = 'BadRequestError';
}
/** 401: the API key is missing, unknown or revoked. */
export class AuthenticationError extends OpenClawError {
  override name = 'AuthenticationError';
}
/** 403: the key lacks the permission or the workspace. */
export class PermissionDeniedError extends OpenClawError {
  override name = 'PermissionDeniedError';
}
/** 404: no such resource (or one outside the key's workspaces). */
export class NotFoundError extends OpenClawError {
  override name = 'NotFoundError';
}
/** 409: a conflict (`already_exists`, `read_only`, …). */
export class ConflictError extends OpenClawError {
  override name = 'ConflictError';
}
/** 422: understood but refused (e.g. an `Idempotency-Key` reused with another body). */
export class UnprocessableEntityError extends OpenClawError {
  override name = 'UnprocessableEntityError';
}

/** 429: rate limited (or too many open streams). */
export class RateLimitError extends OpenClawError {
  override name = 'RateLimitError';
  /**
   * When the limit resets: `X-RateLimit-Reset` (epoch seconds), else now + `Retry-After`;
   * null when the reply said neither.
   */
  get resetAt(): Date | null {
    const reset = Number(this.headers['x-ratelimit-reset']);
    if (this.headers['x-ratelimit-reset'] && Number.isFinite(reset)) return new Date(reset * 1000);
    const wait = parseRetryAfterMs(this.headers['retry-after'], Date.now());
    return wait === null ? null : new Date(Date.now() + wait);
  }
}

/** 5xx: the gateway (or what is behind it) failed; `starting` / `shutting_down` are 503. */
export class InternalServerError extends OpenClawError {
  override name = 'InternalServerError';
}

/** No response arrived: the network failed, or a stream broke and could not be resumed. Status 0. */
export class APIConnectionError extends OpenClawError {
  override name = 'APIConnectionError';
}

/** No complete response within the timeout (code `timeout`). Status 0. */
export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError';
}

/** A webhook delivery did not verify: a missing header, a bad signature, a stale timestamp. Status 0. */
export class WebhookVerificationError extends OpenClawError {
  override name = 'WebhookVerificationError';
  constructor(
    code: 'missing_header' | 'invalid_signature' | 'timestamp_out_of_tolerance' | 'invalid_payload',
    message: string,
  ) {
    super({ status: 0, code, message });
  }
}

const CLASS_OF_STATUS: Record<number, new (init: OpenClawErrorInit) => OpenClawError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The error of the subclass that fits its status (0: a connection error; 5xx: a server error). */
export function makeError(init: OpenClawErrorInit): OpenClawError {
  return new (classOf(init.status, init.code))(init);
}

function classOf(status: number, code: string): new (init: OpenClawErrorInit) => OpenClawError {
  if (CLASS_OF_STATUS[status]) return CLASS_OF_STATUS[status];
  if (status >= 500) return InternalServerError;
  if (status === 0 && code === 'timeout') return APITimeoutError;
  if (status === 0 && (code === 'connection_error' || code === 'stream_interrupted')) return APIConnectionError;
  return OpenClawError;
}

/** `Retry-After` (seconds or an HTTP date) in ms from `nowMs`, or null when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : null;
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
  return makeError({ status, code, message, headers, field, body });
}

/**
 * The HTTP status a failure reported inside a 200 reply (a stream's `error` event, a failed
 * async message) would have had as an ordinary error response (the gateway's catalogue), else 500.
 */
export const statusOfCode = (code: string): number => (ERROR_CODE_STATUS as Record<string, number>)[code] ?? 500;
