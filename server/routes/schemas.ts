/** Schemas shared by routes: the one error shape and reusable fragments. */
import { Type, type TSchema } from '@sinclair/typebox';
import { ERROR_CODES } from '../errors';

export const ErrorSchema = Type.Object(
  {
    error: Type.Object(
      {
        // The catalogue's codes, so generated clients get them as an enum (docs/api.md has their meanings).
        code: Type.String({
          enum: Object.keys(ERROR_CODES),
          description: 'Stable machine-readable code from the error catalogue, e.g. `validation_error`, `rate_limited`',
        }),
        message: Type.String({ description: 'What went wrong, for humans' }),
        field: Type.Optional(Type.String({ description: 'The request field at fault (validation errors)' })),
        messageId: Type.Optional(
          Type.String({
            description:
              'The message concerned: a message failure, a stop while waiting (`shutting_down`), or a send that failed after the message was queued or may have been',
          }),
        ),
      },
      { additionalProperties: true },
    ),
  },
  { $id: 'Error', description: 'The one error shape' },
);

const ErrorRef = Type.Ref('Error');

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (the message names the field)',
  401: 'Missing, malformed, unknown or revoked API key',
  403: 'The key lacks the permission or the workspace',
  404: 'Not found',
  409: 'Conflict (taken id, read-only resource, or a cap: subscription_limit_reached, schedule_limit_reached)',
  413: 'Body too large',
  422: 'Idempotency key reused with a different body',
  429: 'Rate limited (see Retry-After and X-RateLimit-Reset), or too_many_streams (limits.streamsPerKey)',
  502: 'The model provider failed',
  503: 'Starting, or Redis unreachable (see Retry-After)',
};

/** Error responses for a route's OpenAPI entry: errors(400, 404) → {400: Error, 401: Error, …}. */
export function errors(...codes: number[]): Record<number, TSchema> {
  const all = [...new Set([401, 429, 503, ...codes])].sort();
  return Object.fromEntries(all.map((c) => [c, Type.Unsafe({ ...ErrorRef, description: DESCRIPTIONS[c] ?? 'Error' })]));
}

export const WorkspaceIdParam = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
  description: 'Workspace id: lower-case letters, digits, - and _',
});

/** The largest offset any list accepts: bounded so Redis and the serializer only see safe integers. */
export const MAX_OFFSET = 1_000_000;

/** `?offset=` of every list: `Infinity`, `1e309`, `1e20`, `-1`, `abc` → 400 validation_error. */
export const Offset = Type.Integer({
  minimum: 0,
  maximum: MAX_OFFSET,
  default: 0,
  description: `Items to skip (at most ${MAX_OFFSET.toLocaleString('en-US')})`,
});
export const limitUpTo = (maximum: number, dflt = 20) =>
  Type.Integer({ minimum: 1, maximum, default: dflt, description: `Items per page (1–${maximum})` });

export const Pagination = {
  limit: limitUpTo(200),
  offset: Offset,
};
