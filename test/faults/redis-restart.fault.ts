/**
 * Redis (AOF on, like the embedded default) stops for 5 s and comes back while 50 messages are in
 * flight through the fake upstream: meanwhile the API answers 503 with Retry-After (never 500),
 * and afterwards every accepted message finishes with its own answer: none lost, none doubled.
 */
import { freePort, spawnRedis } from '../../server/embedded-redis';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { tempDir } from '../foundation/process';
import { startFakeOpenAI } from '../fakes/openai';
import type { FakeLlm } from '../fakes/llm-script';
import type { RecordedRequest } from '../fakes/http';
import { API, report, upstreamConfig, waitFor } from './harness';

const MESSAGES = 50;
const OUTAGE_MS = 5000;
const lastUser = (req: RecordedRequest) =>
  String(req.body.messages.filter((m: { role: string }) => m.role === 'user').at(-1).content);
/** ~3 s per answer at 100 ms a word: long enough to be cut by the outage. */
const answerTo = (text: string) => `answer to ${text}:${' word'.repeat(25)}`;

describe('Redis restarted under 50 in-flight messages', () => {
  let llm: FakeLlm;
  let gw: TestGateway;
  let redis: Awaited<ReturnType<typeof spawnRedis>>;
  const dir = tempDir('openclaw-redis-restart-');

  beforeAll(async () => {
    const port = await freePort();
    redis = await spawnRedis({ port, dir, persist: true });
    llm = await startFakeOpenAI({ paceMs: 100, fallback: (req) => ({ text: answerTo(lastUser(req)) }) });
    gw = await startTestGateway({ redisUrl: redis.url, config: upstreamConfig(llm) });
  }, 30000);
  afterAll(async () => {
    await gw?.close();
    await redis?.stop();
    await llm?.close();
  });

  it('answers 503 during the outage and finishes every accepted message afterwards', async () => {
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const res = await gw.request('POST', `${API}/messages`, {
        body: { workspace: 'team', userId: `user-${i}`, message: `m${i}`, async: true },
      });
      expect(res.status).toBe(202);
      ids.push(res.body.messageId);
    }
    await waitFor(() => llm.chats().length >= 20, 20000, 'answers in flight');

    await redis.stop();
    const downAt = Date.now();
    const during = await Promise.all([
      gw.request('GET', `${API}/health`),
      gw.request('POST', `${API}/messages`, {
        body: { workspace: 'team', userId: 'late', message: 'during the outage' },
      }),
      gw.request('GET', `${API}/messages/${ids[0]}`),
    ]);
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.body.error.code).toMatch(/^(unavailable|starting)$/);
    }
    await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - downAt))); // the outage itself
    redis = await spawnRedis({ port: redis.port, dir, persist: true });
    const upAt = Date.now();

    const outcomes = await waitFor(
      async () => {
        const all = await Promise.all(ids.map(async (id) => (await gw.request('GET', `${API}/messages/${id}`)).body));
        return all.every((m) => m.status === 'done' || m.status === 'error') ? all : undefined;
      },
      90000,
      'every message to finish',
    );
    const restarted = outcomes.filter((m) => m.status === 'done').length;
    report('redis restarted under 50 messages', {
      outage_ms: upAt - downAt,
      all_finished_after_ms: Date.now() - upAt,
      done: restarted,
      chat_requests: llm.chats().length,
    });
    outcomes.forEach((m, i) => expect(m).toMatchObject({ status: 'done', response: answerTo(`m${i}`) }));
    const users = (await gw.request('GET', `${API}/stats/users?workspace=team&limit=100`)).body.data;
    expect(
      users
        .filter((u: { userId: string }) => u.userId.startsWith('user-'))
        .map((u: { messages: number }) => u.messages),
    ).toEqual(Array(MESSAGES).fill(1));
  });
});
