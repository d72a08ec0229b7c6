/** One Telegram poller per bot across processes: the lease on the real test Redis. */
import type Redis from 'ioredis';
import { PollerLease, LEASE_MS } from '../../server/channels/lease';
import { flushTestDb, rawRedis } from '../helpers/redis';
import { poll } from '../webhooks/receiver';

describe('PollerLease', () => {
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    await flushTestDb();
    a = rawRedis();
    b = rawRedis();
  });
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });

  it('one holder at a time; renewing keeps it; a release or an expiry hands it over', async () => {
    const first = new PollerLease(a, 'telegram');
    const second = new PollerLease(b, 'telegram');
    expect(await first.hold()).toBe(true);
    expect(await second.hold()).toBe(false);
    expect(await first.hold()).toBe(true); // renewal
    const ttl = await a.pttl('oc:{chan}:poller:telegram');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(LEASE_MS);
    await second.release(); // not the holder: nothing happens
    expect(await second.hold()).toBe(false);
    await first.release();
    expect(await second.hold()).toBe(true);
    expect(await first.hold()).toBe(false);
    // A holder that died: its lease expires and another process takes it.
    await b.pexpire('oc:{chan}:poller:telegram', 1);
    await poll(
      () => a.exists('oc:{chan}:poller:telegram'),
      (n) => n === 0,
      2000,
      'the lease to expire',
    );
    expect(await first.hold()).toBe(true);
  });
});
