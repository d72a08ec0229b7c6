/**
 * Stats API against a real gateway: a known set of finished messages across days (recorded
 * through the feature's onMessageFinished hook, with an injected clock), exact totals and days,
 * exact unique users, scoping, retries without double counting, and every bad parameter.
 */
import type Redis from 'ioredis';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis } from '../helpers/redis';
import { recordFinishedMessage } from '../../server/metrics/feature';
import type { FinishedMessage } from '../../server/context';
import { finished, manualClock } from './fixtures';

const clock = manualClock('2026-04-30T12:00:00Z');
const MESSAGES: FinishedMessage[] = [
  finished('2026-04-01T09:00:00Z', { userId: 'alice', tokensIn: 1000, tokensOut: 2000, latencyMs: 1000 }),
  finished('2026-04-01T10:00:00Z', { userId: 'bob', tokensIn: 500, tokensOut: 500, latencyMs: 3000 }),
  finished('2026-04-01T23:59:59Z', {
    workspace: 'ops',
    userId: 'alice',
    model: 'gpt-4o-mini',
    provider: 'openai',
    tokensIn: 1000,
    tokensOut: 1000,
    latencyMs: 500,
  }),
  finished('2026-04-02T00:00:00Z', {
    userId: 'alice',
    model: 'mystery-model',
    provider: 'local',
    tokensIn: 100,
    tokensOut: 200,
    latencyMs: 2000,
  }),
  finished('2026-04-02T08:00:00Z', { userId: 'alice', status: 'error', tokensIn: 0, tokensOut: 0, latencyMs: 100 }),
  finished('2026-03-15T12:00:00Z', {
    workspace: 'ops',
    userId: 'carol',
    tokensIn: 1000,
    tokensOut: 2000,
    latencyMs: 1000,
  }),
];
const zeroDay = (date: string) => ({
  date,
  messages: 0,
  errors: 0,
  tokensIn: 0,
  tokensOut: 0,
  costUSD: 0,
  avgLatencyMs: 0,
  uniqueUsers: 0,
});

