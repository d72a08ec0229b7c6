/**
 * API keys as stored: format, the first-start admin key (exactly one, once, even with two
 * gateways starting together), config keys following the file, last use.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { flushTestDb, rawRedis } from '../helpers/redis';
import { ALL_PERMISSIONS, KEY_PREFIX, generateKey, hashKey } from '../../server/store/keys';

describe('API keys', () => {
  it('format: oclaw_live_ + 40 base62 characters, all different', () => {
    const keys = Array.from({ length: 200 }, generateKey);
    for (const k of keys) expect(k).toMatch(/^oclaw_live_[0-9A-Za-z]{40}$/);
    expect(new Set(keys).size).toBe(200);
    expect(KEY_PREFIX).toBe('oclaw_live_');
  });

  it('first start with no key anywhere creates exactly one admin key, even with two gateways starting at once; never again', async () => {
    await flushTestDb();
    const gateways = await Promise.all([startTestGateway({ flush: false }), startTestGateway({ flush: false })]);
    let later: TestGateway | null = null;
    try {
      const made = gateways.map((g) => g.gateway.bootstrapKey).filter(Boolean) as string[];
      expect(made).toHaveLength(1);
      const admin = await gateways[0].gateway.ctx.stores.keys.verify(made[0]);
      expect(admin).toMatchObject({
        label: 'Admin (first start)',
        workspaces: ['*'],
        permissions: ALL_PERMISSIONS,
        rateLimit: null,
        source: 'bootstrap',
      });
      expect((await gateways[1].request('GET', '/api/v1/health', { key: made[0] })).status).toBe(200);

      // Even once every key is revoked, a restart does not mint a new admin key.
      const store = gateways[0].gateway.ctx.stores.keys;
      for (const k of await store.list()) await store.revoke(k.id);
      later = await startTestGateway({ flush: false });
      expect(later.gateway.bootstrapKey).toBeNull();
      expect((await store.list()).map((k) => k.label)).toEqual(['test admin']); // the one the test helper made
    } finally {
      await later?.close();
      for (const g of gateways) await g.close();
    }
  });

  it('no admin key is made when the config declares keys', async () => {
    const gw = await startTestGateway({ config: { api: { keys: [{ key: 'configured-key-0000', label: 'cfg' }] } } });
    try {
      expect(gw.gateway.bootstrapKey).toBeNull();
    } finally {
      await gw.close();
    }
  });

  it('config keys follow the file across restarts: changed scopes apply, removed keys stop working', async () => {
    const a = 'config-key-aaaaaaaaaaaa';
    const b = 'config-key-bbbbbbbbbbbb';
    const first = await startTestGateway({
      config: {
        api: {
          keys: [
            { key: a, label: 'A', workspaces: ['team'], rateLimit: 5 },
            { key: b, label: 'B' },
          ],
        },
      },
    });
    const redis = rawRedis();
    try {
      expect((await first.request('GET', '/api/v1/health', { key: a })).headers.get('x-ratelimit-limit')).toBe('5');
      expect((await first.request('GET', '/api/v1/health', { key: b })).status).toBe(200);
      expect(await redis.exists(`oc:{keys}:h:${hashKey(a)}`)).toBe(1);
      await first.close();

      const second = await startTestGateway({
        flush: false,
        config: { api: { keys: [{ key: a, label: 'A2', workspaces: ['*'], permissions: ['stats:read'] }] } },
      });
      try {
        const rec = await second.gateway.ctx.stores.keys.verify(a);
        expect(rec).toMatchObject({
          label: 'A2',
          workspaces: ['*'],
          permissions: ['stats:read'],
          rateLimit: null,
          source: 'config',
        });
        expect((await second.request('GET', '/api/v1/health', { key: a })).headers.get('x-ratelimit-limit')).toBe(
          '600',
        );
        const gone = await second.request('GET', '/api/v1/health', { key: b });
        expect(gone.status).toBe(401);
      } finally {
        await second.close();
      }
    } finally {
      await redis.quit();
    }
  });

  it('records lastUsedAt when a key is used', async () => {
    const gw = await startTestGateway();
    try {
      const key = await gw.createKey();
      const store = gw.gateway.ctx.stores.keys;
      expect((await store.verify(key))!.lastUsedAt).toBeNull();
      await gw.request('GET', '/api/v1/health', { key });
      let used: string | null = null;
      for (let i = 0; i < 40 && !used; i++) {
        used = (await store.verify(key))!.lastUsedAt;
        if (!used) await new Promise((r) => setTimeout(r, 25));
      }
      expect(used).toMatch(/^\d{4}-\d\d-\d\dT/);
    } finally {
      await gw.close();
    }
  });
});
