/**
 * Starts a real gateway (HTTP on a real port + in-process workers) on the test Redis, with a
 * config built from a raw openclaw.json object, and gives typed HTTP helpers.
 */
import { parseConfig } from '../../server/config';
import { startGateway, type Gateway } from '../../server/gateway';
import { createLogger } from '../../server/logger';
import type { Clock } from '../../server/clock';
import type { Permission } from '../../server/config-schema';
import { ALL_PERMISSIONS } from '../../server/store/keys';
import type { FastifyBaseLogger } from 'fastify';
import { flushTestDb, testRedisTarget } from './redis';
import type { RedisTarget } from '../../server/redis';

export interface TestGatewayOptions {
  /** Raw openclaw.json content; api.port/host and logging are set for tests unless given. */
  config?: Record<string, any>;
  clock?: Clock;
  workers?: boolean;
  /** Flush the test database first (default true). Pass false to restart on existing data. */
  flush?: boolean;
  redisUrl?: RedisTarget;
  env?: NodeJS.ProcessEnv;
  /** A logger of the test's own (e.g. to capture and inspect log lines). */
  log?: FastifyBaseLogger;
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  /** The admin key (all permissions, all workspaces), created for the test. */
  adminKey: string;
  createKey(opts?: {
    workspaces?: string[];
    permissions?: Permission[];
    rateLimit?: number | null;
    label?: string;
  }): Promise<string>;
  request<T = any>(
    method: string,
    path: string,
    opts?: { key?: string | null; body?: unknown; headers?: Record<string, string>; rawBody?: string },
  ): Promise<HttpResult<T>>;
  close(): Promise<void>;
}

// A gateway still running after its test file (a hook timed out while it started) would keep
// taking the next files' jobs from the shared queues: every file ends with all of its closed.
const open = new Set<Gateway>();
let fileDone = false;
afterAll(async () => {
  fileDone = true;
  await Promise.all([...open].map((g) => g.close()));
});

export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const redisUrl = opts.redisUrl ?? testRedisTarget();
  if (opts.flush !== false) await flushTestDb(redisUrl);
  const raw = structuredClone(opts.config ?? {});
  raw.api = { port: 0, host: '127.0.0.1', ...(raw.api ?? {}) };
  raw.logging = { level: process.env.TEST_LOG_LEVEL ?? 'silent', ...(raw.logging ?? {}) };
  const config = parseConfig(raw, opts.env ?? {});
  config.stateDir = config.stateDir ?? '/tmp/openclaw-test-state';
  const log = opts.log ?? createLogger(config.logging.level);
  // opts.env (not the real environment) decides the model: a developer's OPENAI_API_KEY or local Ollama never leaks into tests.
  const gateway = await startGateway({
    config,
    redisUrl,
    clock: opts.clock,
    workers: opts.workers,
    log,
    say: () => undefined,
    env: { OLLAMA_BASE_URL: 'off', ...opts.env },
  });
  open.add(gateway);
  if (fileDone) {
    await gateway.close();
    throw new Error('the test file ended while this gateway was starting');
  }
  const url = gateway.url!;
  const { record: _r, key: adminKey } = await gateway.ctx.stores.keys.create({
    label: 'test admin',
    workspaces: ['*'],
    permissions: ALL_PERMISSIONS,
    source: 'cli',
  });

  const request: TestGateway['request'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key === undefined ? adminKey : o.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = headers['content-type'] ?? 'application/json';
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  return {
    gateway,
    url,
    adminKey,
    async createKey(k = {}) {
      const { key } = await gateway.ctx.stores.keys.create({
        label: k.label ?? 'test key',
        workspaces: k.workspaces ?? ['*'],
        permissions: k.permissions,
        rateLimit: k.rateLimit ?? null,
        source: 'cli',
      });
      return key;
    },
    request,
    close: async () => {
      open.delete(gateway);
      await gateway.close();
    },
  };
}
