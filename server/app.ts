/**
 * buildApp(ctx) → a Fastify instance with every route registered; no listen, no globals, so
 * tests and main.ts build the same app.
 */
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { openApiWebhooks } from './webhooks/openapi';
import { OPENAPI_TAGS } from './routes/tags';
import { randomUUID } from 'node:crypto';
import type { GatewayContext } from './context';
import { ApiError, unavailable } from './errors';
import { toApiError } from './error-mapping';
import { clientErrorHandler, MethodIndex } from './http-errors';
import authPlugin from './auth/plugin';
import overheadPlugin, { OVERHEAD_HEADER } from './metrics/overhead';
import httpMetricsPlugin from './metrics/http';
import { lazySchemaCompilers } from './schema-compilers';
import { registerRoutes } from './routes';
import { ErrorSchema } from './routes/schemas';
import { lazyRequestLogger, levelEnabled } from './request-logger';

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

function sendError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const api = toApiError(err);
  if (api.status === 503) request.log.warn({ code: api.code, reason: err.message }, 'request answered 503');
  else if (api.status >= 500) request.log.error({ err }, 'request failed');
  reply.status(api.status).headers(api.headers).send(api.toJSON());
}

/** `api.cors.origins`: exact origins, or `*` for any. */
const corsOrigin = (origins: string[]) => (origins.includes('*') ? '*' : origins);

export interface RouteEntry {
  method: string;
  url: string;
  /** Left out of the OpenAPI document (probes, the document itself, the docs page's assets). */
  hidden: boolean;
}
const ROUTES = new WeakMap<FastifyInstance, RouteEntry[]>();
/** Every route an app registered (tests check that the OpenAPI document lists them all). */
export const routesOf = (app: FastifyInstance): RouteEntry[] => ROUTES.get(app) ?? [];

export async function buildApp(ctx: GatewayContext): Promise<FastifyInstance> {
  const schemas = lazySchemaCompilers();
  const app = Fastify({
    schemaController: schemas.schemaController,
    loggerInstance: ctx.log,
    // One line per request (the onResponse hook below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // request.log is made on its first enabled call: most requests log nothing (request-logger.ts).
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: ctx.config.api.bodyLimitBytes,
    // The same socket buffer on every Node version (22 raised the default from 16 to 64 KiB), so a
    // slow SSE reader is held at messages.streamBufferBytes (≥ 16 KiB), not at Node's mark.
    http: { highWaterMark: 16 * 1024 },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : `req_${randomUUID().replace(/-/g, '')}`;
    },
    // Not true: that destroys every socket at close, cutting open streams mid-answer. The stop
    // sequence in gateway.ts drains them first and closes what is left itself.
    forceCloseConnections: false,
    // Requests Node's parser refuses (431, bad Content-Length, a header without a colon, raw bytes
    // in the path) never reach a route: answered on the socket, in the one error shape.
    clientErrorHandler,
    // Our own 503 below, in the one error shape, instead of Fastify's.
    return503OnClosing: false,
    // Errors raised before routing (bad URL encoding…): same shape, same headers.
    frameworkErrors: (err, request, reply) => {
      reply.header('X-Request-Id', request.id);
      sendError(err, request, reply);
    },
  });
  const routes: RouteEntry[] = [];
  ROUTES.set(app, routes);
  const methods = new MethodIndex();
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method !== 'OPTIONS') methods.add(method, r.url); // CORS preflight (`OPTIONS *`) would match every path
      if (method !== 'HEAD') routes.push({ method, url: r.url, hidden: !!r.schema?.hide });
    }
  });
  schemas.adopt(app);
  app.setValidatorCompiler(schemas.lazyValidator);
  app.addSchema(ErrorSchema);
  // Only JSON bodies: text/plain and anything else get 415 instead of reaching a handler as a string.
  app.removeContentTypeParser('text/plain');

  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    if (ctx.shutdown.draining || closing) {
      reply.header('Connection', 'close');
      throw unavailable('the gateway is shutting down; retry on another instance or shortly', 'shutting_down', 2);
    }
  });
  // Requests that were already running when the drain began: their connection closes after the reply.
  app.addHook('onSend', async (_request, reply) => {
    if (ctx.shutdown.draining) reply.header('Connection', 'close');
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!levelEnabled(ctx.log, 'info')) return; // the line below would be built for nothing
    const ms = reply.elapsedTime;
    request.log.info(
      { req: { method: request.method, url: request.url }, res: { statusCode: reply.statusCode }, responseTime: ms },
      `${request.method} ${request.url} ${reply.statusCode} ${ms.toFixed(1)} ms`,
    );
  });

  app.setErrorHandler(sendError);
  // A known path with another method → 405 with Allow; an unknown path → 404. Neither reads data.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allow = methods.allowed(request.url);
    if (allow.length) {
      reply
        .status(405)
        .header('Allow', allow.join(', '))
        .send(
          new ApiError(
            'method_not_allowed',
            `${request.method} is not allowed on ${path}; use ${allow.join(', ')}`,
          ).toJSON(),
        );
      return;
    }
    reply.status(404).send(new ApiError('route_not_found', `no route for ${request.method} ${path}`).toJSON());
  });

  if (ctx.config.api.cors) {
    await app.register(cors, {
      origin: corsOrigin(ctx.config.api.cors.origins),
      methods: ctx.config.api.cors.methods,
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'X-Request-Id'],
      exposedHeaders: [
        'X-Request-Id',
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
        'Retry-After',
        OVERHEAD_HEADER,
        'Server-Timing',
      ],
      maxAge: 600,
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenClaw Gateway API',
        version: ctx.version,
        description: [
          'REST API of the OpenClaw gateway.',
          "Authentication: `Authorization: Bearer <API key>` on every route under the prefix (401 with `WWW-Authenticate: Bearer` without one; 403 naming the missing permission or the workspace outside the key's scope).",
          'Rate limits: requests per minute per key, shared by every gateway process; every authenticated response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix epoch seconds); past the limit 429 `rate_limited` with `Retry-After`.',
          'Errors: always `{"error":{"code","message"}}` with the HTTP status (validation errors add `field`), framework errors included: 400 `malformed_request`, 404 `route_not_found`, 405 `method_not_allowed` (with `Allow`), 431 `headers_too_large`. 503 `starting` / `unavailable` come with `Retry-After`.',
          'Authentication is decided by the matched route, so every spelling of a path (percent-encoded, absolute-form) needs the same key; unknown paths under the prefix need a key too.',
          'Caps (config `limits`): 409 `subscription_limit_reached`, 409 `schedule_limit_reached`, 400 `schedule_too_frequent`, 429 `too_many_streams`. Webhook URLs follow the SSRF policy: 400 `url_not_allowed`. Lists take `limit` and `offset` (0–1,000,000) and answer `total`.',
          "Every response carries `X-Request-Id` (the client's own when it sends one).",
        ].join('\n\n'),
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'oclaw_live_… API key' } },
      },
      security: [{ bearer: [] }],
      tags: OPENAPI_TAGS,
      webhooks: openApiWebhooks(),
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (json.$id as string) || `def-${i}` },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(overheadPlugin);
  await app.register(httpMetricsPlugin, { ctx });
  await app.register(authPlugin, { ctx });
  await registerRoutes(app, ctx);
  app.get(`${ctx.config.api.prefix}/openapi.json`, { config: { public: true }, schema: { hide: true } }, () =>
    app.swagger(),
  );
  return app;
}
