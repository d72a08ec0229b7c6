/**
 * The one error shape: HTTP status + {"error":{"code","message"}}.
 * Routes and stores throw ApiError; the error handler in app.ts renders it.
 */
export class ApiError extends Error {
  /** From the catalogue below; only `ApiError.framework` (the framework's own 4xx) sets another. */
  readonly status: number;

  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly headers: Record<string, string> = {},
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_CODES[code].status;
  }

  /** A 4xx Fastify raised that no catalogue code names more precisely: `invalid_request` with its status. */
  static framework(status: number, message: string): ApiError {
    const err = new ApiError('invalid_request', message);
    (err as { status: number }).status = status;
    return err;
  }

  toJSON(): { error: { code: string; message: string } & Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...(this.details ?? {}) } };
  }
}

export const badRequest = (message: string, code: CodeWithStatus<400> = 'invalid_request') =>
  new ApiError(code, message);
export const unauthorized = (message: string, code: CodeWithStatus<401>) =>
  new ApiError(code, message, { 'WWW-Authenticate': 'Bearer realm="openclaw"' });
/** 400 `validation_error` naming the field, for checks a JSON schema cannot express. */
export const invalidField = (field: string, message: string) =>
  new ApiError('validation_error', `${field}: ${message}`, {}, { field });
export const forbidden = (message: string, code: CodeWithStatus<403>) => new ApiError(code, message);
export const notFound = (what: string, id: string) => new ApiError('not_found', `${what} '${id}' not found`);
export const conflict = (message: string, code: CodeWithStatus<409>) => new ApiError(code, message);
export const unavailable = (message: string, code: CodeWithStatus<503> = 'unavailable', retryAfterSeconds = 5) =>
  new ApiError(code, message, { 'Retry-After': String(retryAfterSeconds) });

/**
 * The error-code catalogue: every code the gateway answers with (HTTP errors, a failed message's
 * `error`, a schedule run's `error`), its one status and what it means. docs/api.md lists the same
 * table (test/docs/api-doc.test.ts holds them together), the OpenAPI document's error schema
 * enumerates the codes, and both SDKs' code lists are tested against it.
 */
export const ERROR_CODES = {
  validation_error: {
    status: 400,
    meaning:
      'the body, query, path or a header breaks the schema or a rule the schema cannot express; `field` names it',
  },
  invalid_json: { status: 400, meaning: 'the body is not valid JSON, or is empty with Content-Type: application/json' },
  malformed_request: {
    status: 400,
    meaning: 'the HTTP request itself is malformed (request line, header syntax, Content-Length, URL encoding)',
  },
  invalid_request: {
    status: 400,
    meaning: "any other request the framework refuses (the status is the framework's, a 4xx)",
  },
  invalid_idempotency_key: { status: 400, meaning: 'Idempotency-Key is not 1-255 printable ASCII characters' },
  url_not_allowed: {
    status: 400,
    meaning:
      'the webhook URL targets an address the SSRF policy refuses (cloud metadata, link-local, private or loopback)',
  },
  ambiguous_id: {
    status: 400,
    meaning: 'the id names a session or schedule in several workspaces the key covers: say which with ?workspace=',
  },
  schedule_too_frequent: {
    status: 400,
    meaning: 'the cron fires more often than limits.scheduleMinIntervalSeconds allows',
  },
  missing_api_key: { status: 401, meaning: 'no Authorization header' },
  malformed_api_key: { status: 401, meaning: 'Authorization is not Bearer <key>' },
  invalid_api_key: { status: 401, meaning: 'unknown or revoked key' },
  invalid_signature: {
    status: 401,
    meaning:
      'a chat platform delivery (Slack, WhatsApp, Telegram webhook) is not signed with the configured secret, or its timestamp is stale',
  },
  missing_permission: { status: 403, meaning: "the key lacks the route's permission" },
  workspace_forbidden: {
    status: 403,
    meaning: "the workspace is outside the key's scope (or GET /metrics with a key not over *)",
  },
  verification_failed: { status: 403, meaning: 'a WhatsApp webhook verification request named the wrong verify token' },
  admin_required: { status: 403, meaning: '/admin/queues with a key that is not an admin key' },
  not_found: { status: 404, meaning: "the resource does not exist, or belongs to a workspace outside the key's scope" },
  route_not_found: { status: 404, meaning: 'no route for this method and path' },
  method_not_allowed: { status: 405, meaning: 'the path exists, with other methods (listed in Allow)' },
  request_timeout: { status: 408, meaning: 'the request was not received in time' },
  already_exists: { status: 409, meaning: 'the id is taken (workspace, schedule)' },
  read_only: {
    status: 409,
    meaning: 'the workspace, schedule or subscription is declared in openclaw.json; change the file',
  },
  session_conflict: { status: 409, meaning: 'sessionId belongs to another workspace or user' },
  session_deleted: { status: 409, meaning: 'the session was deleted while the message arrived; send it again' },
  idempotency_result_unavailable: {
    status: 409,
    meaning: 'the message first sent with this Idempotency-Key is no longer stored',
  },
  expired: { status: 409, meaning: 'redelivery of a delivery whose body is past webhooks.retentionDays' },
  subscription_limit_reached: {
    status: 409,
    meaning: 'the workspace already has limits.subscriptionsPerWorkspace subscriptions',
  },
  schedule_limit_reached: { status: 409, meaning: 'the workspace already has limits.schedulesPerWorkspace schedules' },
  payload_too_large: { status: 413, meaning: 'the body is larger than api.bodyLimitBytes' },
  unsupported_media_type: { status: 415, meaning: 'a body that is not application/json' },
  idempotency_key_reused: { status: 422, meaning: 'the Idempotency-Key was already used with a different body' },
  rate_limited: { status: 429, meaning: "the key's requests per minute are used up; see Retry-After" },
  too_many_streams: { status: 429, meaning: 'this key already holds limits.streamsPerKey open SSE streams' },
  headers_too_large: { status: 431, meaning: 'the request headers are larger than the server accepts' },
  internal_error: { status: 500, meaning: 'a bug; the details are in the log under the request id' },
  agent_error: { status: 500, meaning: 'the agent failed unexpectedly (a message failure; logged)' },
  run_failed: {
    status: 500,
    meaning: "a schedule run's message could not be followed to an answer (a run's error only)",
  },
  upstream_error: { status: 502, meaning: 'the model provider failed after its retries (a message failure)' },
  starting: { status: 503, meaning: 'the gateway listens but Redis or the workers are not ready yet' },
  unavailable: { status: 503, meaning: 'Redis is unreachable or refusing writes right now' },
  shutting_down: {
    status: 503,
    meaning: 'the gateway is stopping: retry on another instance; a cut stream resumes with Last-Event-ID',
  },
  worker_failed: {
    status: 503,
    meaning: "the message's job failed outside the agent (or was lost) and will not be answered; send it again",
  },
  timeout: {
    status: 504,
    meaning: 'the agent did not finish within messages.timeoutMs, or the request waited that long plus 30 s',
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
/** The codes whose status is S: a helper named for a status takes only those. */
export type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]['status'] extends S ? C : never;
}[ErrorCode];

/** A code read back from storage (a message's failure): itself if the catalogue knows it, else the fallback. */
export const errorCodeOr = (code: string, fallback: ErrorCode): ErrorCode =>
  Object.hasOwn(ERROR_CODES, code) ? (code as ErrorCode) : fallback;

/** A configuration the gateway cannot start with: `openclaw` prints its message alone, as one line to fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
