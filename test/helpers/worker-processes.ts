/**
 * Real `openclaw worker` processes (the built CLI, `npm run build` first) on the jest worker's
 * test Redis, each with its own state dir, all reading one openclaw.json written from `config`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, startCli, tempDir, type LongRunning } from '../foundation/process';
import { testRedisEnv } from './redis';

export interface WorkerProcesses {
  workers: LongRunning[];
  /** SIGTERM to each, resolved once every one has exited. */
  stop(): Promise<void>;
}

export async function startWorkerProcesses(config: Record<string, unknown>, count = 2): Promise<WorkerProcesses> {
  const dir = tempDir('openclaw-workers-');
  writeFileSync(join(dir, 'openclaw.json'), JSON.stringify(config));
  const workers: LongRunning[] = [];
  const stop = async () => {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
  };
  try {
    for (let i = 0; i < count; i++) {
      const p = startCli(['worker'], {
        cwd: dir,
        env: cleanEnv({ ...testRedisEnv(), OPENCLAW_STATE_DIR: join(dir, `state${i}`) }),
      });
      workers.push(p);
      await p.waitFor(/Worker running/);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { workers, stop };
}
