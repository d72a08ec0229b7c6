/** GET {prefix}/health (any valid key) and the unauthenticated probes /healthz and /readyz. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from './options';
import { errors } from './schemas';

const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  uptime: Type.Integer({ description: 'Seconds since the gateway started' }),
  channels: Type.Record(Type.String(), Type.String(), { description: 'Channel name → connected | disconnected' }),
  redis: Type.Union([Type.Literal('connected'), Type.Literal('disconnected')]),
  memoryMB: Type.Integer({ description: 'Resident set size of the gateway process' }),
  model: Type.String({ description: 'The default model; "offline" is the built-in deterministic model' }),
});

export default function healthRoutes(app: FastifyInstance, { ctx }: RouteOptions, done: () => void) {
  const redisUp = () => ctx.redis.status === 'ready';
  // Reading the RSS is a /proc read, about a tenth of an authenticated health request's CPU:
  // read at most once a second.
  let rss = { at: 0, mb: 0 };
  const memoryMB = () => {
    const now = Date.now();
    if (now - rss.at >= 1000) rss = { at: now, mb: Math.round(process.memoryUsage.rss() / 1048576) };
    return rss.mb;
  };

  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        operationId: 'getHealth',
        summary: 'Gateway health',
        response: { 200: HealthSchema, ...errors() },
      },
    },
    async () => {
      const channels = await ctx.channels.health();
      // A configured channel that is disconnected degrades the gateway (docs/channels.md).
      const channelsUp = Object.values(channels).every((s) => s === 'connected');
      return {
        status: redisUp() && channelsUp ? 'ok' : 'degraded',
        version: ctx.version,
        uptime: Math.floor((Date.now() - ctx.startedAt) / 1000),
        channels,
        redis: redisUp() ? 'connected' : 'disconnected',
        memoryMB: memoryMB(),
        model: ctx.defaultModel,
      };
    },
  );
  done();
}

/** Probes outside the API prefix: no key needed, for load balancers and orchestrators. */
export function probeRoutes(app: FastifyInstance, { ctx }: Pick<RouteOptions, 'ctx'>, done: () => void) {
  const probe = { config: { public: true }, schema: { hide: true } };
  app.get('/healthz', probe, () => ({ status: 'alive' }));
  app.get('/readyz', probe, async (_req, reply) => {
    const ready = ctx.readiness.ready && ctx.redis.status === 'ready';
    reply.status(ready ? 200 : 503);
    if (!ready) reply.header('Retry-After', '2');
    return ready
      ? { status: 'ready' }
      : { error: { code: ctx.readiness.ready ? 'unavailable' : 'starting', message: 'not ready' } };
  });
  done();
}
