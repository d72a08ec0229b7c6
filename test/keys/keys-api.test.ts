/**
 * The keys API on a real gateway: who may list/create/revoke/rotate (keys:read, keys:write, only
 * over `*`), what a created key can do, no escalation past the caller's own permissions, config
 * keys read-only, and every bad input answered 4xx in the one error shape.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis } from '../helpers/redis';
import { ALL_PERMISSIONS, hashKey } from '../../server/store/keys';
import { parseConfig } from '../../server/config';
import type Redis from 'ioredis';

const CONFIG_KEY = 'cfg-key-keys-api-0123456789';
const VIEW_FIELDS = [
  'createdAt',
  'id',
  'key',
  'label',
  'lastUsedAt',
  'permissions',
  'rateLimit',
  'source',
  'workspaces',
];

describe('keys API', () => {
  let gw: TestGateway;
  let redis: Redis;
  const expectError = (res: { status: number; body: any }, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(typeof res.body.error.message).toBe('string');
  };

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        api: { keys: [{ key: CONFIG_KEY, label: 'From config', workspaces: ['*'], permissions: ['stats:read'] }] },
      },
    });
    redis = rawRedis();
  });
  afterAll(async () => {
    await redis.quit();
    await gw.close();
  });

  it('POST /keys returns the plain key once, masked everywhere after; the key works at once with its scope', async () => {
    const res = await gw.request('POST', '/api/v1/keys', {
      body: { label: 'Team app', workspaces: ['team'], permissions: ['workspaces:read', 'stats:read'], rateLimit: 30 },
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['apiKey', ...VIEW_FIELDS].sort());
    const { apiKey, id, key } = res.body;
    expect(apiKey).toMatch(/^oclaw_live_[0-9A-Za-z]{40}$/);
    expect(key).toBe(`${apiKey.slice(0, 15)}…${apiKey.slice(-4)}`);
    expect(res.body).toMatchObject({
      label: 'Team app',
      workspaces: ['team'],
      permissions: ['workspaces:read', 'stats:read'],
      rateLimit: 30,
      source: 'cli',
      lastUsedAt: null,
    });

    const health = await gw.request('GET', '/api/v1/health', { key: apiKey });
    expect(health.status).toBe(200);
    expect(health.headers.get('x-ratelimit-limit')).toBe('30');
    expectError(await gw.request('GET', '/api/v1/workspaces/default', { key: apiKey }), 403, 'workspace_forbidden');

    const list = await gw.request('GET', '/api/v1/keys');
    expect(list.status).toBe(200);
    const listed = list.body.data.find((k: any) => k.id === id);
    expect(Object.keys(listed).sort()).toEqual(VIEW_FIELDS);
    expect(listed.key).toBe(key);
    expect(list.text).not.toContain(apiKey);
    expect(list.text).not.toContain(hashKey(apiKey));
    // The config key is listed, masked to its last four characters.
    expect(list.body.data.find((k: any) => k.source === 'config')).toMatchObject({
      key: `…${CONFIG_KEY.slice(-4)}`,
      label: 'From config',
    });
  });

  it('defaults: every workspace, the seven default permissions, the gateway rate limit', async () => {
    const res = await gw.request('POST', '/api/v1/keys', { body: { label: 'Defaults' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ workspaces: ['*'], rateLimit: null });
    expect(res.body.permissions).toEqual([
      'messages:write',
      'messages:read',
      'sessions:read',
      'sessions:delete',
      'workspaces:read',
      'workspaces:write',
      'stats:read',
    ]);
  });

  it('keys:read lists but cannot write; no key permission: 403 naming it; revoked key: 401', async () => {
    const reader = await gw.createKey({ permissions: ['keys:read'] });
    expect((await gw.request('GET', '/api/v1/keys', { key: reader })).status).toBe(200);
    const denied = await gw.request('POST', '/api/v1/keys', { key: reader, body: { label: 'x' } });
    expectError(denied, 403, 'missing_permission');
    expect(denied.body.error.message).toContain('keys:write');

    const plain = await gw.createKey({ permissions: ['stats:read'] });
    const noRead = await gw.request('GET', '/api/v1/keys', { key: plain });
    expectError(noRead, 403, 'missing_permission');
    expect(noRead.body.error.message).toContain('keys:read');
    expectError(await gw.request('GET', '/api/v1/keys', { key: null }), 401, 'missing_api_key');
  });

  it('keys:read / keys:write only over *: refused at creation through the API, the store and the config', async () => {
    const res = await gw.request('POST', '/api/v1/keys', {
      body: { label: 'Scoped admin', workspaces: ['team'], permissions: ['keys:read'] },
    });
    expectError(res, 400, 'validation_error');
    expect(res.body.error.field).toBe('permissions');
    await expect(
      gw.gateway.ctx.stores.keys.create({
        label: 'x',
        workspaces: ['team'],
        permissions: ['keys:write'],
        source: 'cli',
      }),
    ).rejects.toThrow(/every workspace/);
    expect(() =>
      parseConfig(
        { api: { keys: [{ key: 'k'.repeat(20), label: 'x', workspaces: ['team'], permissions: ['keys:read'] }] } },
        {},
      ),
    ).toThrow(/api\.keys\[0\]\.permissions: 'keys:read' can only be held by a key over every workspace/);
  });

  it('a key narrowed to some workspaces after the fact loses keys:* (checked on the caller, too)', async () => {
    const made = await gw.request('POST', '/api/v1/keys', {
      body: { label: 'Operator', permissions: ['keys:read', 'workspaces:read'] },
    });
    await redis.hset(`oc:{keys}:k:${made.body.id}`, 'workspaces', JSON.stringify(['team']));
    const res = await gw.request('GET', '/api/v1/keys', { key: made.body.apiKey });
    expectError(res, 403, 'missing_permission');
    expect(res.body.error.message).toContain('every workspace');
  });

  it('a key cannot grant or rotate permissions it does not hold itself', async () => {
    const keyAdmin = await gw.createKey({ permissions: ['keys:read', 'keys:write', 'stats:read'] });
    const ok = await gw.request('POST', '/api/v1/keys', {
      key: keyAdmin,
      body: { label: 'Stats only', permissions: ['stats:read'] },
    });
    expect(ok.status).toBe(201);
    const wider = await gw.request('POST', '/api/v1/keys', {
      key: keyAdmin,
      body: { label: 'Wider', permissions: ['sessions:delete'] },
    });
    expectError(wider, 403, 'missing_permission');
    expect(wider.body.error.message).toContain('sessions:delete');
    // Defaults include permissions this key lacks: refused as well.
    expectError(
      await gw.request('POST', '/api/v1/keys', { key: keyAdmin, body: { label: 'Defaults' } }),
      403,
      'missing_permission',
    );

    const full = await gw.request('POST', '/api/v1/keys', { body: { label: 'Full', permissions: ALL_PERMISSIONS } });
    expectError(
      await gw.request('POST', `/api/v1/keys/${full.body.id}/rotate`, { key: keyAdmin }),
      403,
      'missing_permission',
    );
    expect((await gw.request('GET', '/api/v1/health', { key: full.body.apiKey })).status).toBe(200);
    // Revoking only takes power away: allowed.
    expect((await gw.request('POST', `/api/v1/keys/${full.body.id}/revoke`, { key: keyAdmin })).status).toBe(200);
    expectError(await gw.request('GET', '/api/v1/health', { key: full.body.apiKey }), 401, 'invalid_api_key');
  });

  it('revoke answers the revoked key; rotate gives a new key with the same scope and the old one stops at once', async () => {
    const made = (
      await gw.request('POST', '/api/v1/keys', {
        body: { label: 'Rotating', workspaces: ['team', 'ops'], permissions: ['stats:read'], rateLimit: 5 },
      })
    ).body;
    const rotated = await gw.request('POST', `/api/v1/keys/${made.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({
      label: 'Rotating',
      workspaces: ['team', 'ops'],
      permissions: ['stats:read'],
      rateLimit: 5,
      source: 'cli',
    });
    expect(rotated.body.id).not.toBe(made.id);
    expect(rotated.body.apiKey).not.toBe(made.apiKey);
    expectError(await gw.request('GET', '/api/v1/health', { key: made.apiKey }), 401, 'invalid_api_key');
    expect((await gw.request('GET', '/api/v1/health', { key: rotated.body.apiKey })).status).toBe(200);

    const revoked = await gw.request('POST', `/api/v1/keys/${rotated.body.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked).toMatchObject({ id: rotated.body.id, label: 'Rotating', key: rotated.body.key });
    expectError(await gw.request('GET', '/api/v1/health', { key: rotated.body.apiKey }), 401, 'invalid_api_key');
    const ids = (await gw.request('GET', '/api/v1/keys')).body.data.map((k: any) => k.id);
    expect(ids).not.toContain(made.id);
    expect(ids).not.toContain(rotated.body.id);

    // Already revoked, or never existed: 404 in the one shape.
    expectError(await gw.request('POST', `/api/v1/keys/${rotated.body.id}/revoke`), 404, 'not_found');
    expectError(await gw.request('POST', `/api/v1/keys/${made.id}/rotate`), 404, 'not_found');
    expectError(await gw.request('POST', '/api/v1/keys/key_doesnotexist/revoke'), 404, 'not_found');
  });

  it('config keys are read-only here: 409 read_only, and they keep working', async () => {
    const cfg = (await gw.request('GET', '/api/v1/keys')).body.data.find((k: any) => k.source === 'config');
    const res = await gw.request('POST', `/api/v1/keys/${cfg.id}/revoke`);
    expectError(res, 409, 'read_only');
    expect(res.body.error.message).toContain('openclaw.json');
    expectError(await gw.request('POST', `/api/v1/keys/${cfg.id}/rotate`), 409, 'read_only');
    expect((await gw.request('GET', '/api/v1/health', { key: CONFIG_KEY })).status).toBe(200);
  });

  it.each([
    ['no body', undefined, 'invalid_request', undefined],
    ['no label', {}, 'validation_error', 'label'],
    ['empty label', { label: '' }, 'validation_error', 'label'],
    ['unknown field', { label: 'x', admin: true }, 'validation_error', undefined],
    ['unknown permission', { label: 'x', permissions: ['keys:delete'] }, 'validation_error', 'permissions'],
    ['empty permissions', { label: 'x', permissions: [] }, 'validation_error', 'permissions'],
    [
      'duplicate permission',
      { label: 'x', permissions: ['stats:read', 'stats:read'] },
      'validation_error',
      'permissions',
    ],
    ['bad workspace id', { label: 'x', workspaces: ['Team!'] }, 'validation_error', 'workspaces'],
    ['empty workspaces', { label: 'x', workspaces: [] }, 'validation_error', 'workspaces'],
    ['negative rate limit', { label: 'x', rateLimit: -1 }, 'validation_error', 'rateLimit'],
    ['fractional rate limit', { label: 'x', rateLimit: 1.5 }, 'validation_error', 'rateLimit'],
    ['string rate limit', { label: 'x', rateLimit: 'lots' }, 'validation_error', 'rateLimit'],
  ])('POST /keys with %s: 400 in the one error shape', async (_name, body, code, field) => {
    const res =
      body === undefined
        ? await gw.request('POST', '/api/v1/keys')
        : await gw.request('POST', '/api/v1/keys', { body });
    expect(res.status).toBe(400);
    if (code !== 'invalid_request') expect(res.body.error.code).toBe(code);
    else expect(['invalid_request', 'invalid_json', 'validation_error']).toContain(res.body.error.code);
    if (field) expect(res.body.error.field).toMatch(new RegExp(`^${field}(\\.|$)`));
    expect(Object.keys(res.body)).toEqual(['error']);
  });

  it('bad ids, bodies and methods: 4xx in the one error shape', async () => {
    expectError(await gw.request('POST', '/api/v1/keys/not-a-key-id/revoke'), 400, 'validation_error');
    expectError(await gw.request('POST', '/api/v1/keys/key_a.b/rotate'), 400, 'validation_error');
    expectError(
      await gw.request('POST', '/api/v1/keys', {
        rawBody: '{"label":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'invalid_json',
    );
    expectError(
      await gw.request('POST', '/api/v1/keys', { rawBody: 'label=x', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    );
    const del = await gw.request('DELETE', '/api/v1/keys');
    expectError(del, 405, 'method_not_allowed');
    expect(del.headers.get('allow')).toContain('POST');
  });
});
