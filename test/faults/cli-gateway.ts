/**
 * Fault scenarios' gateway: the built CLI (`openclaw start` or `openclaw worker`) as a real
 * process on the jest worker's test Redis, with one fixed API key from openclaw.json, plus what
 * the scenarios measure (RSS from /proc) and a raw-socket SSE client that can stop reading.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, startCli, tempDir, type LongRunning } from '../foundation/process';
import { testRedisUrl } from '../helpers/redis';
import { rawSse, type RawStream } from '../helpers/raw-sse';

export const API_KEY = 'oclaw_fault_suite_key_0123456789';
export const API = '/api/v1';

export interface CliGateway {
  proc: LongRunning;
  /** http://127.0.0.1:port (null for `openclaw worker`). */
  url: string;
  port: number;
  pid: number;
}

/** Starts `openclaw <command>` with `config` (merged over a test key and workspace `team`). */
export async function startCliGateway(
  config: Record<string, any> = {},
  command: 'start' | 'worker' = 'start',
  redisUrl = testRedisUrl(),
): Promise<CliGateway> {
  const dir = tempDir('openclaw-fault-');
  const full = {
    ...config,
    api: {
      port: 0,
      host: '127.0.0.1',
      keys: [{ key: API_KEY, label: 'fault suite', workspaces: ['*'] }],
      ...(config.api ?? {}),
    },
    workspaces: config.workspaces ?? [{ id: 'team' }],
  };
  writeFileSync(join(dir, 'openclaw.json'), JSON.stringify(full));
  const proc = startCli([command], {
    cwd: dir,
    env: cleanEnv({ REDIS_URL: redisUrl, OPENCLAW_STATE_DIR: join(dir, 'state'), OLLAMA_BASE_URL: 'off' }),
  });
  if (command === 'worker') {
    await proc.waitFor(/Worker running/, 30000);
    return { proc, url: '', port: 0, pid: proc.child.pid! };
  }
  const m = await proc.waitFor(/Listening on (http:\/\/127\.0\.0\.1:(\d+))/, 30000);
  return { proc, url: m[1], port: Number(m[2]), pid: proc.child.pid! };
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0; // the process is gone
  }
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

export const MB = 1024 * 1024;

export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(base + API + path, {
    method,
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** An SSE request with the fault suite's key over a raw socket (see rawSse). */
export const rawStream = (
  port: number,
  method: 'POST' | 'GET',
  path: string,
  body?: unknown,
  opts: { stallAfterHead?: boolean } = {},
): RawStream => rawSse(port, method, API + path, API_KEY, body, opts);
