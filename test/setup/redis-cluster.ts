/**
 * Starts and stops a real 3-master, 3-replica Redis Cluster on free loopback ports with
 * scripts/redis-cluster.sh. Used by the cluster run's globalSetup, the cluster fault scenario
 * and the cluster bench.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'redis-cluster.sh');
const run = promisify(execFile);

export interface TestCluster {
  dir: string;
  ports: number[];
  /** `127.0.0.1:port,…`: REDIS_CLUSTER_NODES. */
  nodes: string;
  /** The pid of the node on `port` (to kill it). */
  pidOf(port: number): number;
  stop(): Promise<void>;
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** Six ports whose cluster-bus ports (+10000) are free too, from a random start in 20000–50000. */
async function freePorts(): Promise<number[]> {
  const ports: number[] = [];
  for (let p = 20000 + Math.floor(Math.random() * 30000); ports.length < 6; p++) {
    if ((await portFree(p)) && (await portFree(p + 10000))) ports.push(p);
  }
  return ports;
}

/** `nodeTimeoutMs`: cluster-node-timeout (default Redis's 15 s; a failover scenario wants a short one). */
export async function startTestCluster(opts: { nodeTimeoutMs?: number } = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-cluster-'));
  const ports = await freePorts();
  const stop = async () => {
    await run(SCRIPT, ['stop', dir]);
  };
  try {
    const env = {
      ...process.env,
      ...(opts.nodeTimeoutMs ? { CLUSTER_NODE_TIMEOUT_MS: String(opts.nodeTimeoutMs) } : {}),
    };
    await run(SCRIPT, ['start', dir, ...ports.map(String)], { timeout: 60000, env });
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return {
    dir,
    ports,
    nodes: ports.map((p) => `127.0.0.1:${p}`).join(','),
    pidOf: (port) => Number(readFileSync(join(dir, String(port), 'redis.pid'), 'utf8').trim()),
    stop,
  };
}
