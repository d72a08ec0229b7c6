import type { TestCluster } from './redis-cluster';

export default async function globalTeardown(): Promise<void> {
  await Promise.all(
    ((globalThis as { __REDIS_CLUSTERS__?: TestCluster[] }).__REDIS_CLUSTERS__ ?? []).map((c) => c.stop()),
  );
}
