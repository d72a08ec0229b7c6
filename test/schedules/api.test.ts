/**
 * Schedules API against a real gateway and Redis: create/list/get/patch/delete, scoping,
 * permissions, config-declared schedules (read-only), the BullMQ job scheduler kept in step,
 * and every bad input (400 naming the field, nothing half-written).
 */
import type { Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis, scanKeys } from '../helpers/redis';

const STANDUP = {
  workspace: 'team',
  userId: 'standup-bot',
  message: 'Summarize yesterday for the standup.',
  cron: '0 9 * * 1-5',
  timezone: 'America/New_York',
};

describe('schedules API', () => {
  let gw: TestGateway;
  let queue: Queue;
  const redis = rawRedis();

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        workspaces: [{ id: 'team' }, { id: 'ops' }],
        schedules: [
          {
            id: 'nightly',
            workspace: 'ops',
            userId: 'cron',
            message: 'Nightly report',
            cron: '0 2 * * *',
            timezone: 'Europe/Berlin',
          },
        ],
      },
    });
    queue = gw.gateway.ctx.queues.get('schedules')!;
  });
  afterAll(async () => {
    await gw.close();
    await redis.quit();
  });

  const post = (body: unknown, key?: string) => gw.request('POST', '/api/v1/schedules', { body, key });
  const apiSchedules = async () => (await gw.gateway.ctx.stores.schedules.list()).filter((s) => s.source === 'api');

  it('creates the weekday-9-AM standup in New York: 201, Location, nextRunAt and the next 5 ticks', async () => {
    const res = await post({ id: 'standup', ...STANDUP });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/v1/schedules/standup?workspace=team');
    expect(res.body).toMatchObject({
      id: 'standup',
      ...STANDUP,
      sessionId: null,
      enabled: true,
      source: 'api',
      runCount: 0,
      lastRun: null,
    });
    const expected = CronExpressionParser.parse('0 9 * * 1-5', {
      tz: 'America/New_York',
      currentDate: new Date(Date.parse(res.body.createdAt)),
    });
    const five = Array.from({ length: 5 }, () => expected.next().toISOString() as string);
    expect(res.body.nextRuns).toEqual(five);
    expect(res.body.nextRunAt).toBe(five[0]);
    for (const at of res.body.nextRuns) {
      const local = new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/New_York',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      }).format(new Date(at));
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
    }
    const scheduler = await queue.getJobScheduler('team/standup');
    expect(scheduler).toMatchObject({ key: 'team/standup', pattern: '0 9 * * 1-5', tz: 'America/New_York' });
    expect(scheduler!.next).toBe(Date.parse(five[0]));
  });

  it('keeps the queue under its hash-tagged prefix', async () => {
    const keys = await scanKeys(redis, '*schedules*');
    const bullKeys = keys.filter((k) => !k.startsWith('oc:{sched}'));
    expect(bullKeys.length).toBeGreaterThan(0);
    for (const k of bullKeys) expect(k.startsWith('{oc:schedules}:schedules:')).toBe(true);
  });

  it('generates an id when none is given and accepts a 6-field (seconds) cron and a sessionId', async () => {
    const res = await post({ ...STANDUP, cron: '30 0 9 * * 1-5', sessionId: 'standup-session', enabled: false });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^sch_[A-Za-z0-9]{16}$/);
    expect(res.body).toMatchObject({
      cron: '30 0 9 * * 1-5',
      sessionId: 'standup-session',
      enabled: false,
      nextRunAt: null,
      nextRuns: [],
    });
    expect(await queue.getJobScheduler(`team/${res.body.id}`)).toBeUndefined();
    expect((await gw.request('DELETE', `/api/v1/schedules/${res.body.id}`)).status).toBe(204);
  });

  it.each([
    '0 9 ? * 1-5',
    '0 9 * * 5L',
    '0 9 * * 1#2',
    '0 9 L * *',
    '0 9 * JAN-mar MON-fri',
    '0 */6 * * *',
    '0 */30 * * * *',
  ])('accepts the dialect: %s', async (cron) => {
    const res = await post({ ...STANDUP, id: 'dialect', cron });
    expect(res.status).toBe(201);
    expect(res.body.nextRuns).toHaveLength(5);
    expect((await gw.request('DELETE', '/api/v1/schedules/dialect')).status).toBe(204);
  });

  it('normalises whitespace in the cron', async () => {
    const res = await post({ ...STANDUP, id: 'spaces', cron: '  0  9 * *   1-5 ' });
    expect(res.status).toBe(201);
    expect(res.body.cron).toBe('0 9 * * 1-5');
    expect((await gw.request('DELETE', '/api/v1/schedules/spaces')).status).toBe(204);
  });

  it('the Location names the workspace: the same id in two workspaces the key sees stays reachable', async () => {
    const inTeam = await post({ ...STANDUP, id: 'twin' });
    const inOps = await post({ ...STANDUP, workspace: 'ops', id: 'twin' });
    expect([inTeam.status, inOps.status]).toEqual([201, 201]);
    const which = await gw.request('GET', '/api/v1/schedules/twin');
    expect([which.status, which.body.error.code]).toEqual([400, 'ambiguous_id']);
    const got = await gw.request('GET', inOps.headers.get('location')!);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: 'twin', workspace: 'ops' });
    for (const ws of ['team', 'ops'])
      expect((await gw.request('DELETE', `/api/v1/schedules/twin?workspace=${ws}`)).status).toBe(204);
  });

  it('409 for a taken id, leaving the first one as it was', async () => {
    const res = await post({ id: 'standup', ...STANDUP, message: 'other' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: { code: 'already_exists', message: "schedule 'standup' already exists in workspace 'team'" },
    });
    expect((await gw.gateway.ctx.stores.schedules.get({ workspace: 'team', id: 'standup' }))!.message).toBe(
      STANDUP.message,
    );
  });

  it('lists the config schedule read-only beside the API one, scoped to the key', async () => {
    const all = await gw.request('GET', '/api/v1/schedules');
    expect(all.status).toBe(200);
    expect(all.body.data.map((s: { id: string }) => s.id)).toEqual(['nightly', 'standup']);
    expect(all.body.data[0]).toMatchObject({
      source: 'config',
      workspace: 'ops',
      cron: '0 2 * * *',
      timezone: 'Europe/Berlin',
      enabled: true,
    });
    expect(await queue.getJobScheduler('ops/nightly')).toMatchObject({ pattern: '0 2 * * *', tz: 'Europe/Berlin' });

    const teamKey = await gw.createKey({ workspaces: ['team'], permissions: ['schedules:read'] });
    const scoped = await gw.request('GET', '/api/v1/schedules', { key: teamKey });
    expect(scoped.body.data.map((s: { id: string }) => s.id)).toEqual(['standup']);
    expect((await gw.request('GET', '/api/v1/schedules/nightly', { key: teamKey })).status).toBe(404);
    const filtered = await gw.request('GET', '/api/v1/schedules?workspace=ops');
    expect(filtered.body.data.map((s: { id: string }) => s.id)).toEqual(['nightly']);
  });

  it('GET one shows the schedule, no runs yet, and the next ticks', async () => {
    const res = await gw.request('GET', '/api/v1/schedules/standup');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'standup', lastRun: null, recentRuns: [], runCount: 0 });
    expect(res.body.nextRuns).toHaveLength(5);
  });

  it('config schedules cannot be changed or deleted through the API (409 read_only)', async () => {
    const patch = await gw.request('PATCH', '/api/v1/schedules/nightly', { body: { enabled: false } });
    expect(patch.status).toBe(409);
    expect(patch.body.error.code).toBe('read_only');
    const del = await gw.request('DELETE', '/api/v1/schedules/nightly');
    expect(del.status).toBe(409);
    expect(await gw.gateway.ctx.stores.schedules.get({ workspace: 'ops', id: 'nightly' })).toMatchObject({
      enabled: true,
    });
  });

  it('PATCH changes only the given fields and re-arms BullMQ when the timing changes', async () => {
    const res = await gw.request('PATCH', '/api/v1/schedules/standup', {
      body: { cron: '15 8 * * 1', timezone: 'Europe/London', sessionId: 'sess-x' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      cron: '15 8 * * 1',
      timezone: 'Europe/London',
      sessionId: 'sess-x',
      message: STANDUP.message,
      userId: 'standup-bot',
    });
    expect(await queue.getJobScheduler('team/standup')).toMatchObject({ pattern: '15 8 * * 1', tz: 'Europe/London' });
    expect((await queue.getJobScheduler('team/standup'))!.next).toBe(Date.parse(res.body.nextRunAt));

    const off = await gw.request('PATCH', '/api/v1/schedules/standup', { body: { enabled: false, sessionId: null } });
    expect(off.body).toMatchObject({ enabled: false, sessionId: null, nextRunAt: null, nextRuns: [] });
    expect(await queue.getJobScheduler('team/standup')).toBeUndefined();

    const on = await gw.request('PATCH', '/api/v1/schedules/standup', {
      body: { enabled: true, ...{ cron: STANDUP.cron, timezone: STANDUP.timezone } },
    });
    expect(on.body.enabled).toBe(true);
    expect(await queue.getJobScheduler('team/standup')).toMatchObject({ pattern: STANDUP.cron, tz: STANDUP.timezone });
  });

  it('PATCH that moves a schedule to a workspace outside the key is 403 and changes nothing', async () => {
    const teamKey = await gw.createKey({ workspaces: ['team'], permissions: ['schedules:read', 'schedules:write'] });
    const res = await gw.request('PATCH', '/api/v1/schedules/standup', { key: teamKey, body: { workspace: 'ops' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('workspace_forbidden');
    expect((await gw.gateway.ctx.stores.schedules.get({ workspace: 'team', id: 'standup' }))!.workspace).toBe('team');
  });

  describe('permissions and authentication', () => {
    it('401 without a key and with a revoked key', async () => {
      expect((await gw.request('GET', '/api/v1/schedules', { key: null })).status).toBe(401);
      const key = await gw.createKey({ permissions: ['schedules:read'] });
      const rec = await gw.gateway.ctx.stores.keys.verify(key);
      await gw.gateway.ctx.stores.keys.revoke(rec!.id);
      const res = await gw.request('GET', '/api/v1/schedules', { key });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_api_key');
    });

    it('403 missing_permission: reading needs schedules:read, writing schedules:write', async () => {
      const none = await gw.createKey({ permissions: ['messages:write'] });
      const readOnly = await gw.createKey({ permissions: ['schedules:read'] });
      for (const [method, path, key] of [
        ['GET', '/api/v1/schedules', none],
        ['GET', '/api/v1/schedules/standup', none],
        ['PATCH', '/api/v1/schedules/standup', readOnly],
        ['DELETE', '/api/v1/schedules/standup', readOnly],
        ['POST', '/api/v1/schedules/standup/run', readOnly],
      ] as const) {
        const res = await gw.request(method, path, { key, body: method === 'PATCH' ? { enabled: false } : undefined });
        expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 403, 'missing_permission']);
      }
      const created = await post({ ...STANDUP, id: 'nope' }, readOnly);
      expect(created.status).toBe(403);
      expect(await gw.gateway.ctx.stores.schedules.get({ workspace: 'team', id: 'standup' })).toMatchObject({
        enabled: true,
      });
    });

    it('403 workspace_forbidden when creating in a workspace outside the key', async () => {
      const teamKey = await gw.createKey({ workspaces: ['team'], permissions: ['schedules:write'] });
      const res = await post({ ...STANDUP, id: 'ops-one', workspace: 'ops' }, teamKey);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('workspace_forbidden');
      expect(await gw.gateway.ctx.stores.schedules.get({ workspace: 'ops', id: 'ops-one' })).toBeNull();
    });

    it('out-of-scope schedules read as 404 for PATCH, DELETE and run', async () => {
      const opsKey = await gw.createKey({ workspaces: ['ops'], permissions: ['schedules:read', 'schedules:write'] });
      for (const [method, path] of [
        ['PATCH', '/api/v1/schedules/standup'],
        ['DELETE', '/api/v1/schedules/standup'],
        ['POST', '/api/v1/schedules/standup/run'],
      ] as const) {
        const res = await gw.request(method, path, {
          key: opsKey,
          body: method === 'PATCH' ? { enabled: false } : undefined,
        });
        expect([method, res.status, res.body.error.code]).toEqual([method, 404, 'not_found']);
      }
    });
  });

  describe('bad input: 400 naming the field, nothing written', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['4-field cron', { cron: '* * * *' }, 'cron'],
      ['7-field cron', { cron: '* * * * * * *' }, 'cron'],
      ['minute out of range', { cron: '60 * * * *' }, 'cron'],
      ['letters', { cron: '0 9 x * *' }, 'cron'],
      ['H hash', { cron: 'H 9 * * *' }, 'cron'],
      ['macro', { cron: '@daily' }, 'cron'],
      ['impossible date', { cron: '0 0 30 2 *' }, 'cron'],
      ['weekday 8', { cron: '0 9 * * 8' }, 'cron'],
      ['W (nearest weekday) is not supported', { cron: '0 9 1W * *' }, 'cron'],
      ['blank cron', { cron: '   ' }, 'cron'],
      ['empty cron', { cron: '' }, 'cron'],
      ['cron not a string', { cron: 5 }, 'cron'],
      ['unknown timezone', { timezone: 'Mars/Olympus' }, 'timezone'],
      ['offset timezone', { timezone: '+05:00' }, 'timezone'],
      ['empty timezone', { timezone: '' }, 'timezone'],
      ['unknown workspace', { workspace: 'nowhere' }, 'workspace'],
      ['workspace bad chars', { workspace: 'Team!' }, 'workspace'],
      ['workspace not a string', { workspace: 1 }, 'workspace'],
      ['empty message', { message: '' }, 'message'],
      ['message too long', { message: 'x'.repeat(32001) }, 'message'],
      ['message not a string', { message: ['a'] }, 'message'],
      ['empty userId', { userId: '' }, 'userId'],
      ['userId too long', { userId: 'u'.repeat(257) }, 'userId'],
      ['bad sessionId', { sessionId: 'has space' }, 'sessionId'],
      ['null sessionId on create', { sessionId: null }, 'sessionId'],
      ['enabled not boolean', { enabled: 'yes' }, 'enabled'],
      ['bad id', { id: 'bad id!' }, 'id'],
      ['id with colon', { id: 'a:b' }, 'id'],
      ['unknown field', { every: 1000 }, 'every'],
    ];
    it.each(cases)('%s', async (_name, change, field) => {
      const res = await post({ ...STANDUP, id: 'bad', ...change });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
      expect(res.body.error.message.startsWith(`${field}:`)).toBe(true);
      expect(await gw.gateway.ctx.stores.schedules.get({ workspace: 'team', id: 'bad' })).toBeNull();
      expect(await queue.getJobScheduler('team/bad')).toBeUndefined();
    });

    it.each(['workspace', 'userId', 'message', 'cron', 'timezone'])('missing %s', async (field) => {
      const body: Record<string, unknown> = { ...STANDUP };
      delete body[field];
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_error', field });
    });

    it('a body that is not an object, or not JSON', async () => {
      expect((await post(['x'])).status).toBe(400);
      const raw = await gw.request('POST', '/api/v1/schedules', {
        rawBody: '{nope',
        headers: { 'content-type': 'application/json' },
      });
      expect(raw.status).toBe(400);
      expect(raw.body.error.code).toBe('invalid_json');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['empty patch', {}, 'body'],
      ['bad cron', { cron: '61 * * * *' }, 'cron'],
      ['bad timezone', { timezone: 'Nowhere/Land' }, 'timezone'],
      ['unknown workspace', { workspace: 'ghost' }, 'workspace'],
      ['unknown field', { id: 'rename' }, 'id'],
      ['enabled null', { enabled: null }, 'enabled'],
    ])('PATCH %s', async (_name, body, field) => {
      const before = await gw.gateway.ctx.stores.schedules.get({ workspace: 'team', id: 'standup' });
      const res = await gw.request('PATCH', '/api/v1/schedules/standup', { body });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
      expect(await gw.gateway.ctx.stores.schedules.get({ workspace: 'team', id: 'standup' })).toEqual(before);
    });

    it('unknown and malformed ids', async () => {
      expect((await gw.request('GET', '/api/v1/schedules/ghost')).status).toBe(404);
      expect((await gw.request('PATCH', '/api/v1/schedules/ghost', { body: { enabled: false } })).status).toBe(404);
      expect((await gw.request('DELETE', '/api/v1/schedules/ghost')).status).toBe(404);
      expect((await gw.request('POST', '/api/v1/schedules/ghost/run')).status).toBe(404);
      const bad = await gw.request('GET', '/api/v1/schedules/bad%20id');
      expect(bad.status).toBe(400);
      expect(bad.body.error.field).toBe('scheduleId');
      expect((await gw.request('GET', '/api/v1/schedules?workspace=BAD!')).status).toBe(400);
    });

    it('left no stray schedules or job schedulers behind', async () => {
      expect((await apiSchedules()).map((s) => s.id)).toEqual(['standup']);
      expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['ops/nightly', 'team/standup']);
    });
  });

  it('documents every schedules operation in the OpenAPI document', async () => {
    const doc = (await gw.request('GET', '/api/v1/openapi.json', { key: null })).body;
    const ops = (path: string) => doc.paths[path];
    expect(Object.keys(ops('/api/v1/schedules')).sort()).toEqual(['get', 'post']);
    expect(Object.keys(ops('/api/v1/schedules/{scheduleId}')).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(ops('/api/v1/schedules/{scheduleId}/run'))).toEqual(['post']);
    expect(Object.keys(ops('/api/v1/schedules').post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '403', '409']),
    );
    expect(Object.keys(ops('/api/v1/schedules/{scheduleId}/run').post.responses)).toEqual(
      expect.arrayContaining(['202', '404']),
    );
    expect(ops('/api/v1/schedules').post.requestBody.content['application/json'].schema.required).toEqual([
      'workspace',
      'userId',
      'message',
      'cron',
      'timezone',
    ]);
  });

  it('DELETE removes the record, its runs and its job scheduler', async () => {
    const res = await gw.request('DELETE', '/api/v1/schedules/standup');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await gw.request('GET', '/api/v1/schedules/standup')).status).toBe(404);
    expect(await queue.getJobScheduler('team/standup')).toBeUndefined();
    expect(await redis.exists('oc:{sched}:s:team/standup', 'oc:{sched}:runs:team/standup')).toBe(0);
    expect((await gw.request('DELETE', '/api/v1/schedules/standup')).status).toBe(404);
  });

  it('deleting a workspace drops its API schedules', async () => {
    expect((await gw.request('POST', '/api/v1/workspaces', { body: { id: 'temp' } })).status).toBe(201);
    expect((await post({ ...STANDUP, id: 'temp-standup', workspace: 'temp' })).status).toBe(201);
    expect((await gw.request('DELETE', '/api/v1/workspaces/temp')).status).toBe(204);
    expect(await gw.gateway.ctx.stores.schedules.get({ workspace: 'temp', id: 'temp-standup' })).toBeNull();
    expect(await queue.getJobScheduler('temp/temp-standup')).toBeUndefined();
  });
});
