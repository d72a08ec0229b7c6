/**
 * Builds and runs a gateway against a Redis URL: context, HTTP app, features' workers. Used by
 * `openclaw start` (main.ts) and by the tests, which start real gateways on real ports.
 */
// First: holds the young generation's growth while the modules below load (young-generation.ts).
import { releaseYoungGeneration } from './young-generation';
import type { FastifyInstance, FastifyBaseLogger } from 'fastify';
import type { Config } from './config-schema';
import { ALL_PERMISSIONS } from './store/keys';
import { createDataClient, waitReady, type RedisTarget } from './redis';
import { createStores, TRACKED_PREFIXES } from './store';
import { Tracking } from './store/tracking';
import { EventBus } from './events';
import { systemClock, type Clock } from './clock';
import { createLogger } from './logger';
import { VERSION } from './version';
import { buildApp } from './app';
import { warmRouteSchemas } from './schema-compilers';
import { formatKeyAnnouncement } from './auth/announce';
import { FEATURES } from './features';
import type { GatewayContext } from './context';
import { createModelRegistry } from './agent/providers/registry';
import { Shutdown, settleWithin, type DrainReport } from './shutdown';
import type { AddressInfo } from 'node:net';
import { describeBound } from './listen-addresses';
import { isConnectionError, RedisWatch } from './redis-watch';

/**
 * After the drain (grace period + WRAP_UP_MS): how long closing may take in all, and each step at
 * most. Bounded so the process exits within grace + 5 s even when Redis is gone and every close
 * would wait for it.
 */
const CLOSE_ALL_MS = 3000;
const CLOSE_HTTP_MS = 500;
const STOP_FEATURE_MS = 1500;
const QUIT_REDIS_MS = 300;

export interface GatewayOptions {
  config: Config;
  /** A redis:// URL or a cluster (server/redis.ts). */
  redisUrl: RedisTarget;
  log?: FastifyBaseLogger;
  clock?: Clock;
  /** Run the features' workers in this process (default: config.workers.enabled). */
  workers?: boolean;
  /** false: build everything but do not listen (worker processes). */
  listen?: boolean;
  /** Where first-start announcements (the bootstrap admin key) go; default stdout. */
  say?: (line: string) => void;
  /** How long to wait for Redis at start before giving up (default 30 s; Infinity: until it answers). */
  redisWaitMs?: number;
  /** Environment for the model choice (OPENAI_API_KEY, OPENCLAW_MODEL, OLLAMA_BASE_URL …); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface Gateway {
  ctx: GatewayContext;
  app: FastifyInstance | null;
  /** http://host:port once listening (loopback when the bind includes it). */
  url: string | null;
  /** Every URL the server is bound to (a wildcard bind spelled out per interface); exposed: reachable from other machines. */
  bound: { urls: string[]; exposed: boolean } | null;
  /** Set when this start created the bootstrap admin key (printed once). */
  bootstrapKey: string | null;
  /**
   * Graceful stop (docs/messages.md): refuse new requests, give open streams, waiting requests and
   * running jobs up to `graceMs` (default shutdown.graceMs), end the rest resumably, then close
   * everything, each step bounded so a dead Redis cannot hold the stop.
   */
  close(opts?: { graceMs?: number }): Promise<DrainReport | null>;
}

export function createContext(
  opts: Pick<GatewayOptions, 'config' | 'redisUrl' | 'log' | 'clock' | 'env' | 'say'>,
): GatewayContext {
  const log = opts.log ?? createLogger(opts.config.logging.level);
  const clock = opts.clock ?? systemClock;
  const redis = createDataClient(opts.redisUrl);
  // One line per state change, not one per reconnect attempt (redis-watch.ts).
  const watch = new RedisWatch(opts.redisUrl, log, opts.say ?? sayToStdout);
  redis.on('error', (err) => watch.error(err));
  redis.on('ready', () => watch.connected());
  // Config providers or env keys; the agent feature's start may switch to Ollama (docs/agent.md).
  const models = createModelRegistry(opts.config, opts.env ?? process.env);
  // Hot records cached per process, kept exact by Redis (store/tracking.ts); connects in startGateway.
  const tracking = new Tracking(opts.redisUrl, TRACKED_PREFIXES);
  // Features' own fields (ctx.metrics, ctx.schedules…) are set by their init() below.
  const ctx = {
    config: opts.config,
    redisUrl: opts.redisUrl,
    redis,
    stores: createStores(redis, clock, tracking),
    events: new EventBus(clock, log),
    clock,
    log,
    version: VERSION,
    startedAt: Date.now(),
    readiness: { ready: false },
    shutdown: new Shutdown(),
    defaultModel: models.defaultModel,
    models,
    queues: new Map(),
    onMessageFinished: [],
    onWorkspaceDeleted: [],
  } as Partial<GatewayContext> as GatewayContext;
  for (const f of FEATURES) f.init?.(ctx);
  // A queue without an 'error' listener prints every reconnect attempt to stderr while Redis is away.
  for (const [name, queue] of ctx.queues) {
    if (queue.listenerCount('error') === 0)
      queue.on('error', (err) =>
        isConnectionError(err)
          ? watch.error(err)
          : log.warn({ queue: name, err: { message: err.message } }, 'queue error'),
      );
  }
  REDIS_WATCH.set(ctx, watch);
  TRACKING.set(ctx, tracking);
  return ctx;
}

