/**
 * The scale-out shape on a real Redis Cluster (3 masters, 3 replicas): two `openclaw start`
 * processes that only serve HTTP and one separate `openclaw worker` process, configured by
 * REDIS_CLUSTER_NODES alone. Requests alternate between the gateways; everything a user relies on
 * holds across them: answers, SSE streams, per-session order, signed webhooks, a schedule run,
 * stats counted once, one rate limit.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, startCli, tempDir, type LongRunning } from '../foundation/process';
import { testRedisEnv } from '../helpers/redis';
import { offline, parseSse } from '../messages/helpers';
import { startReceiver, type Receiver } from '../webhooks/receiver';

const KEY = 'oclaw_cluster_suite_key_0123456789';
const API = '/api/v1';
const SECRET = 'cluster-suite-secret';
const LIMITED = 'oclaw_cluster_suite_limited_01234567';
const LIMIT = 10;

describe('two gateway processes and a worker process on a Redis Cluster', () => {
  const dir = tempDir('openclaw-cluster-');
  const procs: LongRunning[] = [];
  const gateways: string[] = [];
  let rx: Receiver;
  let turn = 0;
  /** The stats totals when this file starts. */
  let before: { messages: number; errors: number };

  /** Every call goes to the other gateway than the last one. */
  const call = async (method: string, path: string, body?: unknown, key = KEY) => {
    const base = gateways[turn++ % 2];
    const res = await fetch(base + API + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null,
    };
  };

  const start = (role: 'start' | 'worker', config: Record<string, unknown>, name: string) => {
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(config));
    const p = startCli([role], {
      cwd: dir,
      env: cleanEnv({
        ...testRedisEnv(),
        OPENCLAW_CONFIG: join(dir, `${name}.json`),
        OPENCLAW_STATE_DIR: join(dir, name),
        OLLAMA_BASE_URL: 'off',
      }),
    });
    procs.push(p);
    return p;
  };

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    const config = {
      api: {
        port: 0,
        host: '127.0.0.1',
        keys: [
          {
            key: KEY,
            label: 'cluster suite',
            workspaces: ['*'],
            permissions: [
              'messages:write',
              'messages:read',
              'sessions:read',
              'stats:read',
              'webhooks:read',
              'webhooks:write',
              'schedules:read',
              'schedules:write',
            ],
          },
          { key: LIMITED, label: 'limited', workspaces: ['team'], rateLimit: LIMIT },
        ],
      },
      workspaces: [{ id: 'team' }],
      webhooks: { allowedHosts: ['127.0.0.1'] },
      shutdown: { graceMs: 2000 },
    };
    const http = { ...config, workers: { enabled: false } };
    const [a, b] = await Promise.all(
      [start('start', http, 'gw-a'), start('start', http, 'gw-b')].map((p) =>
        p.waitFor(/Listening on (http:\/\/127\.0\.0\.1:\d+)/, 60000),
      ),
    );
    gateways.push(a[1], b[1]);
    await start('worker', config, 'worker').waitFor(/Worker running/, 60000);
    before = (await call('GET', '/stats')).body.totals;
  }, 120000);
  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await rx?.close();
  });

  it('answers whole messages through either gateway; the worker process runs them', async () => {
    for (const user of ['alice', 'bob']) {
      const res = await call('POST', '/messages', { workspace: 'team', userId: user, message: `hello from ${user}` });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        response: offline(`hello from ${user}`, 1),
        model: 'offline',
        finishReason: 'stop',
      });
    }
  });

  it('streams SSE for concurrent messages whose event streams sit on different slots and nodes', async () => {
    const streams = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const res = await fetch(`${gateways[i % 2]}${API}/messages/stream`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ workspace: 'team', userId: `streamer-${i}`, message: `stream ${i}` }),
        });
        expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
        return parseSse(await res.text());
      }),
    );
    streams.forEach((events, i) => {
      expect(events.at(-1)!.data.type).toBe('done');
      const text = events
        .filter((e) => e.data.type === 'token')
        .map((e) => e.data.content as string)
        .join('');
      expect(text).toBe(offline(`stream ${i}`, 1));
    });
  });

  it('keeps one session in arrival order while its messages arrive at both gateways', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await call('POST', '/messages', {
        workspace: 'team',
        userId: 'orderly',
        sessionId: 'cluster-order',
        message: `step ${i}`,
        async: true,
      });
      expect(res.status).toBe(202);
      ids.push(res.body.messageId);
    }
    await waitUntil(async () => (await call('GET', `/messages/${ids.at(-1)}`)).body.status === 'done');
    const history = await call('GET', '/sessions/cluster-order/history?limit=50');
    expect(
      history.body.data.filter((t: { role: string }) => t.role === 'user').map((t: { content: string }) => t.content),
    ).toEqual(ids.map((_, i) => `step ${i}`));
  });

  it('delivers signed webhooks from the worker process for a message sent to the other gateway', async () => {
    const sub = await call('POST', '/webhooks', { url: rx.url, events: ['message.sent'], secret: SECRET });
    expect(sub).toMatchObject({ status: 201 });
    const res = await call('POST', '/messages', { workspace: 'team', userId: 'hooked', message: 'ping the hook' });
    const [hit] = await rx.waitFor(
      (a) => a.some((x) => x.data.messageId === res.body.messageId),
      20000,
      'message.sent',
    );
    expect(hit.body.data).toMatchObject({ messageId: res.body.messageId });
  });

  it('runs a schedule on the worker process', async () => {
    const created = await call('POST', '/schedules', {
      id: 'cluster-daily',
      workspace: 'team',
      userId: 'scheduler',
      message: 'daily report',
      cron: '0 9 * * *',
      timezone: 'UTC',
    });
    expect(created.status).toBe(201);
    const run = await call('POST', '/schedules/cluster-daily/run');
    expect(run.status).toBe(202);
    await waitUntil(async () => (await call('GET', '/schedules/cluster-daily')).body.lastRun?.status === 'completed');
    const after = await call('GET', '/schedules/cluster-daily');
    expect(after.body.lastRun).toMatchObject({
      runId: run.body.runId,
      status: 'completed',
      messageId: run.body.messageId,
    });
    expect((await call('GET', `/messages/${run.body.messageId}`)).body).toMatchObject({
      status: 'done',
      response: offline('daily report', 1),
    });
  });

  it('counts every message once in the stats', async () => {
    // 2 whole + 12 streamed + 6 in one session + 1 hooked + 1 scheduled.
    // Counted over what this cluster held before this file (other files ran on it first, in the
    // same jest worker): until at least 22 more, then exactly 22; a failure shows what it saw.
    let totals: { messages: number; errors: number } = { messages: 0, errors: 0 };
    await waitUntil(
      async () => (totals = (await call('GET', '/stats')).body.totals).messages >= before.messages + 22,
    ).catch(() => undefined);
    expect({ messages: totals.messages - before.messages, errors: totals.errors - before.errors }).toEqual({
      messages: 22,
      errors: 0,
    });
  });

  it('enforces one rate limit across both gateways: exactly the limit passes', async () => {
    const results = await Promise.all(
      Array.from({ length: 2 * LIMIT + 4 }, () => call('GET', '/stats', undefined, LIMITED)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(LIMIT);
    const refused = results.filter((r) => r.status !== 200);
    expect(
      refused.every(
        (r) =>
          r.status === 429 && r.body.error.code === 'rate_limited' && /^\d+$/.test(r.headers.get('retry-after') ?? ''),
      ),
    ).toBe(true);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
