/**
 * GET /metrics: Prometheus text of this process (server/metrics), for a key with stats:read over
 * every workspace (`*`): the series name all workspaces, so a scoped key would see beyond its scope.
 * Outside the API prefix, as Prometheus expects; `metrics.port` serves it without a key.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from './options';
import { errors } from './schemas';
import { keyOf } from '../auth/permissions';
import { forbidden } from '../errors';

export default function metricsRoutes(app: FastifyInstance, { ctx }: RouteOptions, done: () => void) {
  app.get(
    '/metrics',
    {
      config: { authenticate: true, permission: 'stats:read' },
      schema: {
        tags: ['stats'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (text exposition format)',
        response: { 200: Type.String({ description: 'text/plain; version=0.0.4' }), ...errors(403) },
      },
    },
    async (request, reply) => {
      if (!keyOf(request).workspaces.includes('*')) {
        throw forbidden(
          "metrics cover every workspace: use a key with stats:read and workspaces ['*']",
          'workspace_forbidden',
        );
      }
      const { contentType, text } = await ctx.metrics.exposition();
      reply.type(contentType);
      return text;
    },
  );
  done();
}
