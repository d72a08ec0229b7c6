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
