import type { TestCluster } from './redis-cluster';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __REDIS_CLUSTER__?: TestCluster }).__REDIS_CLUSTER__?.stop();
}
