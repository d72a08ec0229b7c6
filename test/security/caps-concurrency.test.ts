/**
 * Caps hold under concurrency: each is checked and taken in one Redis step, so three times the cap
 * of creates fired at once on the real server yield exactly `cap` successes, every other answer
 * is the cap's error in the one shape, and what is stored is exactly the cap.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const CAP = 4;
const LIMITS = { subscriptionsPerWorkspace: CAP, schedulesPerWorkspace: CAP, streamsPerKey: CAP };
const BURST = 3 * CAP;

const counts = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe('caps under concurrent creates', () => {
  let gw: TestGateway;
  let key: string;

  beforeAll(async () => {
    gw = await startTestGateway({ config: { limits: LIMITS } });
    expect((await gw.request('POST', '/api/v1/workspaces', { body: { id: 'race' } })).status).toBe(201);
    key = await gw.createKey({
      workspaces: ['race'],
      permissions: ['webhooks:read', 'webhooks:write', 'schedules:read', 'schedules:write'],
    });
  });
  afterAll(async () => {
    await gw.close();
  });

  it(`limits.subscriptionsPerWorkspace: ${BURST} at once → exactly ${CAP} created`, async () => {
    const body = { url: 'https://hooks.example.com/race', events: ['*'], workspaces: ['race'] };
    const all = await Promise.all(
      Array.from({ length: BURST }, () => gw.request('POST', '/api/v1/webhooks', { key, body })),
    );
    expect(counts(all.map((r) => r.status))).toEqual({ 201: CAP, 409: BURST - CAP });
    for (const r of all.filter((x) => x.status === 409)) {
      expect(r.body).toEqual({
        error: {
          code: 'subscription_limit_reached',
          message: `workspace 'race' already has ${CAP} webhook subscriptions (limits.subscriptionsPerWorkspace is ${CAP}); delete one first`,
        },
      });
    }
    expect((await gw.request('GET', '/api/v1/webhooks', { key })).body.total).toBe(CAP);
    expect((await gw.gateway.ctx.stores.webhooks.list()).filter((s) => s.source === 'api')).toHaveLength(CAP);
  });

  it(`limits.schedulesPerWorkspace: ${BURST} at once → exactly ${CAP} created, each armed`, async () => {
    const body = { workspace: 'race', userId: 'u', message: 'm', cron: '0 9 * * *', timezone: 'UTC' };
    const all = await Promise.all(
      Array.from({ length: BURST }, () => gw.request('POST', '/api/v1/schedules', { key, body })),
    );
    expect(counts(all.map((r) => r.status))).toEqual({ 201: CAP, 409: BURST - CAP });
    for (const r of all.filter((x) => x.status === 409)) {
      expect(r.body).toEqual({
        error: {
          code: 'schedule_limit_reached',
          message: `workspace 'race' already has ${CAP} schedules (limits.schedulesPerWorkspace is ${CAP}); delete one first`,
        },
      });
    }
    expect((await gw.request('GET', '/api/v1/schedules', { key })).body.total).toBe(CAP);
    expect(await gw.gateway.ctx.redis.scard('oc:{sched}:api:race')).toBe(CAP);
    const armed = (await gw.gateway.ctx.queues.get('schedules')!.getJobSchedulers()).map((s) => s.key).sort();
    expect(armed).toEqual(
      all
        .filter((r) => r.status === 201)
        .map((r) => `race/${r.body.id}`)
        .sort(),
    );
  });
});

describe('limits.streamsPerKey under concurrent opens', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // No workers: messages stay queued, so their streams stay open until the client leaves. Long
    // heartbeat, stall and timeout settings: no slot is freed by time on a slow machine.
    gw = await startTestGateway({
      workers: false,
      config: { limits: LIMITS, messages: { heartbeatMs: 60000, stalledStreamMs: 600000, timeoutMs: 600000 } },
    });
  });
  afterAll(async () => {
    await gw.close();
  });

  it(`${BURST} streams of one key at once → exactly ${CAP} open, the rest 429 too_many_streams`, async () => {
    const key = await gw.createKey();
    const aborts: AbortController[] = [];
    const all = await Promise.all(
      Array.from({ length: BURST }, async () => {
        const ac = new AbortController();
        aborts.push(ac);
        const res = await fetch(`${gw.url}/api/v1/messages/stream`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ workspace: 'default', userId: 'u', message: 'hello' }),
          signal: ac.signal,
        });
        return {
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          body: res.status === 200 ? null : await res.json(),
        };
      }),
    );
    try {
      expect(counts(all.map((r) => r.status))).toEqual({ 200: CAP, 429: BURST - CAP });
      for (const r of all.filter((x) => x.status === 429)) {
        expect(r.retryAfter).toBe('5');
        expect(r.body).toEqual({
          error: {
            code: 'too_many_streams',
            message: `this API key already holds ${CAP} open streams (limits.streamsPerKey); close one or retry later`,
          },
        });
      }
      const keyId = (await gw.gateway.ctx.stores.keys.verify(key))!.id;
      expect(await gw.gateway.ctx.redis.zcard(`oc:streams:{${keyId}}`)).toBe(CAP);
    } finally {
      for (const ac of aborts) ac.abort();
    }
  });
});
