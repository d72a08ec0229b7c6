/** Registers every resource's routes under the API prefix. One line per resource file. */
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context';
import healthRoutes, { probeRoutes } from './health';
import workspaceRoutes from './workspaces';
import messageRoutes from './messages';
import sessionRoutes from './sessions';
import scheduleRoutes from './schedules';
import statsRoutes from './stats';
import metricsRoutes from './metrics';
import adminRoutes from './admin';
import webhookRoutes from './webhooks';
import eventRoutes from './events';
import keyRoutes from './keys';
import consoleRoutes from './console';
import { channelRoutes } from '../channels/routes';

export async function registerRoutes(app: FastifyInstance, ctx: GatewayContext): Promise<void> {
  const prefix = ctx.config.api.prefix;
  await app.register(probeRoutes, { ctx });
  await app.register(healthRoutes, { ctx, prefix });
  await app.register(workspaceRoutes, { ctx, prefix });
  await app.register(messageRoutes, { ctx, prefix });
  await app.register(sessionRoutes, { ctx, prefix });
  await app.register(scheduleRoutes, { ctx, prefix });
  await app.register(statsRoutes, { ctx, prefix });
  await app.register(metricsRoutes, { ctx, prefix: '' }); // GET /metrics, outside the API prefix
  await app.register(adminRoutes, { ctx }); // Bull Board at /admin/queues
  await app.register(webhookRoutes, { ctx, prefix });
  await app.register(eventRoutes, { ctx, prefix });
  await app.register(keyRoutes, { ctx, prefix });
  await app.register(consoleRoutes, { ctx }); // the admin console at /console, outside the API prefix
  await app.register(channelRoutes, { ctx, channels: ctx.channels }); // the platforms' webhooks, outside the API prefix
}
