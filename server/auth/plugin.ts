/**
 * Bearer authentication, permissions and per-key rate limits for every route under the API
 * prefix. A route declares what it needs with `config: { permission: 'messages:write' }` or
 * `config: { public: true }` (OpenAPI document).
 *
 * Decided by the route the router matched (its registered pattern), never by the URL string:
 * `/%61pi/v1/health` and an absolute-form `GET http://x/api/v1/health` reach the same route as
 * `/api/v1/health`, so they need the same key.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, unauthorized, unavailable } from '../errors';
import type { GatewayContext } from '../context';
import type { Permission } from '../config-schema';
import type { ApiKeyRecord, VerifiedKey } from '../store/keys';
import { requirePermission } from './permissions';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKeyRecord;
  }
  interface FastifyContextConfig {
    permission?: Permission;
    public?: boolean;
    /** A route outside the API prefix that still needs a key (GET /metrics). */
    authenticate?: boolean;
  }
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;
const TOUCH_EVERY_MS = 60_000;

export default fp(function auth(app: FastifyInstance, opts: { ctx: GatewayContext }, done: () => void) {
  const { ctx } = opts;
  const lastTouched = new Map<string, number>();
  const { prefix } = ctx.config.api;
  const underPrefix = (path: string) => path === prefix || path.startsWith(`${prefix}/`);

  /**
   * For a request no route matched (404/405 answers, which read nothing): its path as the
   * router sees it (absolute form stripped, percent-decoded), so unknown API paths need a key
   * in every spelling too and reveal nothing without one.
   */
  function unmatchedUnderPrefix(url: string): boolean {
    try {
      return underPrefix(decodeURIComponent(new URL(url, 'http://gateway.invalid').pathname));
    } catch {
      return false; // undecodable: answered 400 before any route
    }
  }

  async function authenticate(request: FastifyRequest): Promise<VerifiedKey> {
    const header = request.headers.authorization;
    if (!header)
      throw unauthorized('missing Authorization header: send `Authorization: Bearer <api key>`', 'missing_api_key');
    const m = BEARER.exec(header);
    if (!m) throw unauthorized('malformed Authorization header: expected `Bearer <api key>`', 'malformed_api_key');
    // The key's check and its rate-limit count in one round trip.
    const verified = await ctx.stores.keys.verifyAndCount(m[1], ctx.config.api.defaultRateLimit);
    if (!verified) throw unauthorized('unknown or revoked API key', 'invalid_api_key');
    return verified;
  }

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    // routeOptions.url is the matched route's pattern (`/api/v1/sessions/:sessionId`); undefined
    // when no route matched.
    const pattern = request.routeOptions.url;
    const api = pattern === undefined ? unmatchedUnderPrefix(request.url) : underPrefix(pattern);
    if (!(api || config?.authenticate) || config?.public || request.method === 'OPTIONS') return;
    if (!ctx.readiness.ready) throw unavailable('the gateway is starting; retry in a few seconds', 'starting', 2);

    const { key, rate: rl } = await authenticate(request);
    request.apiKey = key;

    const now = ctx.clock.now();
    if ((lastTouched.get(key.id) ?? 0) + TOUCH_EVERY_MS < now) {
      lastTouched.set(key.id, now);
      ctx.stores.keys.touch(key.id, new Date(now)).catch(() => undefined);
    }

    if (rl) {
      const { limit } = rl;
      reply.header('X-RateLimit-Limit', rl.limit);
      reply.header('X-RateLimit-Remaining', rl.remaining);
      reply.header('X-RateLimit-Reset', rl.reset);
      if (!rl.allowed) {
        const retryAfter = Math.max(1, rl.reset - Math.floor(now / 1000));
        throw new ApiError(
          'rate_limited',
          `rate limit of ${limit} requests per minute exceeded; retry after ${retryAfter} s`,
          {
            'Retry-After': String(retryAfter),
          },
        );
      }
    }

    if (config?.permission) requirePermission(key, config.permission);
  });
  done();
});
