/**
 * The subscriptions API: create / list / get / patch / delete, secrets shown once, permissions,
 * scoping, config subscriptions read-only, and every bad input answered with a clear 4xx in the
 * one error shape with nothing written.
 */
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis } from '../helpers/redis';
import { createLogger } from '../../server/logger';
import { startReceiver, type Receiver } from './receiver';

const CONFIG_SECRET = 'config-secret-0123456789abcdef';
const VALID =
  'message.received, message.sent, session.started, session.ended, error.agent, channel.disconnected, channel.connected, schedule.completed, schedule.failed, *';

describe('webhook subscriptions API', () => {
  let gw: TestGateway;
  let rx: Receiver;
  let writer: string; // webhooks:read + write, every workspace
  let reader: string; // webhooks:read only
  let teamKey: string; // webhooks:read + write, workspace team only
  const api = (method: string, path: string, body?: unknown, key?: string) =>
    gw.request(method, `/api/v1${path}`, { body, key });
  const create = (body: Record<string, unknown>, key?: string) => api('POST', '/webhooks', body, key);
  const count = async () => (await api('GET', '/webhooks')).body.data.length;
  const logLines: string[] = [];
  /** Every secret this file saw: none may appear in a log line. */
  const secrets = new Set<string>([CONFIG_SECRET]);
  const config = {
    workspaces: [{ id: 'team' }, { id: 'ops' }],
    webhooks: {
      outbound: [
        {
          url: '',
          secret: '${WEBHOOK_SECRET}',
          events: ['message.sent', 'session.ended'],
          retries: 2,
          timeoutMs: 1500,
        },
      ],
    },
  };

  beforeAll(async () => {
    rx = await startReceiver(CONFIG_SECRET);
    config.webhooks.outbound[0].url = rx.url;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const log = createLogger('debug', sink) as unknown as FastifyBaseLogger;
    gw = await startTestGateway({ config, env: { WEBHOOK_SECRET: CONFIG_SECRET }, log });
    writer = await gw.createKey({ permissions: ['webhooks:read', 'webhooks:write'] });
    reader = await gw.createKey({ permissions: ['webhooks:read'] });
    teamKey = await gw.createKey({ workspaces: ['team'], permissions: ['webhooks:read', 'webhooks:write'] });
  });
  afterAll(async () => {
    await gw.close();
    await rx.close();
  });

  it('creates a subscription: 201, generated secret shown once, never again', async () => {
    const res = await create(
      {
        url: 'https://example.com/hooks?x=1',
        events: ['message.sent', 'message.sent', 'error.agent'],
        description: 'n8n',
      },
      writer,
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^wh_[A-Za-z0-9]{20}$/),
      url: 'https://example.com/hooks?x=1',
      events: ['message.sent', 'error.agent'],
      workspaces: null,
      scope: ['*'],
      description: 'n8n',
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      consecutiveFailures: 0,
      circuit: { state: 'closed', openedAt: null, nextProbeAt: null, failedAttempts: 0 },
      // The whole default schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
      retries: 7,
      timeoutMs: 5000,
      source: 'api',
      createdBy: expect.stringMatching(/^key_/),
      createdAt: expect.any(String),
      updatedAt: res.body.createdAt,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const { secret, ...shown } = res.body;
    secrets.add(secret);
    const got = await api('GET', `/webhooks/${res.body.id}`, undefined, reader);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(shown);
    expect(got.text).not.toContain(secret);
    const list = await api('GET', '/webhooks', undefined, reader);
    expect(list.text).not.toContain(secret);
    expect(list.body.data.find((s: any) => s.id === res.body.id)).toEqual(shown);
  });

  it('a secret given by the client is not echoed back', async () => {
    const res = await create(
      { url: 'https://example.com/a', events: ['*'], secret: 'my-own-secret-0123456789' },
      writer,
    );
    expect(res.status).toBe(201);
    expect(res.body.secret).toBeUndefined();
    expect(res.text).not.toContain('my-own-secret');
    expect(res.body.events).toEqual(['*']);
  });

  it('patches fields, rotates the secret (returned once), disables with a reason, and deletes', async () => {
    const { body: sub } = await create(
      { url: 'https://example.com/b', events: ['message.sent'], secret: 'first-secret-0123456789' },
      writer,
    );
    const patched = await api(
      'PATCH',
      `/webhooks/${sub.id}`,
      {
        url: 'https://example.com/c',
        events: ['session.started'],
        description: null,
        retries: 0,
        timeoutMs: 1000,
        workspaces: ['team'],
      },
      writer,
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      url: 'https://example.com/c',
      events: ['session.started'],
      description: null,
      retries: 0,
      timeoutMs: 1000,
      workspaces: ['team'],
    });
    expect(patched.body.secret).toBeUndefined();

    const rotated = await api('PATCH', `/webhooks/${sub.id}`, { rotateSecret: true }, writer);
    secrets.add(rotated.body.secret);
    expect(rotated.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const stored = await gw.gateway.ctx.stores.webhooks.get(sub.id);
    expect(stored!.secret).toBe(rotated.body.secret);

    const off = await api('PATCH', `/webhooks/${sub.id}`, { enabled: false, workspaces: null }, writer);
    expect(off.body).toMatchObject({ enabled: false, disabledReason: 'disabled through the API', workspaces: null });

    expect((await api('DELETE', `/webhooks/${sub.id}`, undefined, writer)).status).toBe(204);
    expect((await api('GET', `/webhooks/${sub.id}`)).status).toBe(404);
    expect((await api('DELETE', `/webhooks/${sub.id}`, undefined, writer)).body).toEqual({
      error: { code: 'not_found', message: `webhook '${sub.id}' not found` },
    });
    expect((await api('PATCH', `/webhooks/${sub.id}`, { enabled: true }, writer)).status).toBe(404);
  });

  it('lists config subscriptions read-only (409 on change) and delivers to them with the config secret', async () => {
    const list = (await api('GET', '/webhooks')).body.data;
    const cfg = list.find((s: any) => s.source === 'config');
    expect(cfg).toMatchObject({
      id: expect.stringMatching(/^wh_cfg_[0-9a-f]{16}$/),
      url: rx.url,
      events: ['message.sent', 'session.ended'],
      scope: ['*'],
      retries: 2,
      timeoutMs: 1500,
      createdBy: null,
    });
    expect(JSON.stringify(list)).not.toContain(CONFIG_SECRET);
    for (const [method, path, body] of [
      ['PATCH', `/webhooks/${cfg.id}`, { enabled: false }],
      ['DELETE', `/webhooks/${cfg.id}`, undefined],
    ] as const) {
      const res = await api(method, path, body);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('read_only');
    }
    // Test pings work on config subscriptions, signed with the config secret.
    const ping = await api('POST', `/webhooks/${cfg.id}/test`);
    expect(ping.status).toBe(202);
    const [got] = await rx.waitFor((a) => a.some((x) => x.event === 'ping'));
    expect(got.body.data.webhookId).toBe(cfg.id);
    // A key limited to some workspaces does not see gateway-wide subscriptions.
    expect((await api('GET', `/webhooks/${cfg.id}`, undefined, teamKey)).status).toBe(404);
  });

  describe('permissions and scope', () => {
    it('needs webhooks:read to read and webhooks:write to change', async () => {
      const plain = await gw.createKey(); // the contract's seven default permissions
      for (const [method, path, body, key, perm] of [
        ['GET', '/webhooks', undefined, plain, 'webhooks:read'],
        ['POST', '/webhooks', { url: 'https://example.com', events: ['*'] }, reader, 'webhooks:write'],
        ['PATCH', '/webhooks/wh_x', { enabled: false }, reader, 'webhooks:write'],
        ['DELETE', '/webhooks/wh_x', undefined, reader, 'webhooks:write'],
        ['POST', '/webhooks/wh_x/test', undefined, reader, 'webhooks:write'],
        ['POST', '/webhooks/wh_x/deliveries/dlv_x/redeliver', undefined, reader, 'webhooks:write'],
        ['GET', '/webhooks/wh_x/deliveries', undefined, plain, 'webhooks:read'],
      ] as const) {
        const res = await api(method, path, body, key);
        expect([method, path, res.status, res.body]).toEqual([
          method,
          path,
          403,
          { error: { code: 'missing_permission', message: `this API key lacks the '${perm}' permission` } },
        ]);
      }
      expect((await api('GET', '/webhooks', undefined, null as never)).status).toBe(401);
    });

    it('stores the creating key scope; workspaces outside it are 403, unknown ones 400', async () => {
      const before = await count();
      const out = await create({ url: 'https://example.com', events: ['*'], workspaces: ['ops'] }, teamKey);
      expect(out.status).toBe(403);
      expect(out.body).toEqual({
        error: { code: 'workspace_forbidden', message: "this API key has no access to workspace 'ops'" },
      });
      const unknown = await create({ url: 'https://example.com', events: ['*'], workspaces: ['nope'] }, writer);
      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({
        error: { code: 'validation_error', message: "workspaces: unknown workspace 'nope'", field: 'workspaces' },
      });
      expect(await count()).toBe(before);

      const ok = await create({ url: 'https://example.com', events: ['*'], workspaces: ['team'] }, teamKey);
      expect(ok.body).toMatchObject({ scope: ['team'], workspaces: ['team'] });
      // An all-workspaces key sees it; the team key cannot widen it to ops.
      expect((await api('GET', `/webhooks/${ok.body.id}`, undefined, reader)).status).toBe(200);
      expect((await api('PATCH', `/webhooks/${ok.body.id}`, { workspaces: ['ops'] }, teamKey)).status).toBe(403);
      // Even an all-workspaces key cannot point its filter outside the subscription's scope.
      const outside = await api('PATCH', `/webhooks/${ok.body.id}`, { workspaces: ['ops'] }, writer);
      expect(outside.status).toBe(400);
      expect(outside.body.error).toEqual({
        code: 'validation_error',
        field: 'workspaces',
        message: "workspaces: 'ops' is outside this subscription's scope (team): it would never receive its events",
      });
      const keyOps = await gw.createKey({ workspaces: ['ops'], permissions: ['webhooks:read', 'webhooks:write'] });
      for (const [m, p] of [
        ['GET', ''],
        ['PATCH', ''],
        ['DELETE', ''],
        ['GET', '/deliveries'],
        ['POST', '/test'],
      ] as const) {
        const res = await api(m, `/webhooks/${ok.body.id}${p}`, m === 'PATCH' ? { enabled: false } : undefined, keyOps);
        expect([m, p, res.status]).toEqual([m, p, 404]);
      }
      expect((await api('GET', '/webhooks', undefined, keyOps)).body.data).toEqual([]);
    });
  });

  describe('bad input', () => {
    const cases: Array<[string, unknown, string, string?]> = [
      ['missing url', { events: ['*'] }, 'url: is required', 'url'],
      ['missing events', { url: 'https://example.com' }, 'events: is required', 'events'],
      [
        'empty events',
        { url: 'https://example.com', events: [] },
        'events: must NOT have fewer than 1 items',
        'events',
      ],
      [
        'unknown event',
        { url: 'https://example.com', events: ['message.sent', 'message.deleted'] },
        `events: unknown event 'message.deleted'; valid: ${VALID}`,
        'events',
      ],
      [
        'ping is not subscribable',
        { url: 'https://example.com', events: ['ping'] },
        `events: unknown event 'ping'; valid: ${VALID}`,
        'events',
      ],
      [
        'events not an array',
        { url: 'https://example.com', events: 'message.sent' },
        'events: must be array',
        'events',
      ],
      ['url not a string', { url: 42, events: ['*'] }, 'url: must be string', 'url'],
      ['url not absolute', { url: '/hooks', events: ['*'] }, 'url: must be an absolute http:// or https:// URL', 'url'],
      ['ftp url', { url: 'ftp://example.com/x', events: ['*'] }, 'url: must use http or https, not ftp', 'url'],
      [
        'url with credentials',
        { url: 'https://user:pw@example.com/x', events: ['*'] },
        'url: must not contain credentials; authenticate the request with the signature instead',
        'url',
      ],
      [
        'url too long',
        { url: `https://example.com/${'a'.repeat(2030)}`, events: ['*'] },
        'url: must NOT have more than 2048 characters',
        'url',
      ],
      [
        'short secret',
        { url: 'https://example.com', events: ['*'], secret: 'short' },
        'secret: must NOT have fewer than 16 characters',
        'secret',
      ],
      ['unknown field', { url: 'https://example.com', events: ['*'], active: true }, 'active: unknown field', 'active'],
      [
        'retries out of range',
        { url: 'https://example.com', events: ['*'], retries: 21 },
        'retries: must be <= 20',
        'retries',
      ],
      [
        'retries as string',
        { url: 'https://example.com', events: ['*'], retries: '3' },
        'retries: must be integer',
        'retries',
      ],
      [
        'bad workspace id',
        { url: 'https://example.com', events: ['*'], workspaces: ['Team!'] },
        'workspaces.0: must match pattern "^[a-z0-9][a-z0-9_-]{0,62}$"',
        'workspaces.0',
      ],
    ];
    it.each(cases)('POST with %s → 400, nothing written', async (_name, body, message, field) => {
      const before = await count();
      const res = await create(body as Record<string, unknown>, writer);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'validation_error', message, ...(field ? { field } : {}) } });
      expect(await count()).toBe(before);
    });

    it('a URL of exactly 2,048 characters is accepted', async () => {
      const url = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`;
      expect(url).toHaveLength(2048);
      expect((await create({ url, events: ['*'] }, writer)).status).toBe(201);
    });

    it('PATCH validates the same way and changes nothing on error', async () => {
      const { body: sub } = await create({ url: 'https://example.com/p', events: ['message.sent'] }, writer);
      for (const [body, status, message] of [
        [{}, 400, 'body: must NOT have fewer than 1 properties'],
        [{ events: ['nope'] }, 400, `events: unknown event 'nope'; valid: ${VALID}`],
        [{ url: 'mailto:x@example.com' }, 400, 'url: must use http or https, not mailto'],
        [{ enabled: 'yes' }, 400, 'enabled: must be boolean'],
        [{ secret: 'set-directly-0123456789' }, 400, 'secret: unknown field'],
      ] as const) {
        const res = await api('PATCH', `/webhooks/${sub.id}`, body, writer);
        expect([res.status, res.body.error.message]).toEqual([status, message]);
      }
      const { secret: _s, ...shown } = sub;
      expect((await api('GET', `/webhooks/${sub.id}`)).body).toEqual(shown);
    });

    it('malformed ids are 400, unknown ones 404', async () => {
      expect((await api('GET', '/webhooks/not-an-id')).status).toBe(400);
      expect((await api('GET', '/webhooks/wh_unknown')).body).toEqual({
        error: { code: 'not_found', message: "webhook 'wh_unknown' not found" },
      });
      expect((await api('GET', '/webhooks/wh_unknown/deliveries')).status).toBe(404);
      expect((await api('POST', '/webhooks/wh_unknown/test')).status).toBe(404);
      expect((await api('GET', '/webhooks/wh_unknown/deliveries?limit=0')).status).toBe(400);
      expect((await api('GET', '/webhooks/wh_unknown/deliveries/nope')).status).toBe(400);
    });
  });

  it('keeps secrets out of every response and log line (they live only in the subscription hash)', async () => {
    const r = rawRedis(gw.gateway.ctx.redisUrl);
    try {
      const res = await create({ url: 'https://example.com/s', events: ['*'] }, writer);
      secrets.add(res.body.secret);
      expect(await r.hget(`oc:{wh}:s:${res.body.id}`, 'secret')).toBe(res.body.secret);
    } finally {
      await r.quit();
    }
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of [...secrets, 'my-own-secret-0123456789', 'first-secret-0123456789']) {
      expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });

  it('keeps config subscriptions in step with the file across restarts (API ones stay)', async () => {
    const apiSubs = (await api('GET', '/webhooks')).body.data.filter((s: any) => s.source === 'api');
    const cfgId = (await api('GET', '/webhooks')).body.data.find((s: any) => s.source === 'config').id;
    await gw.close();
    const moved = {
      ...config,
      webhooks: {
        outbound: [
          { ...config.webhooks.outbound[0], events: ['*'] },
          { url: 'https://example.com/second', secret: 'second-config-secret-012345', events: ['error.agent'] },
        ],
      },
    };
    gw = await startTestGateway({ config: moved, env: { WEBHOOK_SECRET: CONFIG_SECRET }, flush: false });
    const after = (await api('GET', '/webhooks')).body.data;
    expect(after.filter((s: any) => s.source === 'api').map((s: any) => s.id)).toEqual(apiSubs.map((s: any) => s.id));
    const cfg = after.filter((s: any) => s.source === 'config');
    expect(cfg.map((s: any) => [s.url, s.events])).toEqual(
      expect.arrayContaining([
        [rx.url, ['*']],
        ['https://example.com/second', ['error.agent']],
      ]),
    );
    expect(cfg.find((s: any) => s.url === rx.url).id).toBe(cfgId); // same URL, same id
    await gw.close();
    gw = await startTestGateway({ config: { workspaces: config.workspaces }, flush: false });
    expect((await api('GET', '/webhooks')).body.data.filter((s: any) => s.source === 'config')).toEqual([]);
  });

  it('refuses unknown event names in webhooks.outbound at start', async () => {
    await expect(
      startTestGateway({
        config: {
          webhooks: {
            outbound: [{ url: 'https://example.com', secret: 'x', events: ['message.sent', 'message.edited'] }],
          },
        },
        flush: false,
      }),
    ).rejects.toThrow("webhooks.outbound[0].events: unknown event 'message.edited'; valid: " + VALID);
  });
});
