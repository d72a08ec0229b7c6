/**
 * Per-tenant caps (the `limits` config section) with clear 4xx codes, paginated lists, and
 * bounded numeric query parameters (400 in the one shape, never 500).
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const LIMITS = { subscriptionsPerWorkspace: 3, schedulesPerWorkspace: 2, streamsPerKey: 2 };

describe('caps', () => {
  let gw: TestGateway;
  let key: string;

  beforeAll(async () => {
    gw = await startTestGateway({ config: { limits: LIMITS } });
    for (const id of ['cap-a', 'cap-b'])
      expect((await gw.request('POST', '/api/v1/workspaces', { body: { id } })).status).toBe(201);
    key = await gw.createKey({
      workspaces: ['cap-a', 'cap-b'],
      permissions: ['webhooks:read', 'webhooks:write', 'schedules:read', 'schedules:write'],
    });
  });
  afterAll(async () => {
    await gw.close();
  });

  const subscribe = (workspaces: string[]) =>
    gw.request('POST', '/api/v1/webhooks', {
      key,
      body: { url: 'https://hooks.example.com/x', events: ['*'], workspaces },
    });
  const schedule = (workspace: string, cron = '0 9 * * *') =>
    gw.request('POST', '/api/v1/schedules', {
      key,
      body: { workspace, userId: 'u', message: 'm', cron, timezone: 'UTC' },
    });

  it('subscriptions per workspace: 409 subscription_limit_reached past limits.subscriptionsPerWorkspace', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await subscribe(['cap-a']));
    expect(made.map((r) => r.status)).toEqual([201, 201, 201]);
    const refused = await subscribe(['cap-a']);
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: {
        code: 'subscription_limit_reached',
        message: expect.stringContaining("workspace 'cap-a' already has 3 webhook subscriptions"),
      },
    });
    expect((await subscribe(['cap-a', 'cap-b'])).status).toBe(409); // counts toward every workspace it covers
    expect((await subscribe(['cap-b'])).status).toBe(201);
    expect((await gw.request('DELETE', `/api/v1/webhooks/${made[0].body.id}`, { key })).status).toBe(204);
    expect((await subscribe(['cap-a'])).status).toBe(201);
  });

  it('the webhook list is paginated with limit, offset and total', async () => {
    const page = await gw.request('GET', '/api/v1/webhooks?limit=2&offset=1', { key });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(page.body.data).toHaveLength(2);
    const all = await gw.request('GET', '/api/v1/webhooks', { key });
    expect(all.body.data.slice(1, 3).map((s: { id: string }) => s.id)).toEqual(
      page.body.data.map((s: { id: string }) => s.id),
    );
  });

  it('schedules per workspace: 409 schedule_limit_reached past limits.schedulesPerWorkspace, also when moving one in', async () => {
    expect((await schedule('cap-a')).status).toBe(201);
    expect((await schedule('cap-a')).status).toBe(201);
    const refused = await schedule('cap-a');
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: {
        code: 'schedule_limit_reached',
        message: expect.stringContaining("workspace 'cap-a' already has 2 schedules"),
      },
    });
    const other = await schedule('cap-b');
    expect(other.status).toBe(201);
    const moved = await gw.request('PATCH', `/api/v1/schedules/${other.body.id}`, {
      key,
      body: { workspace: 'cap-a' },
    });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('schedule_limit_reached');
  });

  it.each(['* * * * * *', '*/30 * * * * *', '0,30 * * * * *', '10,20 * * * * *'])(
    'cron %s fires more than once a minute → 400 schedule_too_frequent',
    async (cron) => {
      const res = await schedule('cap-b', cron);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: {
          code: 'schedule_too_frequent',
          field: 'cron',
          message: expect.stringMatching(
            /^cron: .+ fires every \d+ s; schedules run at most once every 60 s \(limits.scheduleMinIntervalSeconds\)$/,
          ),
        },
      });
    },
  );

  it('every minute is allowed; a PATCH to a faster cron is refused', async () => {
    const list = await gw.request('GET', '/api/v1/schedules?workspace=cap-b', { key });
    const id = list.body.data[0].id;
    expect((await gw.request('PATCH', `/api/v1/schedules/${id}`, { key, body: { cron: '* * * * *' } })).status).toBe(
      200,
    );
    const res = await gw.request('PATCH', `/api/v1/schedules/${id}`, { key, body: { cron: '*/5 * * * * *' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('schedule_too_frequent');
  });

  it('the schedule list is paginated; a workspace outside the key answers 403 as sessions do', async () => {
    const page = await gw.request('GET', '/api/v1/schedules?limit=1&offset=1', { key });
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.body.data).toHaveLength(1);
    for (const path of ['/api/v1/schedules?workspace=default', '/api/v1/sessions?workspace=default']) {
      const res = await gw.request('GET', path, {
        key: await gw.createKey({ workspaces: ['cap-a'], permissions: ['schedules:read', 'sessions:read'] }),
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('workspace_forbidden');
    }
  });
});

describe('open SSE streams per key', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // No workers: messages stay queued, so their streams stay open until the client leaves.
    gw = await startTestGateway({ workers: false, config: { limits: LIMITS } });
  });
  afterAll(async () => {
    await gw.close();
  });

  async function openStream(
    key: string,
    extra: { idempotencyKey?: string; message?: string } = {},
  ): Promise<{ status: number; body: any; close: () => void }> {
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/api/v1/messages/stream`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        ...(extra.idempotencyKey ? { 'idempotency-key': extra.idempotencyKey } : {}),
      },
      body: JSON.stringify({ workspace: 'default', userId: 'u', message: extra.message ?? 'hello' }),
      signal: ac.signal,
    });
    const body = res.status === 200 ? null : await res.json();
    return { status: res.status, body, close: () => ac.abort() };
  }

  it('429 too_many_streams past limits.streamsPerKey; a closed stream frees its slot; other keys are not affected', async () => {
    const key = await gw.createKey();
    const a = await openStream(key);
    const b = await openStream(key);
    expect([a.status, b.status]).toEqual([200, 200]);
    const c = await openStream(key, { idempotencyKey: 'refused-stream' });
    expect(c.status).toBe(429);
    expect(c.body).toEqual({
      error: { code: 'too_many_streams', message: expect.stringContaining('2 open streams (limits.streamsPerKey)') },
    });
    // The slot is claimed alongside the message's first round trip: a refused stream stored
    // nothing (no place taken, no message queued) and left its Idempotency-Key free.
    expect(await gw.gateway.ctx.queues.get('messages')!.getWaitingCount()).toBe(2);
    const [session] = (await gw.request('GET', '/api/v1/sessions?workspace=default&userId=u')).body.data;
    expect(await gw.gateway.ctx.redis.hget(`oc:session:{default/${session.id}}`, 'seq')).toBe('2');

    const other = await openStream(await gw.createKey());
    expect(other.status).toBe(200);
    other.close();

    a.close();
    const redis = gw.gateway.ctx.redis;
    const keyId = (await gw.gateway.ctx.stores.keys.verify(key))!.id;
    for (let i = 0; i < 200 && (await redis.zcard(`oc:streams:{${keyId}}`)) > 1; i++)
      await new Promise((r) => setTimeout(r, 20));
    const d = await openStream(key, { idempotencyKey: 'refused-stream', message: 'another body' });
    expect(d.status).toBe(200);
    b.close();
    d.close();
  });
});

describe('bounded numeric query parameters', () => {
  let gw: TestGateway;
  let webhookId: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    const sent = await gw.request('POST', '/api/v1/messages', {
      body: { workspace: 'default', userId: 'u', message: 'hi', sessionId: 'bounded' },
    });
    expect(sent.status).toBe(200);
    webhookId = (
      await gw.request('POST', '/api/v1/webhooks', { body: { url: 'https://hooks.example.com/x', events: ['*'] } })
    ).body.id;
  });
  afterAll(async () => {
    await gw.close();
  });

  const lists = () => [
    '/api/v1/sessions',
    '/api/v1/sessions/bounded/history',
    `/api/v1/webhooks/${webhookId}/deliveries`,
    '/api/v1/webhooks',
    '/api/v1/schedules',
  ];

  it.each(['Infinity', '-Infinity', '1e309', '1e20', '1000001', '-1', 'abc', '1.5', 'NaN', '9007199254740993'])(
    '?offset=%s → 400 validation_error on every list',
    async (value) => {
      for (const path of lists()) {
        const res = await gw.request('GET', `${path}?offset=${encodeURIComponent(value)}`);
        expect([path, res.status]).toEqual([path, 400]);
        expect(res.body).toEqual({
          error: { code: 'validation_error', field: 'offset', message: expect.stringMatching(/^querystring offset: /) },
        });
      }
    },
  );

  it.each(['0', '1e309', '100000', '-5', 'x'])('?limit=%s → 400 validation_error on every list', async (value) => {
    for (const path of lists()) {
      const res = await gw.request('GET', `${path}?limit=${value}`);
      expect([path, res.status, res.body.error?.field]).toEqual([path, 400, 'limit']);
    }
  });

  it('the largest offset is accepted and pages past the end', async () => {
    for (const path of lists()) {
      const res = await gw.request('GET', `${path}?offset=1000000`);
      expect([path, res.status, res.body.data]).toEqual([path, 200, []]);
    }
  });
});
