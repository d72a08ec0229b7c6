/**
 * The BullMQ dashboard (Bull Board) at /admin/queues, for every queue in ctx.queues.
 *
 * Access: HTTP Basic auth with an admin API key as the password (any user name; a browser asks
 * once and resends it for the assets and the board's API calls), or `Authorization: Bearer <key>`
 * for scripts. An admin key covers every workspace (`*`) and holds every permission — like the
 * key printed on first start. Without a key: 401 with a Basic challenge; another key: 403.
 *
 * The board itself is loaded on the first authorized request (see buildBoard).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods, InjectOptions } from 'fastify';
import type { RouteOptions } from './options';
import { KEY_ADMIN_PERMISSIONS, PERMISSIONS } from '../config-schema';
import { ApiError } from '../errors';
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

/** Hop-by-hop and length headers: the outer reply sets its own. */
const NOT_FORWARDED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * The board in a Fastify instance of its own, built on its first request: Bull Board with
 * @fastify/view, ejs and @fastify/static costs ~10 MB of RSS, too much to load at start for a page
 * most gateways never open (docs/messages.md#benchmark).
 */
async function buildBoard(ctx: RouteOptions['ctx']) {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand (CommonJS build; ts-jest has no import()) */
  const Fastify = require('fastify') as typeof import('fastify');
  const { createBullBoard } = require('@bull-board/api') as typeof import('@bull-board/api');
  const { BullMQAdapter } = require('@bull-board/api/bullMQAdapter') as typeof import('@bull-board/api/bullMQAdapter');
  const { FastifyAdapter } = require('@bull-board/fastify') as typeof import('@bull-board/fastify');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: [...ctx.queues.values()].map((q) => new BullMQAdapter(q)),
    serverAdapter: serverAdapter as never,
    options: { uiConfig: { boardTitle: 'OpenClaw queues' } },
  });
  const board = Fastify({ logger: false });
  board.setNotFoundHandler((request, reply) =>
    reply.status(404).send(new ApiError('route_not_found', `no route for ${request.method} ${request.url}`).toJSON()),
  );
  await board.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  await board.ready();
  return board;
}

export default function adminRoutes(app: FastifyInstance, { ctx }: Pick<RouteOptions, 'ctx'>, done: () => void) {
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

  let board: Promise<FastifyInstance> | null = null;
  app.addHook('onClose', async () => {
    await (await board?.catch(() => null))?.close();
  });
  // Every request under the path goes through the hooks above, then to the board in memory.
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    board ??= buildBoard(ctx).catch((err: unknown) => {
      board = null; // the next request tries again
      throw err;
    });
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !NOT_FORWARDED.has(name)),
    ) as Record<string, string>;
    const boardApp = await board;
    const res = await boardApp.inject({
      method: request.method as InjectOptions['method'],
      url: request.url,
      headers,
      payload: request.body as never,
    });
    for (const [name, value] of Object.entries(res.headers))
      if (value !== undefined && !NOT_FORWARDED.has(name)) reply.header(name, value);
    const text = String(res.headers['content-type'] ?? '').startsWith('text/');
    return reply.status(res.statusCode).send(text ? res.payload : res.rawPayload);
  };
  const methods: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  for (const url of [DASHBOARD_PATH, `${DASHBOARD_PATH}/*`])
    app.route({ method: methods, url, schema: { hide: true }, handler: forward });
  done();
}
