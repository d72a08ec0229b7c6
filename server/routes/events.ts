/**
 * GET /events: the most recent domain events, newest first, exactly as a subscription receives
 * them ({id, event, timestamp, data}), within the key's workspaces. Zapier's performList and
 * Make's sample data read it; kept as long as the delivery log (server/store/events.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from './options';
import { keyOf, requireWorkspace, visibleWorkspaces } from '../auth/permissions';
import { invalidField, notFound } from '../errors';
import { EVENT_NAMES } from '../events';
import { EVENT_LOG_CAP, GATEWAY_WIDE } from '../store/events';
import { WorkspaceIdParam, errors, limitUpTo } from './schemas';

const EventsQuery = Type.Object(
  {
    type: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: `Only this event: ${EVENT_NAMES.join(', ')}` }),
    ),
    workspace: Type.Optional(WorkspaceIdParam),
    limit: limitUpTo(EVENT_LOG_CAP, 10),
  },
  { additionalProperties: false },
);

export const EventPayloadSchema = Type.Object(
  {
    id: Type.String({ description: '`evt_…`, the same on every delivery of the event' }),
    event: Type.String(),
    timestamp: Type.String({ format: 'date-time' }),
    data: Type.Object({}, { additionalProperties: true }),
  },
  { description: 'An event exactly as a webhook subscription receives it' },
);

export default function eventRoutes(app: FastifyInstance, { ctx }: RouteOptions, done: () => void) {
  const retentionSec = () => ctx.config.webhooks.retentionDays * 86400;

  app.get<{ Querystring: Static<typeof EventsQuery> }>(
    '/events',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        tags: ['events'],
        operationId: 'listEvents',
        summary: `The most recent events, newest first, as subscriptions receive them (kept webhooks.retentionDays, at most ${EVENT_LOG_CAP} per workspace and event)`,
        querystring: EventsQuery,
        response: { 200: Type.Object({ data: Type.Array(EventPayloadSchema) }), ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      const key = keyOf(request);
      const { type, workspace, limit } = request.query;
      if (type !== undefined && !(EVENT_NAMES as readonly string[]).includes(type))
        throw invalidField('type', `unknown event '${type}'; valid: ${EVENT_NAMES.join(', ')}`);
      let sources: string[];
      if (workspace !== undefined) {
        requireWorkspace(key, workspace);
        if (!(await ctx.stores.workspaces.exists(workspace))) throw notFound('workspace', workspace);
        sources = [workspace];
      } else {
        // Gateway-wide events reach only keys over every workspace, as with subscriptions.
        const all = key.workspaces.includes('*');
        sources = all
          ? [...(await ctx.stores.workspaces.ids()), GATEWAY_WIDE]
          : visibleWorkspaces(key, await ctx.stores.workspaces.ids());
      }
      const logged = (
        await Promise.all(sources.map((ws) => ctx.stores.events.recent(ws, type, limit, retentionSec())))
      ).flat();
      logged.sort((a, b) => b.at - a.at);
      return { data: logged.slice(0, limit).map((e) => JSON.parse(e.payload) as unknown) };
    },
  );
  done();
}
