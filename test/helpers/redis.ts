/**
 * The test Redis: one server per jest run, one database per jest worker. Under
 * `npm run test:cluster` (TEST_REDIS_CLUSTER_NODES set by its globalSetup) a real Redis Cluster
 * instead, one per jest worker, flushed on every master per test file.
 */
import Redis, { Cluster } from 'ioredis';
import { parseClusterNodes, type RedisTarget } from '../../server/redis';

/** This jest worker's cluster's seed nodes `host:port,…` when the run targets clusters (one per worker, `;`-separated). */
export function testClusterNodes(): string | undefined {
  const clusters = (process.env.TEST_REDIS_CLUSTER_NODES ?? '').split(';').filter(Boolean);
  if (!clusters.length) return undefined;
  return clusters[(Number(process.env.JEST_WORKER_ID ?? '1') - 1) % clusters.length];
}

export function testRedisUrl(): string {
  const base = process.env.TEST_REDIS_BASE;
  if (!base)
    throw new Error(
      testClusterNodes()
        ? 'this test needs one Redis (a database number): it cannot run on the cluster'
        : 'TEST_REDIS_BASE is not set: run tests through jest (globalSetup starts Redis)',
    );
  const db = Number(process.env.JEST_WORKER_ID ?? '1') % 64;
  return `${base}/${db}`;
}

/** What gateways under test connect to: the worker's database, or the cluster. */
export function testRedisTarget(): RedisTarget {
  const nodes = testClusterNodes();
  return nodes ? { cluster: { nodes: parseClusterNodes(nodes) } } : testRedisUrl();
}

/** The environment that points a child `openclaw` process at the same Redis. */
export function testRedisEnv(): Record<string, string> {
  const nodes = testClusterNodes();
  return nodes ? { REDIS_CLUSTER_NODES: nodes } : { REDIS_URL: testRedisUrl() };
}

const connect = (target: RedisTarget): Redis =>
  typeof target === 'string' ? new Redis(target) : (new Cluster(target.cluster.nodes) as unknown as Redis);

/** A cluster client's masters, once it has learnt the slot map (before that it knows none). */
async function masters(r: Redis): Promise<Redis[]> {
  const c = r as unknown as Cluster;
  if (c.status !== 'ready') await new Promise((resolve, reject) => c.once('ready', resolve).once('error', reject));
  const found = c.nodes('master');
  if (found.length !== 3) throw new Error(`expected the test cluster's 3 masters, found ${found.length}`);
  return found;
}

export async function flushTestDb(target: RedisTarget = testRedisTarget()): Promise<void> {
  const r = connect(target);
  if (typeof target === 'string') await r.flushdb();
  else await Promise.all((await masters(r)).map((n) => n.flushall()));
  await r.quit();
}

/** A plain client for asserting what is stored (a Cluster client on the cluster). Close it in afterAll. */
export const rawRedis = (target: RedisTarget = testRedisTarget()) => connect(target);

/** Every key matching `pattern` (tests only: SCAN over the whole keyspace, every master on a cluster). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const nodes = (redis as unknown) instanceof Cluster ? await masters(redis) : [redis];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  }
  return keys;
}
