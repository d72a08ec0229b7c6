/**
 * Messages answered by `openclaw worker` processes (the built CLI) while the gateway in this
 * process runs no workers: the HTTP side only enqueues and follows the Redis Streams, so sync,
 * SSE, async and per-session order all work across processes. Needs `npm run build`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { testRedisEnv } from '../helpers/redis';
import { cleanEnv, startCli, tempDir, type LongRunning } from '../foundation/process';
import { API, eventually, offline, sse } from './helpers';

const CONFIG = { model: 'offline', workspaces: [{ id: 'team' }], workers: { concurrency: 8 } };

describe('messages with `openclaw worker` processes', () => {
  let gw: TestGateway;
  const workers: LongRunning[] = [];

  beforeAll(async () => {
    gw = await startTestGateway({ config: CONFIG, workers: false });
    const dir = tempDir('openclaw-msg-workers-');
    writeFileSync(join(dir, 'openclaw.json'), JSON.stringify(CONFIG));
    for (let i = 0; i < 2; i++) {
      const p = startCli(['worker'], {
        cwd: dir,
        env: cleanEnv({ ...testRedisEnv(), OPENCLAW_STATE_DIR: join(dir, `state${i}`) }),
      });
      workers.push(p);
      await p.waitFor(/Worker running/);
    }
  }, 60000);
  afterAll(async () => {
    for (const w of workers) {
      w.child.kill('SIGTERM');
      await w.exited;
    }
    await gw?.close();
  });

  it('answers synchronously, as a stream and in async mode', async () => {
    const sync = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'remote', message: 'from afar' },
    });
    expect(sync.status).toBe(200);
    expect(sync.body.response).toBe(offline('from afar', 1));

    const streamed = await sse(gw, 'POST', `${API}/messages/stream`, {
      body: { workspace: 'team', userId: 'remote', message: 'stream it' },
    });
    expect(
      streamed.events
        .slice(0, -1)
        .map((e) => e.data.content)
        .join(''),
    ).toBe(offline('stream it', 2));
    expect(streamed.events.at(-1)!.data).toMatchObject({ type: 'done', sessionId: sync.body.sessionId });

    const accepted = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'remote', message: 'later', async: true },
    });
    expect(accepted.status).toBe(202);
    const done = await eventually(async () => {
      const g = await gw.request('GET', `${API}/messages/${accepted.body.messageId}`);
      return g.body.status === 'done' ? g.body : undefined;
    }, 10000);
    expect(done.response).toBe(offline('later', 3));
  });

  it('keeps one session’s order across two worker processes', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `msg ${i}`);
    const replies = await Promise.all(
      texts.map((message) =>
        gw.request('POST', `${API}/messages`, {
          body: { workspace: 'team', userId: 'multi', sessionId: 'cross-process', message },
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    const seqs = await Promise.all(
      replies.map(async (r) => (await gw.gateway.ctx.messages.get(r.body.messageId))!.seq),
    );
    const inOrder = replies.map((r, i) => ({ r: r.body, seq: seqs[i] })).sort((a, b) => a.seq - b.seq);
    inOrder.forEach(({ r }, k) => expect(r.response).toContain(`(turn ${k + 1} of this session`));
    const hist = await gw.request('GET', `${API}/sessions/cross-process/history?limit=20`);
    expect(hist.body.data.map((t: any) => t.messageId)).toEqual(inOrder.flatMap(({ r }) => [r.messageId, r.messageId]));
  });
});
