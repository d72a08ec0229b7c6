/**
 * Client-side caches kept exact by CLIENT TRACKING (server/store/tracking.ts): a cached API key
 * costs no Redis read, a revocation made by another process is seen at once, and when the
 * tracking connection drops the cache is off (reads go to Redis) until it is back.
 */
import Redis from 'ioredis';
import { KeyStore, KEY_TRACKED_PREFIXES } from '../../server/store/keys';
import { Tracking } from '../../server/store/tracking';
import { flushTestDb, testRedisUrl } from '../helpers/redis';
import { startTestGateway } from '../helpers/gateway';
import { eventually } from '../messages/helpers';

/** The commands `client` sent to Redis while `fn` ran (the reader's own connection: other test files share the server). */
async function commandsDuring(client: Redis, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command: { name: string }, stream?: never) => {
    seen.push(command.name);
    return send(command as never, stream);
  };
  try {
    await fn();
  } finally {
    client.sendCommand = send;
  }
  return seen;
}

describe('tracked key cache', () => {
  let a: Redis;
  let b: Redis;
  let tracking: Tracking;
  let writer: KeyStore; // "another process": no cache
  let reader: KeyStore; // this process: cached
  beforeAll(async () => {
    await flushTestDb();
    a = new Redis(testRedisUrl());
    b = new Redis(testRedisUrl());
    tracking = new Tracking(testRedisUrl(), KEY_TRACKED_PREFIXES);
    tracking.start();
    writer = new KeyStore(a);
    reader = new KeyStore(b, undefined, tracking.cache(KEY_TRACKED_PREFIXES, true));
    await eventually(() => tracking.on);
  });
  afterAll(async () => {
    await tracking.close();
    a.disconnect();
    b.disconnect();
  });

  it('a cached unlimited key is verified without any Redis command; a limited one with one INCR', async () => {
    const unlimited = await writer.create({ label: 'u', workspaces: ['*'], rateLimit: 0, source: 'cli' });
    expect(await reader.verifyAndCount(unlimited.key, 0)).toEqual({ key: unlimited.record, rate: null }); // fills the cache
    expect(await commandsDuring(b, () => reader.verifyAndCount(unlimited.key, 0))).toEqual([]);
    const limited = await writer.create({ label: 'l', workspaces: ['*'], rateLimit: 5, source: 'cli' });
    await reader.verifyAndCount(limited.key, 0);
    await reader.verifyAndCount(limited.key, 0); // the counting script's first use loads it
    const cmds = await commandsDuring(b, async () =>
      expect((await reader.verifyAndCount(limited.key, 0))!.rate).toMatchObject({ limit: 5, remaining: 2 }),
    );
    expect(cmds).toEqual(['evalsha']);
  });

  it("another process's revocation is refused on the next request", async () => {
    const { key, record } = await writer.create({ label: 'r', workspaces: ['*'], rateLimit: 0, source: 'cli' });
    await reader.verifyAndCount(key, 0);
    await reader.verifyAndCount(key, 0); // cached
    await writer.revoke(record.id);
    await eventually(async () => (await reader.verifyAndCount(key, 0)) === null, 1000);
    // A scope change made elsewhere is seen as well.
    const other = await writer.create({ label: 's', workspaces: ['team'], rateLimit: 0, source: 'cli' });
    await reader.verifyAndCount(other.key, 0);
    await a.hset(`oc:{keys}:k:${other.record.id}`, 'workspaces', JSON.stringify(['ops']));
    await eventually(async () => (await reader.verifyAndCount(other.key, 0))!.key.workspaces[0] === 'ops', 1000);
  });

  it('without its tracking connection the cache is off (every check reads Redis) until it is back', async () => {
    const { key, record } = await writer.create({ label: 'k', workspaces: ['*'], rateLimit: 0, source: 'cli' });
    await reader.verifyAndCount(key, 0);
    const list = (await a.client('LIST')) as string;
    // This file's own (its database): other files running alongside have theirs.
    const db = new URL(testRedisUrl()).pathname.slice(1);
    const id = list
      .split('\n')
      .find((l) => l.includes(' name=openclaw-tracking-sub ') && l.includes(` db=${db} `))!
      .match(/^id=(\d+)/)![1];
    await a.client('KILL', 'ID', id);
    await eventually(() => !tracking.on, 1000);
    // Written while nobody is told: with the cache off the check still sees it.
    await writer.revoke(record.id);
    expect(await reader.verifyAndCount(key, 0)).toBeNull();
    const fresh = await writer.create({ label: 'f', workspaces: ['*'], rateLimit: 0, source: 'cli' });
    expect(await commandsDuring(b, () => reader.verifyAndCount(fresh.key, 0))).toEqual(['evalsha']);
    await eventually(() => tracking.on, 5000); // reconnected
    // Back on: a check is answered from the cache again. (Not necessarily the first after the
    // reconnect: a read that an invalidation overtakes is not cached, and one may still be on its
    // way when tracking reports itself on; Node 24's CI run met that once.)
    await eventually(
      async () => (await commandsDuring(b, () => reader.verifyAndCount(fresh.key, 0))).length === 0,
      5000,
    );
  });
});

describe('two gateways on one Redis', () => {
  it('a key revoked through one gateway is refused by the other at once, and a workspace deleted there is gone here', async () => {
    const one = await startTestGateway();
    const two = await startTestGateway({ flush: false });
    const key = await one.createKey({ workspaces: ['*'] });
    expect((await two.request('GET', '/api/v1/health', { key })).status).toBe(200);
    expect((await two.request('GET', '/api/v1/health', { key })).status).toBe(200); // cached in two
    const id = (await one.request('GET', '/api/v1/keys')).body.data.find(
      (k: { label: string }) => k.label === 'test key',
    ).id;
    expect((await one.request('POST', `/api/v1/keys/${id}/revoke`)).status).toBeLessThan(300);
    const refused = await two.request('GET', '/api/v1/health', { key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_api_key');

    expect(
      (await one.request('POST', '/api/v1/workspaces', { body: { id: 'tracked', agent: 'balanced' } })).status,
    ).toBe(201);
    const sent = await two.request('POST', '/api/v1/messages', {
      body: { workspace: 'tracked', userId: 'u', message: 'hi' },
    });
    expect(sent.status).toBe(200); // two caches the workspace now
    expect((await one.request('DELETE', '/api/v1/workspaces/tracked')).status).toBeLessThan(300);
    const gone = await two.request('POST', '/api/v1/messages', {
      body: { workspace: 'tracked', userId: 'u', message: 'hi' },
    });
    expect(gone.status).toBe(404);
    await two.close();
    await one.close();
  });
});
