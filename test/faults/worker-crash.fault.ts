/**
 * Workers die mid-message (SIGKILL: no cleanup). Every message still ends exactly once:
 *  - killed once: another worker takes the message over within 15 s, the stream announces a
 *    `restart`, and the answer, the session turn, the stats and message.sent happen once;
 *  - killed twice (BullMQ's stall limit fails the job): the message ends as `worker_failed`,
 *    error.agent goes out, and the session is released: its next messages answer;
 *  - killed right after the outcome was stored (a failpoint): the recorded message.sent is still
 *    delivered, once, and the agent does not run again.
 * Needs `npm run build` (npm run test:faults does it).
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis } from '../helpers/redis';
import type { FakeLlm } from '../fakes/llm-script';
import type { Receiver } from '../webhooks/receiver';
import { parseSse } from '../messages/helpers';
import { OpenClaw } from '../../sdk/typescript/src/index';
import {
  API,
  fakeUpstream,
  report,
  subscribedReceiver,
  upstreamConfig,
  waitFor,
  workerPool,
  type WorkerPool,
} from './harness';

describe('workers killed mid-message', () => {
  let llm: FakeLlm;
  let gw: TestGateway;
  let rx: Receiver;
  let pool: WorkerPool;
  const redis = rawRedis();

  beforeAll(async () => {
    llm = await fakeUpstream();
    gw = await startTestGateway({ config: upstreamConfig(llm), workers: false });
    rx = await subscribedReceiver(gw);
  });
  beforeEach(() => {
    pool = workerPool(upstreamConfig(llm));
    rx.reset();
  });
  afterEach(() => pool.stop());
  afterAll(async () => {
    await redis.quit();
    await rx?.close();
    await gw?.close();
    await llm?.close();
  });

  const send = async (userId: string, message: string, sessionId?: string) => {
    const res = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId, message, async: true, ...(sessionId ? { sessionId } : {}) },
    });
    expect(res.status).toBe(202);
    return res.body.messageId as string;
  };
  const get = async (id: string) => (await gw.request('GET', `${API}/messages/${id}`)).body;
  const finished = (id: string, timeoutMs: number) =>
    waitFor(
      async () => {
        const m = await get(id);
        return m.status === 'done' || m.status === 'error' ? m : undefined;
      },
      timeoutMs,
      `message ${id} to finish`,
    );
  /** Waits until the model has been asked `n` times in all and the stream holds a first token. */
  const running = async (id: string, chats: number) => {
    await waitFor(() => llm.chats().length >= chats, 20000, `${chats} chat requests`);
    await waitFor(async () => (await redis.xlen(`oc:msg:{${id}}:ev`)) >= 1, 20000, 'a first token in the stream');
  };
  const replay = async (id: string) =>
    parseSse((await gw.request('GET', `${API}/messages/${id}/stream`)).text).map((e) => e.data);
  const sentFor = (id: string) => rx.accepted.filter((a) => a.event === 'message.sent' && a.data.messageId === id);

  it('killed once: taken over within 15 s, a restart event in the stream, everything counted once', async () => {
    const chatsBefore = llm.chats().length;
    llm.reply({ stallAfter: 'A first attempt that never ends' });
    const w1 = await pool.add();
    const id = await send('once', 'survive a crash');
    await running(id, chatsBefore + 1);
    await pool.add();
    const killedAt = Date.now();
    await pool.kill(w1);

    await waitFor(() => llm.chats().length >= chatsBefore + 2, 30000, 'the takeover');
    const takeoverMs = Date.now() - killedAt;
    const done = await finished(id, 30000);
    report('worker killed once', { takeover_ms: takeoverMs, answered_after_ms: Date.now() - killedAt });
    expect(takeoverMs).toBeLessThanOrEqual(15000);
    expect(done).toMatchObject({ status: 'done', response: 'fake answer to: survive a crash' });

    const events = await replay(id);
    const restart = events.findIndex((e) => e.type === 'restart');
    expect(events[restart]).toEqual({ type: 'restart', attempt: 2 });
    // Before the restart: what the dead attempt streamed (a prefix of its words), nothing else.
    expect(restart).toBeGreaterThan(0);
    expect(events.slice(0, restart).every((e) => e.type === 'token')).toBe(true);
    expect('A first attempt that never ends').toContain(
      events
        .slice(0, restart)
        .map((e) => e.content)
        .join('')
        .trim(),
    );
    expect(
      events
        .slice(restart + 1, -1)
        .map((e) => e.content)
        .join(''),
    ).toBe(done.response);
    expect(events.at(-1)).toMatchObject({ type: 'done', messageId: id });
    // The SDK reads the same stream and keeps only the new attempt's text.
    const client = new OpenClaw({ apiKey: gw.adminKey, baseUrl: gw.url });
    expect((await client.messages.resume(id).final()).text).toBe(done.response);

    await rx.waitFor(() => sentFor(id).length >= 1, 15000, 'message.sent');
    const history = (await gw.request('GET', `${API}/sessions/${done.sessionId}/history`)).body;
    expect(history.data.map((t: { role: string; content: string }) => [t.role, t.content])).toEqual([
      ['user', 'survive a crash'],
      ['assistant', 'fake answer to: survive a crash'],
    ]);
    const stats = (await gw.request('GET', `${API}/stats/users?workspace=team`)).body;
    expect(stats.data.find((u: { userId: string }) => u.userId === 'once')).toMatchObject({ messages: 1 });
    expect(sentFor(id)).toHaveLength(1);
  });

  it('killed twice: the message ends as worker_failed and its session answers again', async () => {
    const chatsBefore = llm.chats().length;
    llm.reply({ stallAfter: 'first try' }, { stallAfter: 'second try' });
    const w1 = await pool.add();
    const m1 = await send('twice', 'doomed', 'wedge-session');
    const m2 = await send('twice', 'next in line', 'wedge-session');
    await running(m1, chatsBefore + 1);
    const w2 = await pool.add();
    await pool.kill(w1);
    await waitFor(() => llm.chats().length >= chatsBefore + 2, 30000, 'the first takeover');
    await pool.add();
    const killedAt = Date.now();
    await pool.kill(w2);

    const failed = await finished(m1, 45000);
    const failedAfter = Date.now() - killedAt;
    const answered = await finished(m2, 30000);
    report('worker killed twice', { failed_after_ms: failedAfter, next_answered_after_ms: Date.now() - killedAt });
    expect(failed).toMatchObject({ status: 'error', error: { code: 'worker_failed' } });
    expect((await replay(m1)).at(-1)).toMatchObject({ type: 'error', code: 'worker_failed' });
    expect(answered).toMatchObject({ status: 'done', response: 'fake answer to: next in line' });

    const errors = await rx.waitFor(
      (a) => a.some((e) => e.event === 'error.agent' && e.data.messageId === m1),
      15000,
      'error.agent',
    );
    expect(errors.filter((e) => e.event === 'error.agent' && e.data.messageId === m1)).toHaveLength(1);
    const m3 = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'twice', sessionId: 'wedge-session', message: 'still there?' },
    });
    expect(m3.status).toBe(200);
    expect(m3.body.response).toBe('fake answer to: still there?');
  });

  it('killed right after storing the answer: message.sent is still delivered, once, without running the agent again', async () => {
    const chatsBefore = llm.chats().length;
    const doomed = await pool.add({ OPENCLAW_FAILPOINTS: 'message.finished' });
    const id = await send('outbox', 'remember to tell them', 'outbox-session');
    await doomed.exited;
    const stored = await get(id);
    expect(stored.status).toBe('done'); // the outcome was stored before the crash
    const crashedAt = Date.now();
    await pool.add();

    await rx.waitFor(() => sentFor(id).length >= 1, 30000, 'message.sent after the crash');
    const [sent] = sentFor(id);
    report('crash after storing the answer', { delivered_after_ms: Date.now() - crashedAt });
    const recorded = JSON.parse((await redis.hget(`oc:msg:{${id}}`, 'event'))!);
    expect(sent.body).toEqual({
      id: recorded.id,
      event: 'message.sent',
      timestamp: recorded.timestamp,
      data: recorded.data,
    });
    expect(sent.data).toMatchObject({ messageId: id, response: 'fake answer to: remember to tell them' });
    expect(llm.chats().length).toBe(chatsBefore + 1);

    const next = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'outbox', sessionId: 'outbox-session', message: 'and then?' },
    });
    expect(next.status).toBe(200);
    expect(sentFor(id)).toHaveLength(1);
  });
});
