/**
 * What the fault scenarios share: real `openclaw worker` processes (the built CLI) on the test
 * Redis that a scenario can SIGKILL and replace, a fake OpenAI upstream whose answers the
 * scenario scripts (a stalled stream keeps a message running until its worker is killed), and a
 * real webhook receiver subscribed to every event.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, startCli, tempDir, type LongRunning } from '../foundation/process';
import { testRedisUrl } from '../helpers/redis';
import type { TestGateway } from '../helpers/gateway';
import { startFakeOpenAI } from '../fakes/openai';
import type { FakeLlm } from '../fakes/llm-script';
import { startReceiver, type Receiver } from '../webhooks/receiver';

export const API = '/api/v1';
export const SECRET = 'fault-suite-secret';

/** A gateway config answering through the fake upstream. */
export function upstreamConfig(llm: FakeLlm): Record<string, unknown> {
  return {
    providers: {
      main: {
        type: 'openai-compatible',
        baseUrl: `${llm.url}/v1`,
        apiKey: 'sk-fault-suite',
        retries: 0,
        timeoutMs: 120000,
      },
    },
    model: 'gpt-4o-mini',
    workspaces: [{ id: 'team' }],
    messages: { timeoutMs: 120000 },
  };
}

export interface WorkerPool {
  /** Starts one more `openclaw worker` (extra environment, e.g. OPENCLAW_FAILPOINTS) and waits until it runs. */
  add(env?: Record<string, string>): Promise<LongRunning>;
  /** SIGKILL: no cleanup, its jobs stay locked until BullMQ notices the stall. */
  kill(w: LongRunning): Promise<void>;
  stop(): Promise<void>;
}

/** `redisEnv`: where the workers connect (default the test Redis; REDIS_CLUSTER_NODES for a cluster). */
export function workerPool(config: Record<string, unknown>, redisEnv?: Record<string, string>): WorkerPool {
  const dir = tempDir('openclaw-faults-');
  writeFileSync(join(dir, 'openclaw.json'), JSON.stringify(config));
  const running = new Set<LongRunning>();
  let n = 0;
  return {
    async add(env = {}) {
      const w = startCli(['worker'], {
        cwd: dir,
        env: cleanEnv({
          ...(redisEnv ?? { REDIS_URL: testRedisUrl() }),
          OPENCLAW_STATE_DIR: join(dir, `state${n++}`),
          ...env,
        }),
      });
      running.add(w);
      void w.exited.then(() => running.delete(w));
      await w.waitFor(/Worker running/);
      return w;
    },
    async kill(w) {
      w.child.kill('SIGKILL');
      await w.exited;
    },
    async stop() {
      const all = [...running];
      for (const w of all) w.child.kill('SIGTERM');
      await Promise.all(all.map((w) => w.exited));
    },
  };
}

export async function fakeUpstream(): Promise<FakeLlm> {
  return startFakeOpenAI();
}

/** A receiver subscribed to every event with the admin key. */
export async function subscribedReceiver(gw: TestGateway): Promise<Receiver> {
  const rx = await startReceiver(SECRET);
  const res = await gw.request('POST', `${API}/webhooks`, { body: { url: rx.url, events: ['*'], secret: SECRET } });
  if (res.status !== 201) throw new Error(`subscribing the receiver failed: ${res.status} ${res.text}`);
  return rx;
}

/** Polls until check() returns a value; fails with `what` after timeoutMs. */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A scenario's figures, printed with the test output. */
export function report(scenario: string, figures: Record<string, string | number>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${v}`);
  process.stdout.write(`[faults] ${scenario}: ${parts.join(' ')}\n`);
}