describe('stats API', () => {
  let gw: TestGateway;
  let redis: Redis;
  let record: (m: FinishedMessage) => Promise<void>;

  beforeAll(async () => {
    gw = await startTestGateway({ clock, config: { workspaces: [{ id: 'team' }, { id: 'ops' }, { id: 'empty' }] } });
    redis = rawRedis();
    record = recordFinishedMessage(gw.gateway.ctx);
    for (const m of MESSAGES) await record(m);
  });
  afterAll(async () => {
    await redis.quit();
    await gw.close();
  });

  it('registers its recording hook on the context', () => {
    expect(gw.gateway.ctx.onMessageFinished.length).toBeGreaterThanOrEqual(1);
  });

  it('answers a period with exact totals, every day (zeros included) and the unpriced models', async () => {
    const res = await gw.request('GET', '/api/v1/stats?from=2026-04-01&to=2026-04-03');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      period: { from: '2026-04-01', to: '2026-04-03' },
      totals: {
        messages: 5,
        errors: 1,
        tokensIn: 2600,
        tokensOut: 3700,
        costUSD: 0.0295,
        avgLatencyMs: 1320,
        uniqueUsers: 3,
      },
      byDay: [
        {
          date: '2026-04-01',
          messages: 3,
          errors: 0,
          tokensIn: 2500,
          tokensOut: 3500,
          costUSD: 0.0295,
          avgLatencyMs: 1500,
          uniqueUsers: 3,
        },
        {
          date: '2026-04-02',
          messages: 2,
          errors: 1,
          tokensIn: 100,
          tokensOut: 200,
          costUSD: 0,
          avgLatencyMs: 1050,
          uniqueUsers: 1,
        },
        zeroDay('2026-04-03'),
      ],
      unpricedModels: ['mystery-model'],
      workspaces: ['empty', 'ops', 'team'],
    });
  });

  it('counts unique users exactly over the period, not as a sum of days', async () => {
    const res = await gw.request('GET', '/api/v1/stats?from=2026-04-01&to=2026-04-02');
    const daySum = res.body.byDay.reduce((n: number, d: { uniqueUsers: number }) => n + d.uniqueUsers, 0);
    expect(daySum).toBe(4); // alice of team is active on both days
    expect(res.body.totals.uniqueUsers).toBe(3); // team: alice, bob; ops: alice
  });

  it('names unpriced models only for the days of the period', async () => {
    expect((await gw.request('GET', '/api/v1/stats?from=2026-04-01&to=2026-04-01')).body.unpricedModels).toEqual([]);
    expect((await gw.request('GET', '/api/v1/stats?from=2026-04-02&to=2026-04-02')).body.unpricedModels).toEqual([
      'mystery-model',
    ]);
    expect((await gw.request('GET', '/api/v1/stats?from=2026-04-03&to=2026-05-31')).body.unpricedModels).toEqual([]);
    expect((await gw.request('GET', '/api/v1/stats?from=2026-03-31&to=2026-04-02')).body.unpricedModels).toEqual([
      'mystery-model',
    ]);
  });

  it('defaults to the last 30 days (UTC) up to today by the clock', async () => {
    const res = await gw.request('GET', '/api/v1/stats');
    expect(res.status).toBe(200);
    expect(res.body.period).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(res.body.byDay).toHaveLength(30);
    expect(res.body.byDay[0].date).toBe('2026-04-01');
    expect(res.body.byDay[29]).toEqual(zeroDay('2026-04-30'));
    expect(res.body.totals.messages).toBe(5); // the March message is outside
  });

  it('takes only `to` and counts 30 days back from it; only `from` runs to today', async () => {
    const a = await gw.request('GET', '/api/v1/stats?to=2026-03-31');
    expect(a.body.period).toEqual({ from: '2026-03-02', to: '2026-03-31' });
    expect(a.body.totals).toMatchObject({ messages: 1, uniqueUsers: 1, costUSD: 0.0225 });
    const b = await gw.request('GET', '/api/v1/stats?from=2026-04-02');
    expect(b.body.period).toEqual({ from: '2026-04-02', to: '2026-04-30' });
    expect(b.body.byDay).toHaveLength(29);
    expect(b.body.totals.messages).toBe(2);
  });

  it('gives one totals row per workspace, over whole months too', async () => {
    const res = await gw.request('GET', '/api/v1/stats/workspaces?from=2026-03-01&to=2026-04-30');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      period: { from: '2026-03-01', to: '2026-04-30' },
      data: [
        {
          workspace: 'empty',
          messages: 0,
          errors: 0,
          tokensIn: 0,
          tokensOut: 0,
          costUSD: 0,
          avgLatencyMs: 0,
          uniqueUsers: 0,
        },
        {
          workspace: 'ops',
          messages: 2,
          errors: 0,
          tokensIn: 2000,
          tokensOut: 3000,
          costUSD: 0.02325,
          avgLatencyMs: 750,
          uniqueUsers: 2,
        },
        {
          workspace: 'team',
          messages: 4,
          errors: 1,
          tokensIn: 1600,
          tokensOut: 2700,
          costUSD: 0.02875,
          avgLatencyMs: 1525,
          uniqueUsers: 2,
        },
      ],
    });
  });

  it('lists the top users of a workspace with tokens, cost and last activity', async () => {
    const res = await gw.request('GET', '/api/v1/stats/users?workspace=team&from=2026-03-01&to=2026-04-30');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      period: { from: '2026-03-01', to: '2026-04-30' },
      workspace: 'team',
      uniqueUsers: 2,
      data: [
        {
          userId: 'alice',
          messages: 3,
          tokensIn: 1100,
          tokensOut: 2200,
          costUSD: 0.0225,
          avgLatencyMs: 1033,
          lastActivity: '2026-04-02T08:00:00.000Z',
        },
        {
          userId: 'bob',
          messages: 1,
          tokensIn: 500,
          tokensOut: 500,
          costUSD: 0.00625,
          avgLatencyMs: 3000,
          lastActivity: '2026-04-01T10:00:00.000Z',
        },
      ],
    });
    const top1 = await gw.request('GET', '/api/v1/stats/users?workspace=team&limit=1&from=2026-04-01&to=2026-04-30');
    expect(top1.body.data.map((u: { userId: string }) => u.userId)).toEqual(['alice']);
    expect(top1.body.uniqueUsers).toBe(2);
    // A ragged period (edge days, no whole month): ties sort by userId.
    const edge = await gw.request('GET', '/api/v1/stats/users?workspace=team&from=2026-03-31&to=2026-04-01');
    expect(edge.body.data.map((u: { userId: string; messages: number }) => [u.userId, u.messages])).toEqual([
      ['alice', 1],
      ['bob', 1],
    ]);
    const none = await gw.request('GET', '/api/v1/stats/users?workspace=empty');
    expect(none.body).toMatchObject({ workspace: 'empty', uniqueUsers: 0, data: [] });
  });

  it('stores day buckets under the workspace hash tag', async () => {
    expect(await redis.hgetall('oc:{st:team}:days:2026-04')).toEqual({
      '01': '2,0,1500,2500,28750,4000,2', // messages, errors, tokensIn, tokensOut, costMicros, latencyMs, users
      '02': '2,1,100,200,0,2100,1',
      '02|x:mystery-model': '1',
    });
    expect(await redis.hgetall('oc:{st:team}:uid')).toEqual({ alice: '0', bob: '1' });
    expect(await redis.bitcount('oc:{st:team}:ub:2026-04')).toBe(2);
    expect(await redis.bitcount('oc:{st:team}:ub:2026-04-02')).toBe(1);
    // messages, tokensIn, tokensOut, costMicros, latencyMs, lastActivityMs
    expect(await redis.hget('oc:{st:team}:pu:2026-04', 'alice')).toBe(
      `3,1100,2200,22500,3100,${Date.parse('2026-04-02T08:00:00Z')}`,
    );
    expect(await redis.exists('oc:{st:team}:ub:tmp')).toBe(0);
    const ttl = await redis.ttl(`oc:{st:team}:seen:${MESSAGES[0].messageId}`);
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
    expect(await redis.smembers('oc:{stats}:workspaces').then((s) => s.sort())).toEqual(['ops', 'team']);
  });

  it('counts a message once when its job is retried or two workers race', async () => {
    const m = finished('2026-05-10T10:00:00Z', { workspace: 'ops', userId: 'dave', messageId: 'msg_retried' });
    await record(m);
    await record(m);
    await Promise.all([record(m), record({ ...m, finishedAt: m.finishedAt + 5000 }), record(m), record(m)]);
    const res = await gw.request('GET', '/api/v1/stats?from=2026-05-10&to=2026-05-10');
    expect(res.body.totals).toEqual({
      messages: 1,
      errors: 0,
      tokensIn: 1000,
      tokensOut: 2000,
      costUSD: 0.0225,
      avgLatencyMs: 1000,
      uniqueUsers: 1,
    });
    const users = await gw.request('GET', '/api/v1/stats/users?workspace=ops&from=2026-05-10&to=2026-05-10');
    expect(users.body.data).toEqual([
      {
        userId: 'dave',
        messages: 1,
        tokensIn: 1000,
        tokensOut: 2000,
        costUSD: 0.0225,
        avgLatencyMs: 1000,
        lastActivity: '2026-05-10T10:00:00.000Z',
      },
    ]);
  });

  it('keeps large sums exact (no exponent notation in the stored day)', async () => {
    await record(
      finished('2026-06-01T10:00:00Z', {
        workspace: 'ops',
        userId: 'big',
        tokensIn: 123_456_789_012_345,
        tokensOut: 1,
        model: 'offline',
      }),
    );
    await record(
      finished('2026-06-01T11:00:00Z', {
        workspace: 'ops',
        userId: 'big',
        tokensIn: 5,
        tokensOut: 1,
        model: 'offline',
      }),
    );
    const res = await gw.request('GET', '/api/v1/stats?from=2026-06-01&to=2026-06-01');
    expect(res.body.totals).toMatchObject({ messages: 2, tokensIn: 123_456_789_012_350, tokensOut: 2, uniqueUsers: 1 });
  });

  describe('scoping', () => {
    it('shows a key scoped to one workspace only its numbers, totals included', async () => {
      const key = await gw.createKey({ workspaces: ['team'], permissions: ['stats:read'] });
      const res = await gw.request('GET', '/api/v1/stats?from=2026-04-01&to=2026-04-03', { key });
      expect(res.status).toBe(200);
      expect(res.body.workspaces).toEqual(['team']);
      expect(res.body.totals).toEqual({
        messages: 4,
        errors: 1,
        tokensIn: 1600,
        tokensOut: 2700,
        costUSD: 0.02875,
        avgLatencyMs: 1525,
        uniqueUsers: 2,
      });
      expect(res.body.byDay[0]).toEqual({
        date: '2026-04-01',
        messages: 2,
        errors: 0,
        tokensIn: 1500,
        tokensOut: 2500,
        costUSD: 0.02875,
        avgLatencyMs: 2000,
        uniqueUsers: 2,
      });
      const ws = await gw.request('GET', '/api/v1/stats/workspaces?from=2026-04-01&to=2026-04-03', { key });
      expect(ws.body.data.map((r: { workspace: string }) => r.workspace)).toEqual(['team']);
      const other = await gw.request('GET', '/api/v1/stats/users?workspace=ops', { key });
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('workspace_forbidden');
    });

    it('sees nothing for a key scoped to a workspace without usage', async () => {
      const key = await gw.createKey({ workspaces: ['nowhere'], permissions: ['stats:read'] });
      const res = await gw.request('GET', '/api/v1/stats?from=2026-04-01&to=2026-04-01', { key });
      expect(res.body).toMatchObject({ workspaces: [], totals: { messages: 0, uniqueUsers: 0 }, unpricedModels: [] });
    });

    it('needs stats:read and a valid key', async () => {
      const key = await gw.createKey({ permissions: ['messages:write'] });
      const res = await gw.request('GET', '/api/v1/stats', { key });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('missing_permission');
      expect((await gw.request('GET', '/api/v1/stats/workspaces', { key: null })).status).toBe(401);
      expect((await gw.request('GET', '/api/v1/stats/users?workspace=team', { key: 'oclaw_live_nope' })).status).toBe(
        401,
      );
    });
  });

  describe('bad parameters', () => {
    const cases: Array<[string, string, string]> = [
      ['/api/v1/stats?from=2026-13-01', 'from', 'calendar date'],
      ['/api/v1/stats?from=2026-4-1', 'from', 'calendar date'],
      ['/api/v1/stats?to=2026-02-30', 'to', 'calendar date'],
      ['/api/v1/stats?to=yesterday', 'to', 'calendar date'],
      ['/api/v1/stats?from=2026-04-10&to=2026-04-09', 'from', 'must not be after to'],
      ['/api/v1/stats?from=2025-04-29&to=2026-04-30', 'to', 'spans 367 days; at most 366'],
      ['/api/v1/stats/workspaces?from=2026-04-31', 'from', 'calendar date'],
      ['/api/v1/stats/workspaces?from=2026-05-01&to=2026-04-01', 'from', 'must not be after to'],
      ['/api/v1/stats/users?workspace=team&to=2026-00-10', 'to', 'calendar date'],
      ['/api/v1/stats/users?workspace=team&limit=0', 'limit', ''],
      ['/api/v1/stats/users?workspace=team&limit=201', 'limit', ''],
      ['/api/v1/stats/users?workspace=team&limit=ten', 'limit', ''],
      ['/api/v1/stats/users', 'workspace', 'is required'],
      ['/api/v1/stats/users?workspace=Team!', 'workspace', ''],
    ];
    it.each(cases)('%s → 400 naming %s', async (path, field, words) => {
      const res = await gw.request('GET', path);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_error', field });
      expect(res.body.error.message).toContain(field);
      expect(res.body.error.message).toContain(words);
    });

    it('accepts exactly 366 days', async () => {
      const res = await gw.request('GET', '/api/v1/stats?from=2025-04-30&to=2026-04-30');
      expect(res.status).toBe(200);
      expect(res.body.byDay).toHaveLength(366);
      expect(res.body.totals.messages).toBe(6);
    });

    it('answers 404 for a workspace that neither exists nor has usage', async () => {
      const res = await gw.request('GET', '/api/v1/stats/users?workspace=ghost');
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'not_found', message: "workspace 'ghost' not found" });
    });
  });

  it('keeps the usage of a deleted workspace in the totals', async () => {
    expect((await gw.request('POST', '/api/v1/workspaces', { body: { id: 'temp' } })).status).toBe(201);
    await record(finished('2026-04-20T10:00:00Z', { workspace: 'temp', userId: 'erin' }));
    expect((await gw.request('DELETE', '/api/v1/workspaces/temp')).status).toBe(204);
    const res = await gw.request('GET', '/api/v1/stats/workspaces?from=2026-04-20&to=2026-04-20');
    expect(res.body.data.find((r: { workspace: string }) => r.workspace === 'temp')).toMatchObject({
      messages: 1,
      uniqueUsers: 1,
    });
    expect(
      (await gw.request('GET', '/api/v1/stats/users?workspace=temp&from=2026-04-20&to=2026-04-20')).body.data[0].userId,
    ).toBe('erin');
  });
});
