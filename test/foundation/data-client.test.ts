/**
 * The shared data client sends what one turn of the event loop issues as one write (the socket is
 * corked until the turn's check phase), so concurrent requests' commands cost Redis one read, not
 * one each; order and replies are the connection's as always, and a reconnected client does the
 * same. Against a redis-server of its own, so every read Redis counts is this test's.
 */
import Redis from 'ioredis';
import { spawnRedis } from '../../server/embedded-redis';
import { createDataClient, waitReady } from '../../server/redis';
import { tempDir, waitUntil } from './process';

describe('the data client', () => {
  let server: Awaited<ReturnType<typeof spawnRedis>>;
  let admin: Redis;
  let client: Redis;

  beforeAll(async () => {
    server = await spawnRedis({ persist: false, dir: tempDir() });
    admin = new Redis(server.url);
    client = createDataClient(server.url);
    await waitReady(client);
  }, 30000);
  afterAll(async () => {
    client?.disconnect();
    await admin?.quit();
    await server?.stop();
  });

  /** Read events Redis has processed, from every connection (INFO stats). */
  const readsProcessed = async () => Number(/total_reads_processed:(\d+)/.exec(await admin.info('stats'))![1]);

  /** 200 INCRs issued in one turn: their replies, and the reads Redis needed for them. */
  async function burst(): Promise<{ replies: number[]; reads: number }> {
    await client.del('n');
    const before = await readsProcessed();
    const replies = await Promise.all(Array.from({ length: 200 }, () => client.incr('n')));
    // The INFO below is one read of its own.
    return { replies, reads: (await readsProcessed()) - before - 1 };
  }

  const inOrder = Array.from({ length: 200 }, (_, i) => i + 1);

  it('sends the commands of one turn in one write, in order', async () => {
    const { replies, reads } = await burst();
    expect(replies).toEqual(inOrder);
    expect(reads).toBeLessThanOrEqual(2); // 200 writes would be read in many
  });

  it('does the same after reconnecting', async () => {
    const id = await client.client('ID');
    await admin.client('KILL', 'ID', String(id));
    await waitUntil(async () => client.status === 'ready' && (await client.client('ID')) !== id, 10000);
    const { replies, reads } = await burst();
    expect(replies).toEqual(inOrder);
    expect(reads).toBeLessThanOrEqual(2);
  });
});
