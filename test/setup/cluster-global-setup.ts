/**
 * `npm run test:cluster`: one real Redis Cluster for the whole run instead of one redis-server.
 * test/helpers/redis.ts sees TEST_REDIS_CLUSTER_NODES and points every gateway, worker process
 * and assertion client at the cluster.
 */
import { startTestCluster, type TestCluster } from './redis-cluster';

export default async function globalSetup(): Promise<void> {
  const cluster = await startTestCluster();
  (globalThis as { __REDIS_CLUSTER__?: TestCluster }).__REDIS_CLUSTER__ = cluster;
  process.env.TEST_REDIS_CLUSTER_NODES = cluster.nodes;
  delete process.env.TEST_REDIS_BASE;
}
