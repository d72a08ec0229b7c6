/**
 * The BullMQ dashboard (Bull Board) at /admin/queues, for every queue in ctx.queues.
 *
 * Access: HTTP Basic auth with an admin API key as the password (any user name; a browser asks
 * once and resends it for the assets and the board's API calls), or `Authorization: Bearer <key>`
 * for scripts. An admin key covers every workspace (`*`) and holds every permission — like the
 * key printed on first start. Without a key: 401 with a Basic challenge; another key: 403.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { RouteOptions } from './options';
import { KEY_ADMIN_PERMISSIONS, PERMISSIONS } from '../config-schema';
import type { ApiKeyRecord } from '../store/keys';

export const DASHBOARD_PATH = '/admin/queues';
const CHALLENGE = 'Basic realm="OpenClaw queues", charset="UTF-8"';

// keys:read/keys:write came later: admin keys made before them keep the board.
export const isAdminKey = (key: ApiKeyRecord) =>
  key.workspaces.includes('*') &&
  PERMISSIONS.every((p) => KEY_ADMIN_PERMISSIONS.includes(p) || key.permissions.includes(p));

/** The key from `Basic base64(user:key)` (or `key:` with an empty password) or `Bearer key`. */
export function dashboardCredential(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = /^Bearer (\S+)$/.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return decoded.slice(colon + 1) || decoded.slice(0, colon) || null;
}

export default async function adminRoutes(app: FastifyInstance, { ctx }: Pick<RouteOptions, 'ctx'>) {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: [...ctx.queues.values()].map((q) => new BullMQAdapter(q)),
    serverAdapter: serverAdapter as never,
    options: { uiConfig: { boardTitle: 'OpenClaw queues' } },
  });

  // Answered here rather than thrown: the board's own error handler would turn a throw into a 500.
  const refuse = (reply: FastifyReply, status: number, code: string, message: string) => {
    if (status === 401) reply.header('WWW-Authenticate', CHALLENGE);
    if (status === 503) reply.header('Retry-After', '2');
    return reply.status(status).type('application/json').send({ error: { code, message } });
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!ctx.readiness.ready) return refuse(reply, 503, 'starting', 'the gateway is starting; retry in a few seconds');
    const secret = dashboardCredential(request.headers.authorization);
    if (!secret)
      return refuse(
        reply,
        401,
        'missing_api_key',
        'the queue dashboard needs an admin API key (Basic auth password, or Bearer)',
      );
    const key = await ctx.stores.keys.verify(secret);
    if (!key) return refuse(reply, 401, 'invalid_api_key', 'unknown or revoked API key');
    if (!isAdminKey(key))
      return refuse(
        reply,
        403,
        'admin_required',
        'the queue dashboard needs an admin key: every workspace (*) and every permission',
      );
    request.apiKey = key;
  });

  // The board's page links Google Fonts; a self-hosted admin page makes no third-party requests
  // (the CSS falls back to the system's sans-serif and monospace fonts).
  app.addHook('onSend', async (_request, reply, payload) => {
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
      return payload;
    return payload.replace(/<link[^>]+fonts\.(googleapis|gstatic)\.com[^>]*>/g, '');
  });

  await app.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
}
