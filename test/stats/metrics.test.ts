/**
 * GET /metrics against a real gateway: the text is parsed and checked by value — HTTP requests by
 * route and status, messages and tokens by workspace and provider (counted once per message),
 * queue depths and job durations of a real BullMQ queue and worker, webhook deliveries — and
 * who may read it (key with stats:read over every workspace, or the open metrics port).
 */
import { Queue, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { testRedisTarget } from '../helpers/redis';
import { createBlockingClient } from '../../server/redis';
import { recordFinishedMessage } from '../../server/metrics/feature';
import { OVERHEAD_HEADER } from '../../server/metrics/overhead';
import { finished } from './fixtures';
import { parseConfig } from '../../server/config';
import { startGateway } from '../../server/gateway';
import { createLogger } from '../../server/logger';
import { parseProm, valueOf } from './prom-text';

const TEST_QUEUE = 'metrics-test';

describe('GET /metrics', () => {
  let gw: TestGateway;
  let queue: Queue;
  let worker: Worker;

  const scrape = async () => {
    const res = await gw.request('GET', '/metrics');
    expect(res.status).toBe(200);
    return parseProm(res.text);
  };

  beforeAll(async () => {
    gw = await startTestGateway({ config: { workspaces: [{ id: 'team' }, { id: 'ops' }] } });
    const prefix = `{oc:${TEST_QUEUE}}`;
    queue = new Queue(TEST_QUEUE, { connection: createBlockingClient(testRedisTarget()), prefix });
    worker = new Worker(
      TEST_QUEUE,
      (job: Job) => (job.name === 'bad' ? Promise.reject(new Error('boom')) : Promise.resolve('ok')),
      { connection: createBlockingClient(testRedisTarget()), prefix, autorun: false },
    );
    gw.gateway.ctx.queues.set(TEST_QUEUE, queue);
    gw.gateway.ctx.metrics.trackWorker(TEST_QUEUE, worker);
  });
  afterAll(async () => {
    await worker.close();
    await queue.close();
    await gw.close();
  });

  it('counts HTTP requests by route template and status, with latency histograms', async () => {
    await gw.request('GET', '/api/v1/workspaces/team');
    await gw.request('GET', '/api/v1/workspaces/ops');
    await gw.request('GET', '/api/v1/workspaces/nope');
    await gw.request('GET', '/no/such/route');
    const { samples, types } = await scrape();
    const route = '/api/v1/workspaces/:workspaceId';
    expect(valueOf(samples, 'openclaw_http_requests_total', { method: 'GET', route, status: '200' })).toBe(2);
    expect(valueOf(samples, 'openclaw_http_requests_total', { method: 'GET', route, status: '404' })).toBe(1);
    expect(valueOf(samples, 'openclaw_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(
      1,
    );
    expect(types.openclaw_http_request_duration_seconds).toBe('histogram');
    expect(
      valueOf(samples, 'openclaw_http_request_duration_seconds_count', { method: 'GET', route, status: '200' }),
    ).toBe(2);
    expect(
      valueOf(samples, 'openclaw_http_request_duration_seconds_bucket', {
        method: 'GET',
        route,
        status: '200',
        le: '+Inf',
      }),
    ).toBe(2);
    // Default process metrics come from this gateway's own registry.
    expect(valueOf(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('counts messages, tokens and cost by workspace and provider once per message', async () => {
    const record = recordFinishedMessage(gw.gateway.ctx);
    const a = finished('2026-04-01T10:00:00Z', {
      workspace: 'team',
      provider: 'openai',
      tokensIn: 1000,
      tokensOut: 2000,
      latencyMs: 1500,
    });
    await record(a);
    await record(a); // a retried job
    await record(
      finished('2026-04-01T11:00:00Z', {
        workspace: 'ops',
        provider: 'anthropic',
        model: 'claude-opus-4-0',
        tokensIn: 10,
        tokensOut: 20,
      }),
    );
    await record(
      finished('2026-04-01T12:00:00Z', {
        workspace: 'ops',
        provider: '',
        status: 'error',
        model: 'offline',
        tokensIn: 0,
        tokensOut: 0,
        costUSD: null,
      }),
    );
    const { samples, types } = await scrape();
    expect(types.openclaw_messages_total).toBe('counter');
    expect(valueOf(samples, 'openclaw_messages_total', { workspace: 'team', provider: 'openai', status: 'done' })).toBe(
      1,
    );
    expect(
      valueOf(samples, 'openclaw_messages_total', { workspace: 'ops', provider: 'anthropic', status: 'done' }),
    ).toBe(1);
    expect(valueOf(samples, 'openclaw_messages_total', { workspace: 'ops', provider: 'none', status: 'error' })).toBe(
      1,
    );
    expect(valueOf(samples, 'openclaw_tokens_total', { workspace: 'team', provider: 'openai', direction: 'in' })).toBe(
      1000,
    );
    expect(valueOf(samples, 'openclaw_tokens_total', { workspace: 'team', provider: 'openai', direction: 'out' })).toBe(
      2000,
    );
    expect(valueOf(samples, 'openclaw_cost_usd_total', { workspace: 'team', provider: 'openai' })).toBeCloseTo(
      0.0225,
      9,
    );
    expect(valueOf(samples, 'openclaw_cost_usd_total', { workspace: 'ops', provider: 'anthropic' })).toBeCloseTo(
      0.00165,
      9,
    );
    expect(valueOf(samples, 'openclaw_message_latency_seconds_count', { provider: 'openai' })).toBe(1);
    expect(valueOf(samples, 'openclaw_message_latency_seconds_sum', { provider: 'openai' })).toBe(1.5);
  });

  it('reports queue depths for every registered queue and job durations of tracked workers', async () => {
    await queue.addBulk([
      { name: 'ok', data: {} },
      { name: 'ok', data: {} },
      { name: 'bad', data: {}, opts: { attempts: 1 } },
    ]);
    let { samples } = await scrape();
    expect(valueOf(samples, 'openclaw_queue_jobs', { queue: TEST_QUEUE, state: 'waiting' })).toBe(3);
    expect(valueOf(samples, 'openclaw_queue_jobs', { queue: TEST_QUEUE, state: 'completed' })).toBe(0);
    for (const name of gw.gateway.ctx.queues.keys()) {
      expect(valueOf(samples, 'openclaw_queue_jobs', { queue: name, state: 'active' })).toBeDefined();
    }

    const settled = new Promise<void>((resolve) => {
      let n = 0;
      const one = () => ++n === 3 && resolve();
      worker.on('completed', one);
      worker.on('failed', one);
    });
    void worker.run();
    await settled;

    ({ samples } = await scrape());
    expect(valueOf(samples, 'openclaw_queue_jobs', { queue: TEST_QUEUE, state: 'waiting' })).toBe(0);
    expect(valueOf(samples, 'openclaw_queue_jobs', { queue: TEST_QUEUE, state: 'completed' })).toBe(2);
    expect(valueOf(samples, 'openclaw_queue_jobs', { queue: TEST_QUEUE, state: 'failed' })).toBe(1);
    expect(
      valueOf(samples, 'openclaw_queue_job_duration_seconds_count', { queue: TEST_QUEUE, outcome: 'completed' }),
    ).toBe(2);
    expect(
      valueOf(samples, 'openclaw_queue_job_duration_seconds_count', { queue: TEST_QUEUE, outcome: 'failed' }),
    ).toBe(1);
    expect(valueOf(samples, 'openclaw_queue_job_wait_seconds_count', { queue: TEST_QUEUE })).toBe(3);
  });

  it('still answers when a queue cannot reach its Redis, leaving that queue out', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: null, retryStrategy: () => 1000 });
    unreachable.on('error', () => undefined);
    const dead = new Queue('dead', { connection: unreachable, prefix: '{oc:dead}' });
    dead.on('error', () => undefined);
    gw.gateway.ctx.queues.set('dead', dead);
    try {
      const { samples } = await scrape();
      expect(samples.filter((s) => s.name === 'openclaw_queue_jobs' && s.labels.queue === 'dead')).toEqual([]);
      expect(valueOf(samples, 'openclaw_queue_jobs', { queue: TEST_QUEUE, state: 'completed' })).toBe(2);
    } finally {
      gw.gateway.ctx.queues.delete('dead');
      unreachable.disconnect();
    }
  });

  it('counts webhook deliveries by outcome through ctx.metrics', async () => {
    const { metrics } = gw.gateway.ctx;
    metrics.webhookDelivery('delivered', 120);
    metrics.webhookDelivery('delivered', 80);
    metrics.webhookDelivery('failed', 5000);
    const { samples } = await scrape();
    expect(valueOf(samples, 'openclaw_webhook_deliveries_total', { outcome: 'delivered' })).toBe(2);
    expect(valueOf(samples, 'openclaw_webhook_deliveries_total', { outcome: 'failed' })).toBe(1);
    expect(valueOf(samples, 'openclaw_webhook_delivery_duration_seconds_sum', { outcome: 'delivered' })).toBeCloseTo(
      0.2,
      9,
    );
  });

  it('answers in the Prometheus text format, with the overhead header', async () => {
    const res = await gw.request('GET', '/metrics');
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get(OVERHEAD_HEADER)).toMatch(/^\d+\.\d{2}$/);
    expect(res.text).toContain('# HELP openclaw_http_requests_total ');
  });

  it('refuses without a key, without stats:read, and for a key scoped to some workspaces', async () => {
    const none = await gw.request('GET', '/metrics', { key: null });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('missing_api_key');
    expect((await gw.request('GET', '/metrics', { key: 'oclaw_live_unknown_key_123' })).status).toBe(401);
    const noStats = await gw.request('GET', '/metrics', {
      key: await gw.createKey({ permissions: ['messages:write'] }),
    });
    expect(noStats.status).toBe(403);
    expect(noStats.body.error.code).toBe('missing_permission');
    const scoped = await gw.request('GET', '/metrics', {
      key: await gw.createKey({ workspaces: ['team'], permissions: ['stats:read'] }),
    });
    expect(scoped.status).toBe(403);
    expect(scoped.body.error.code).toBe('workspace_forbidden');
    const reader = await gw.request('GET', '/metrics', { key: await gw.createKey({ permissions: ['stats:read'] }) });
    expect(reader.status).toBe(200);
  });
});

describe('metrics.port in a worker-only process (openclaw worker)', () => {
  it('serves the open metrics port without any API port', async () => {
    const config = parseConfig(
      { api: { port: 0, host: '127.0.0.1' }, logging: { level: 'silent' }, metrics: { port: 0, host: '127.0.0.1' } },
      {},
    );
    config.stateDir = '/tmp/openclaw-test-state';
    const worker = await startGateway({
      config,
      redisUrl: testRedisTarget(),
      listen: false,
      workers: true,
      log: createLogger('silent'),
      say: () => undefined,
    });
    try {
      expect(worker.url).toBeNull();
      const res = await fetch(`${worker.ctx.metrics.openUrl}/metrics`);
      expect(res.status).toBe(200);
      const { samples } = parseProm(await res.text());
      expect(worker.ctx.queues.size).toBeGreaterThan(0);
      for (const name of worker.ctx.queues.keys())
        expect(valueOf(samples, 'openclaw_queue_jobs', { queue: name, state: 'waiting' })).toBeDefined();
    } finally {
      await worker.close();
    }
  });
});

describe('metrics.port', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ config: { metrics: { port: 0, host: '127.0.0.1' } } });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('serves GET /metrics without a key on its own port, and nothing else there', async () => {
    const base = gw.gateway.ctx.metrics.openUrl!;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(base).not.toBe(gw.url);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { samples } = parseProm(await res.text());
    expect(samples.some((s) => s.name === 'openclaw_queue_jobs')).toBe(true);
    expect((await fetch(`${base}/api/v1/stats`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
    // The API port still wants a key.
    expect((await gw.request('GET', '/metrics', { key: null })).status).toBe(401);
  });
});
