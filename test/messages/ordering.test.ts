/**
 * Per-session order: messages of one session run one at a time in arrival order (10 concurrent
 * sends leave a history in send order with no interleaving), while different sessions run at
 * the same time (10 sessions are inside the model at once).
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis } from '../helpers/redis';
import { API, eventually, offline } from './helpers';
import { startGatedGateway, type Gate } from './gate';

/** [first event id, last event id] of a message's stream: when it ran. */
async function window(redis: ReturnType<typeof rawRedis>, messageId: string): Promise<[string, string]> {
  const entries = await redis.xrange(`oc:msg:{${messageId}}:ev`, '-', '+');
  return [entries[0][0], entries[entries.length - 1][0]];
}
const idKey = (id: string) => {
  const [ms, seq] = id.split('-').map(BigInt);
  return ms * 1_000_000n + seq;
};

describe('per-session ordering with the offline model', () => {
  let gw: TestGateway;
  const redis = rawRedis();
  beforeAll(async () => {
    gw = await startTestGateway({ config: { workspaces: [{ id: 'team' }], workers: { concurrency: 16 } } });
  });
  afterAll(async () => {
    await gw.close();
    await redis.quit();
  });

  it('10 concurrent sends to one session: one at a time, in arrival order, history not interleaved', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `message number ${i}`);
    const replies = await Promise.all(
      texts.map((message) =>
        gw.request('POST', `${API}/messages`, {
          body: { workspace: 'team', userId: 'orderly', sessionId: 'one-session', message },
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    // Arrival order = the sequence number each message took in its session.
    const records = await Promise.all(replies.map((r) => gw.gateway.ctx.messages.get(r.body.messageId)));
    const arrival = records
      .map((r, i) => ({ seq: r!.seq, text: texts[i], reply: replies[i].body }))
      .sort((a, b) => a.seq - b.seq);
    expect(arrival.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Each ran after the one before had finished: the k-th saw k-1 earlier exchanges.
    arrival.forEach((a, k) => expect(a.reply.response).toBe(offline(a.text, k + 1)));

    const hist = await gw.request('GET', `${API}/sessions/one-session/history?limit=20`);
    expect(hist.body.total).toBe(20);
    expect(hist.body.data.map((t: any) => `${t.role}:${t.messageId}`)).toEqual(
      arrival.flatMap((a) => [`user:${a.reply.messageId}`, `assistant:${a.reply.messageId}`]),
    );

    // Their event streams do not overlap in time: each started after the previous one's done.
    const windows = await Promise.all(arrival.map((a) => window(redis, a.reply.messageId)));
    for (let i = 1; i < windows.length; i++) expect(idKey(windows[i][0]) > idKey(windows[i - 1][1])).toBe(true);
  });

  it('sends awaited one after another (async mode) keep exactly that order', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await gw.request('POST', `${API}/messages`, {
        body: { workspace: 'team', userId: 'queued', sessionId: 'async-session', message: `step ${i}`, async: true },
      });
      expect(r.status).toBe(202);
      ids.push(r.body.messageId);
    }
    await eventually(async () => (await gw.gateway.ctx.messages.get(ids[9]))?.status === 'done');
    const hist = await gw.request('GET', `${API}/sessions/async-session/history?limit=20`);
    expect(hist.body.data.map((t: any) => t.content)).toEqual(
      Array.from({ length: 10 }, (_, i) => [`step ${i}`, offline(`step ${i}`, i + 1)]).flat(),
    );
  });
});

describe('different sessions run in parallel', () => {
  let gate: Gate;
  let gw: TestGateway;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ gate, gw, close } = await startGatedGateway());
  });
  afterAll(() => close());

  it('10 sessions are inside the model at the same time, while a second message of one session waits its turn', async () => {
    const sends = Array.from({ length: 10 }, (_, i) =>
      gw.request('POST', `${API}/messages`, {
        body: { workspace: 'team', userId: `user-${i}`, message: `hello from ${i}` },
      }),
    );
    await eventually(() => gate.waiting() === 10, 10000); // only possible if all 10 run at once
    const later = gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'user-0', message: 'second from 0' },
    });
    const laterId = await eventually(async () => {
      const list = await gw.request('GET', `${API}/sessions?userId=user-0`);
      return list.body.data[0]?.id &&
        (await gw.request('GET', `${API}/sessions/${list.body.data[0].id}`)).body.lastActiveAt
        ? list.body.data[0].id
        : undefined;
    });
    expect(laterId).toMatch(/^sess_/);
    expect(gate.waiting()).toBe(10); // user-0's second message is parked behind its first
    gate.open(true);
    const replies = await Promise.all(sends);
    expect(replies.map((r) => r.body.response)).toEqual(
      Array.from({ length: 10 }, (_, i) => `fake answer to: hello from ${i}`),
    );
    const second = await later;
    expect(second.body.response).toBe('fake answer to: second from 0');
    expect(second.body.sessionId).toBe(replies[0].body.sessionId);
    const hist = await gw.request('GET', `${API}/sessions/${second.body.sessionId}/history`);
    expect(hist.body.data.map((t: any) => t.content)).toEqual([
      'hello from 0',
      'fake answer to: hello from 0',
      'second from 0',
      'fake answer to: second from 0',
    ]);
  });
});
