/**
 * End to end: real messages through POST /api/v1/messages (the built-in offline model, priced
 * through the config's `pricing`), then /stats, /stats/users and /metrics agree with the replies.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { parseProm, valueOf } from './prom-text';

const DAY = '2026-04-30';
// Shifted, still moving: messages finish on DAY and have a real latency.
const offset = Date.parse(`${DAY}T12:00:00Z`) - Date.now();
const clock = { now: () => Date.now() + offset };

describe('stats of real messages', () => {
  let gw: TestGateway;
  const replies: Array<{ tokensIn: number; tokensOut: number; costUSD: number; model: string; latencyMs: number }> = [];
  const timings: string[] = [];

  beforeAll(async () => {
    gw = await startTestGateway({
      clock,
      config: { workspaces: [{ id: 'team' }], pricing: { offline: { input: 1, output: 2 } } },
    });
    for (const [userId, message] of [
      ['alice', 'hello there'],
      ['alice', 'summarize the repo activity'],
      ['bob', 'write a deployment plan'],
    ]) {
      const res = await gw.request('POST', '/api/v1/messages', { body: { workspace: 'team', userId, message } });
      expect(res.status).toBe(200);
      replies.push(res.body);
      timings.push(res.headers.get('server-timing')!);
    }
  });
  afterAll(async () => {
    await gw.close();
  });

  const sum = (f: (r: (typeof replies)[number]) => number) => replies.reduce((n, r) => n + f(r), 0);

  it('counts every finished message on its day with the replies’ tokens and cost', async () => {
    expect(replies.every((r) => r.model === 'offline' && r.tokensIn > 0 && r.tokensOut > 0)).toBe(true);
    const res = await gw.request('GET', `/api/v1/stats?from=${DAY}&to=${DAY}`);
    expect(res.status).toBe(200);
    const { totals } = res.body;
    expect(totals).toMatchObject({
      messages: 3,
      errors: 0,
      tokensIn: sum((r) => r.tokensIn),
      tokensOut: sum((r) => r.tokensOut),
      uniqueUsers: 2,
    });
    expect(totals.costUSD).toBeCloseTo(
      sum((r) => r.costUSD),
      6,
    );
    expect(totals.costUSD).toBeCloseTo((sum((r) => r.tokensIn) * 1 + sum((r) => r.tokensOut) * 2) / 1e6, 6);
    expect(totals.avgLatencyMs).toBe(Math.round(sum((r) => r.latencyMs) / 3));
    expect(res.body.byDay).toEqual([{ date: DAY, ...totals }]);
    expect(res.body.unpricedModels).toEqual([]);
  });

  it('ranks the users of the workspace', async () => {
    const res = await gw.request('GET', `/api/v1/stats/users?workspace=team&from=${DAY}&to=${DAY}`);
    expect(res.body.data.map((u: { userId: string; messages: number }) => [u.userId, u.messages])).toEqual([
      ['alice', 2],
      ['bob', 1],
    ]);
    expect(res.body.data[0].tokensIn).toBe(replies[0].tokensIn + replies[1].tokensIn);
    expect(res.body.data[0].lastActivity.slice(0, 10)).toBe(DAY);
  });

  it('reports the overhead of a message without the time spent waiting on the worker', async () => {
    for (const t of timings) expect(t).toMatch(/^gateway;dur=\d+\.\d{2}, upstream;dur=\d+\.\d{2}$/);
    const res = await fetch(`${gw.url}/api/v1/messages/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workspace: 'team', userId: 'carol', message: 'stream please' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-openclaw-overhead-ms')).toMatch(/^\d+\.\d{2}$/);
    expect(await res.text()).toContain('"type":"done"');
  });

  it('shows the same messages and tokens in /metrics', async () => {
    const { samples } = parseProm((await gw.request('GET', '/metrics')).text);
    expect(valueOf(samples, 'openclaw_messages_total', { workspace: 'team', status: 'done' })).toBe(4); // + the streamed one
    // A job completes just after its answer is out: wait for the worker's last 'completed' event.
    let jobs = 0;
    for (let i = 0; i < 100 && jobs < 4; i++) {
      const text = (await gw.request('GET', '/metrics')).text;
      jobs =
        valueOf(parseProm(text).samples, 'openclaw_queue_job_duration_seconds_count', {
          queue: 'messages',
          outcome: 'completed',
        }) ?? 0;
      if (jobs < 4) await new Promise((r) => setTimeout(r, 20));
    }
    expect(jobs).toBe(4);
    const { totals } = (await gw.request('GET', `/api/v1/stats?from=${DAY}&to=${DAY}`)).body;
    expect(totals.messages).toBe(4);
    expect(valueOf(samples, 'openclaw_tokens_total', { workspace: 'team', direction: 'in' })).toBe(totals.tokensIn);
    expect(valueOf(samples, 'openclaw_tokens_total', { workspace: 'team', direction: 'out' })).toBe(totals.tokensOut);
    expect(
      valueOf(samples, 'openclaw_http_requests_total', { method: 'POST', route: '/api/v1/messages', status: '200' }),
    ).toBe(3);
    expect(
      valueOf(samples, 'openclaw_http_requests_total', {
        method: 'POST',
        route: '/api/v1/messages/stream',
        status: '200',
      }),
    ).toBe(1);
  });
});
