/**
 * Under `npm run test:cluster`: the processes a test gateway runs beside on the cluster, so every
 * suite exercises the scale-out shape: a second gateway process (`openclaw start`, no workers)
 * that takes every other request, and one separate `openclaw worker` process that runs every
 * job. All three share nothing but the cluster. Started from the test's own openclaw.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, startCli, tempDir, type LongRunning } from '../foundation/process';
import { testClusterNodes, testRedisEnv } from './redis';

export interface ClusterPeers {
  /** The second gateway's http://127.0.0.1:port. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Whether a test gateway can hand its work to other processes: not when the test drives the
 * clock, turns workers off, or sets up the workers itself (those keep one in-process gateway).
 */
export function usePeers(opts: { clock?: unknown; workers?: boolean }): boolean {
  return Boolean(testClusterNodes()) && process.env.TEST_CLUSTER_PEERS !== 'off' && opts.clock === undefined && opts.workers === undefined;
}

export async function startClusterPeers(raw: Record<string, any>, env: NodeJS.ProcessEnv = {}): Promise<ClusterPeers> {
  const dir = tempDir('openclaw-peers-');
  const procs: LongRunning[] = [];
  const stop = async () => {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
  };
  const start = (role: 'start' | 'worker', config: Record<string, any>) => {
    const roleDir = join(dir, role);
    writeFileSync(join(dir, `${role}.json`), JSON.stringify(config));
    const p = startCli([role], {
      cwd: dir,
      env: cleanEnv({ ...testRedisEnv(), OPENCLAW_CONFIG: join(dir, `${role}.json`), OPENCLAW_STATE_DIR: roleDir, OLLAMA_BASE_URL: 'off', ...env }),
    });
    procs.push(p);
    return p;
  };
  try {
    const gateway = start('start', { ...raw, workers: { ...(raw.workers ?? {}), enabled: false } });
    const worker = start('worker', raw);
    const [m] = await Promise.all([gateway.waitFor(/Listening on (http:\/\/127\.0\.0\.1:\d+)/, 60000), worker.waitFor(/Worker running/, 60000)]);
    return { url: m[1], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