const sayToStdout = (line: string) => process.stdout.write(`${line}\n`);
const REDIS_WATCH = new WeakMap<GatewayContext, RedisWatch>();
const TRACKING = new WeakMap<GatewayContext, Tracking>();

/** Makes stored keys and workspaces match the config; creates the bootstrap admin key once. */
async function syncConfig(ctx: GatewayContext): Promise<string | null> {
  const { keys, workspaces } = ctx.stores;
  await keys.syncConfigKeys(ctx.config.api.keys);
  await workspaces.syncConfigWorkspaces(ctx.config.workspaces);
  const created = await keys.bootstrapAdmin({
    label: 'Admin (first start)',
    workspaces: ['*'],
    permissions: ALL_PERMISSIONS,
    source: 'bootstrap',
  });
  if (await workspaces.seedDefault()) ctx.log.info('created workspace "default"');
  return created;
}

export { formatKeyAnnouncement } from './auth/announce';

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const ctx = createContext(opts);
  TRACKING.get(ctx)!.start();
  const runWorkers = opts.workers ?? ctx.config.workers.enabled;
  const listen = opts.listen ?? ctx.config.api.enabled;
  const say = opts.say ?? sayToStdout;

  // Listen first: until Redis and the workers are ready, API routes answer 503 `starting`.
  const app = listen ? await buildApp(ctx) : null;
  let url: string | null = null;
  let bound: Gateway['bound'] = null;
  if (app) {
    await app.listen({ port: ctx.config.api.port, host: ctx.config.api.host });
    const banner = describeBound(app.addresses().filter((a): a is AddressInfo => typeof a === 'object'));
    url = banner.url;
    bound = { urls: banner.urls, exposed: banner.exposed };
  }

  const stops: Array<() => Promise<void>> = [];
  let bootstrapKey: string | null = null;
  try {
    await waitReady(ctx.redis, opts.redisWaitMs ?? 30000);
    bootstrapKey = await syncConfig(ctx);
    if (bootstrapKey) {
      const rec = await ctx.stores.keys.verify(bootstrapKey);
      for (const line of formatKeyAnnouncement(bootstrapKey, rec!.label, rec!.workspaces, rec!.createdAt)) say(line);
    }
    for (const f of FEATURES) if (f.start) stops.push(await f.start(ctx, { workers: runWorkers }));
  } catch (err) {
    if (app) {
      app.server.closeAllConnections();
      await app.close();
    }
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await TRACKING.get(ctx)!.close();
    ctx.redis.disconnect();
    throw err;
  }
  ctx.readiness.ready = true;
  REDIS_WATCH.get(ctx)!.ready = true;
  if (app) warmRouteSchemas(app);
  releaseYoungGeneration();

  let closing: Promise<DrainReport | null> | null = null;
  const close = async (graceMs: number): Promise<DrainReport> => {
    ctx.readiness.ready = false;
    ctx.shutdown.begin();
    // Stop listening (idle keep-alive sockets close now); resolves once every connection is gone.
    const httpClosed = app?.close() ?? Promise.resolve();
    const report = await ctx.shutdown.drain(graceMs);
    if (report.cut || report.stuck)
      ctx.log.warn(report, 'shutdown: grace period over, open streams and jobs were ended or handed back');
    const deadline = Date.now() + CLOSE_ALL_MS;
    if (app) {
      app.server.closeIdleConnections();
      // Whatever is left (a client that stopped reading) is cut.
      if (!(await settleWithin(httpClosed, CLOSE_HTTP_MS))) app.server.closeAllConnections();
      await settleWithin(httpClosed, 100);
    }
    for (const stop of stops.reverse()) {
      const ms = Math.max(50, Math.min(STOP_FEATURE_MS, deadline - QUIT_REDIS_MS - Date.now()));
      const stopped = stop().catch((err: unknown) => ctx.log.error({ err }, 'stopping a feature failed'));
      if (!(await settleWithin(stopped, ms)))
        ctx.log.warn(`shutdown: a feature did not stop within ${ms} ms (Redis away?); moving on`);
    }
    await settleWithin(TRACKING.get(ctx)!.close(), QUIT_REDIS_MS);
    if (!(await settleWithin(ctx.redis.quit(), QUIT_REDIS_MS))) ctx.redis.disconnect();
    return report;
  };
  return {
    ctx,
    app,
    url,
    bound,
    bootstrapKey,
    close(opts = {}) {
      closing ??= close(opts.graceMs ?? ctx.config.shutdown.graceMs);
      return closing;
    },
  };
}
