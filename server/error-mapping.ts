/**
 * What any thrown error means to an API client: toApiError maps it to the one error shape —
 * Fastify's own 4xx, validation failures, and Redis unreachable or refusing writes (503
 * `unavailable`, never 500) — for app.ts's error handler and for services that answer an error
 * with more to say (messages/service.ts).
 */
import type { FastifyError } from 'fastify';
import { ApiError, unavailable } from './errors';
import { describeValidationError } from './validation';

/** Errors from ioredis when the server is unreachable: answered as 503, never 500. */
function isRedisDown(err: Error): boolean {
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|enableOfflineQueue|Reached the max retries/i.test(
      err.message,
    ) ||
    // Redis Cluster: a master gone and its replica not yet promoted, or no node reachable.
    /Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available|Cluster isn't ready/i.test(
      err.message,
    )
  );
}

/**
 * Redis answering but refusing (also from inside a script): a replica after a failover, out of
 * memory under noeviction, a failed snapshot, still loading, a cluster without quorum. All pass.
 */
const REDIS_REFUSALS: Record<string, string> = {
  READONLY: 'Redis is a read-only replica right now (failover in progress)',
  OOM: 'Redis is out of memory (maxmemory reached); writes are refused until memory is freed',
  MISCONF: 'Redis cannot persist its data (MISCONF) and refuses writes',
  LOADING: 'Redis is loading its data set',
  CLUSTERDOWN: 'the Redis cluster is down',
  TRYAGAIN: 'the Redis cluster is moving a slot',
  // Raised to the caller only when a redirection could not be followed (a batch, a transaction).
  MOVED: 'the Redis cluster moved a slot (failover or reshard)',
  ASK: 'the Redis cluster is moving a slot',
  MASTERDOWN: 'Redis lost its link to its master',
  NOREPLICAS: 'Redis has not enough replicas to accept writes',
};
const REDIS_REFUSAL = new RegExp(`(?:^|\\s|: )(${Object.keys(REDIS_REFUSALS).join('|')}) `);

/** Why Redis refused, or null. A MULTI refused as a whole (EXECABORT) carries the reasons of its commands. */
function redisRefusal(err: Error & { previousErrors?: Error[] }): string | null {
  for (const e of [err, ...(err.previousErrors ?? [])]) {
    const m = REDIS_REFUSAL.exec(e.message);
    if (m) return REDIS_REFUSALS[m[1]];
  }
  return null;
}

export function toApiError(err: FastifyError | ApiError | Error): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as FastifyError;
  if (fe.validation) {
    const { message, field } = describeValidationError(fe.validation as never, fe.validationContext);
    return new ApiError('validation_error', message, {}, { field });
  }
  if (fe.code === 'FST_ERR_BAD_URL') return new ApiError('malformed_request', `malformed URL: ${fe.message}`);
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError('payload_too_large', fe.message);
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ApiError(
      'unsupported_media_type',
      `${fe.message}: send the body as JSON with the header Content-Type: application/json`,
    );
  }
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return new ApiError('invalid_json', 'the request body is empty; send a JSON object');
  if (fe.statusCode === 400 && (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError)) {
    return new ApiError('invalid_json', `the request body is not valid JSON: ${fe.message}`);
  }
  if (isRedisDown(err)) return unavailable('the gateway cannot reach Redis right now; retry shortly', 'unavailable', 5);
  const refusal = redisRefusal(err);
  if (refusal) return unavailable(`${refusal}; retry shortly`, 'unavailable', 5);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return ApiError.framework(fe.statusCode, fe.message);
  return new ApiError('internal_error', 'internal error; the gateway logged the details');
}
