/**
 * The one error shape: HTTP status + {"error":{"code","message"}}.
 * Routes and stores throw ApiError; the error handler in app.ts renders it.
 */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly headers: Record<string, string> = {},
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): { error: { code: string; message: string } & Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...(this.details ?? {}) } };
  }
}

export const badRequest = (message: string, code = 'invalid_request') => new ApiError(400, code, message);
export const unauthorized = (message: string, code = 'unauthorized') =>
  new ApiError(401, code, message, { 'WWW-Authenticate': 'Bearer realm="openclaw"' });
/** 400 `validation_error` naming the field, for checks a JSON schema cannot express. */
export const invalidField = (field: string, message: string) => new ApiError(400, 'validation_error', `${field}: ${message}`, {}, { field });
export const forbidden = (message: string, code = 'forbidden') => new ApiError(403, code, message);
export const notFound = (what: string, id: string, code = 'not_found') => new ApiError(404, code, `${what} '${id}' not found`);
export const conflict = (message: string, code = 'conflict') => new ApiError(409, code, message);
export const unavailable = (message: string, code = 'unavailable', retryAfterSeconds = 5) =>
  new ApiError(503, code, message, { 'Retry-After': String(retryAfterSeconds) });

/**
 * The catalogue of codes whose status is fixed, with what they mean (docs/security.md lists
 * them too). `apiError(code, message)` takes the status from here, so a code never answers
 * with two statuses.
 */
export const ERROR_CODES = {
  malformed_request: { status: 400, meaning: 'the HTTP request itself is malformed (request line, header syntax, Content-Length, URL encoding)' },
  route_not_found: { status: 404, meaning: 'no route for this method and path' },
  method_not_allowed: { status: 405, meaning: 'the path exists, with other methods (listed in Allow)' },
  request_timeout: { status: 408, meaning: 'the request was not received in time' },
  headers_too_large: { status: 431, meaning: 'the request headers are larger than the server accepts' },
  url_not_allowed: { status: 400, meaning: 'the webhook URL targets an address the SSRF policy refuses (cloud metadata, link-local, private or loopback)' },
  subscription_limit_reached: { status: 409, meaning: 'the workspace already has limits.subscriptionsPerWorkspace subscriptions' },
  schedule_limit_reached: { status: 409, meaning: 'the workspace already has limits.schedulesPerWorkspace schedules' },
  schedule_too_frequent: { status: 400, meaning: 'the cron fires more often than limits.scheduleMinIntervalSeconds allows' },
  too_many_streams: { status: 429, meaning: 'this key already holds limits.streamsPerKey open SSE streams' },
  ambiguous_id: { status: 400, meaning: 'the id names a session or schedule in several workspaces the key covers: say which with ?workspace=' },
  invalid_signature: { status: 401, meaning: 'a chat platform delivery (Slack, WhatsApp, Telegram webhook) is not signed with the configured secret, or its timestamp is stale' },
  verification_failed: { status: 403, meaning: 'a WhatsApp webhook verification request named the wrong verify token' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type CatalogueCode = keyof typeof ERROR_CODES;

export const apiError = (code: CatalogueCode, message: string, headers: Record<string, string> = {}, details?: Record<string, unknown>) =>
  new ApiError(ERROR_CODES[code].status, code, message, headers, details);
