/**
 * The admin console: GET /console serves the single-page app built from console/ (npm run build →
 * dist/console). No key is needed for the page and its assets: they hold no data; the app asks
 * the public API with the key its user pastes. Strict security headers: only this origin's
 * scripts, styles and API, no framing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RouteOptions } from './options';
import { unavailable } from '../errors';

export const CONSOLE_PATH = '/console';

export const CONSOLE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/** The built app: the repo root is the nearest folder up with a package.json (from server/ or dist/server/). */
function builtDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

export default function consoleRoutes(app: FastifyInstance, { ctx }: Pick<RouteOptions, 'ctx'>, done: () => void) {
  const dir = builtDir();
  const notBuilt = () => unavailable('the console is not built: run `npm run build`', 'unavailable', 60);
  const send = (reply: FastifyReply, body: Buffer, type: string, cache: string) =>
    reply.headers(CONSOLE_HEADERS).header('Cache-Control', cache).type(type).send(body);

  const page = async (_req: unknown, reply: FastifyReply) => {
    const file = join(dir, 'index.html');
    if (!existsSync(file)) throw notBuilt();
    // The app calls the API under the configured prefix.
    const html = readFileSync(file, 'utf8').replace('%API_PREFIX%', ctx.config.api.prefix);
    return send(reply, Buffer.from(html), 'text/html; charset=utf-8', 'no-cache');
  };
  app.get(CONSOLE_PATH, { schema: { hide: true } }, page);
  app.get(`${CONSOLE_PATH}/`, { schema: { hide: true } }, page);

  // Only the files the build wrote (a fixed list read from the folder), never a path from the URL.
  app.get<{ Params: { name: string } }>(
    `${CONSOLE_PATH}/assets/:name`,
    { schema: { hide: true } },
    async (request, reply) => {
      const assets = existsSync(join(dir, 'assets')) ? readdirSync(join(dir, 'assets')) : [];
      const name = request.params.name;
      if (!assets.includes(name)) {
        return reply
          .headers(CONSOLE_HEADERS)
          .status(404)
          .send({ error: { code: 'not_found', message: `console asset '${name}' not found` } });
      }
      const ext = name.slice(name.lastIndexOf('.'));
      return send(reply, readFileSync(join(dir, 'assets', name)), TYPES[ext] ?? 'application/octet-stream', 'no-cache');
    },
  );
  done();
}
