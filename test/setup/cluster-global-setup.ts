/**
 * `npm run test:cluster`: real Redis Clusters instead of one redis-server, one per jest worker
 * (each file flushes every master of its worker's cluster, so two workers never share one).
 * test/helpers/redis.ts sees TEST_REDIS_CLUSTER_NODES and points every gateway, worker process
 * and assertion client at its worker's cluster.
 */
import type { Config } from '@jest/types';
import { startTestCluster, type TestCluster } from './redis-cluster';

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  const count = Math.max(1, globalConfig.maxWorkers);
  const clusters = await Promise.all(Array.from({ length: count }, () => startTestCluster()));
  (globalThis as { __REDIS_CLUSTERS__?: TestCluster[] }).__REDIS_CLUSTERS__ = clusters;
  // `;` between clusters, `,` between one cluster's nodes; jest worker N takes the Nth.
  process.env.TEST_REDIS_CLUSTER_NODES = clusters.map((c) => c.nodes).join(';');
  delete process.env.TEST_REDIS_BASE;
}
