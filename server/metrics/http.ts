/**
 * Counts every HTTP answer in ctx.metrics by route template (never the raw URL, so ids do not
 * explode the label set; unmatched URLs share the label "unmatched") and status code.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context';

export default fp(function httpMetrics(app: FastifyInstance, opts: { ctx: GatewayContext }, done: () => void) {
  const { metrics } = opts.ctx;
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  done();
});
