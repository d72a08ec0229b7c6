/**
 * Two gateways and two `openclaw worker` processes on one Redis, one worker SIGKILLed while the
 * messages flow: per-session order holds, every message is counted exactly once in the stats,
 * and one key's rate limit is exact across both gateways.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFakeOpenAI } from '../fakes/openai';
import type { FakeLlm } from '../fakes/llm-script';
import { API, report, upstreamConfig, waitFor, workerPool, type WorkerPool } from './harness';

const SESSIONS = 4;
const PER_SESSION = 10;

describe('two gateways, two workers, one killed', () => {
  let a: TestGateway;
  let b: TestGateway;
  let pool: WorkerPool;
  let llm: FakeLlm;
  let CONFIG: Record<string, unknown>;

  beforeAll(async () => {
    // Answers take ~0.5 s (50 ms a word), so the killed worker dies with messages in hand; each
    // names the session turn it answers (the user messages the model was given).
    const turn = (req: { body: { messages: Array<{ role: string }> } }) =>
      req.body.messages.filter((m) => m.role === 'user').length;
    llm = await startFakeOpenAI({
      paceMs: 50,
      fallback: (req) => ({ text: `answer for turn ${turn(req)}:${' word'.repeat(9)}` }),
    });
    CONFIG = { ...upstreamConfig(llm), workers: { concurrency: 4 } };
    a = await startTestGateway({ config: CONFIG, workers: false });
    b = await startTestGateway({ config: CONFIG, workers: false, flush: false });
    pool = workerPool(CONFIG);
  });
  afterAll(async () => {
    await pool?.stop();
    await a?.close();
    await b?.close();
    await llm?.close();
  });

  it('keeps each session in order and counts every message once', async () => {
    const doomed = await pool.add();
    await pool.add();
    const startedAt = Date.now();
    const sends: Array<Promise<{ session: number; status: number; body: any }>> = [];
    for (let i = 0; i < PER_SESSION; i++) {
      for (let s = 0; s < SESSIONS; s++) {
        const gw = (i + s) % 2 ? a : b;
        const body = { workspace: 'team', userId: `user-${s}`, sessionId: `two-gw-${s}`, message: `s${s} m${i}` };
        sends.push(
          gw.request('POST', `${API}/messages`, { body }).then((r) => ({ session: s, status: r.status, body: r.body })),
        );
      }
    }
    await waitFor(() => llm.chats().length >= 4, 20000, 'answers in flight');
    await pool.kill(doomed);
    const replies = await Promise.all(sends);
    report('two gateways, one worker killed', { messages: replies.length, all_answered_ms: Date.now() - startedAt });
    expect(replies.map((r) => r.status)).toEqual(Array(SESSIONS * PER_SESSION).fill(200));

    for (let s = 0; s < SESSIONS; s++) {
      const history = (await a.request('GET', `${API}/sessions/two-gw-${s}/history?limit=100`)).body.data as Array<{
        role: string;
        content: string;
        messageId: string;
      }>;
      const answers = history.filter((t) => t.role === 'assistant');
      expect(answers).toHaveLength(PER_SESSION);
      // Each answer saw exactly the turns before it: one at a time, in order, none lost or doubled.
      answers.forEach((t, k) => expect(t.content).toContain(`answer for turn ${k + 1}:`));
      const ids = history.map((t) => t.messageId);
      expect(ids).toEqual(ids.filter((_, k) => k % 2 === 0).flatMap((id) => [id, id])); // user + assistant, never interleaved
    }
    const stats = (await b.request('GET', `${API}/stats/users?workspace=team`)).body.data as Array<{
      userId: string;
      messages: number;
    }>;
    expect(stats.map((u) => [u.userId, u.messages]).sort()).toEqual(
      Array.from({ length: SESSIONS }, (_, s) => [`user-${s}`, PER_SESSION]),
    );
  });

  it('shares one rate limit exactly between the gateways', async () => {
    const key = await a.createKey({ rateLimit: 20 });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).request('GET', `${API}/health`, { key })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });
});
