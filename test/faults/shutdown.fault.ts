/**
 * Fault scenario (6): SIGTERM with open streams. Real `openclaw start` processes on the test
 * Redis, a fake OpenAI server behind a gate (tests decide when answers come):
 * - 10 open streams at SIGTERM: 5 answers come during the grace period (→ `done`), 5 stall
 *   (→ `shutting_down` with messageId and lastEventId); the process exits within grace + 5 s;
 *   a second gateway takes the handed-back jobs and a resume there with Last-Event-ID completes
 *   each answer; nothing is left active in the queue.
 * - An `openclaw worker` stopped mid-answer hands its job back; another worker finishes it.
 * - The same stop with Redis already gone: the process still exits within grace + 5 s.
 */
import { spawnRedis } from '../../server/embedded-redis';
import { startFakeOpenAI } from '../fakes/openai';
import type { FakeLlm } from '../fakes/llm-script';
import { startGate, type Gate } from '../messages/gate';
import { parseSse, type SseEvent } from '../messages/helpers';
import { alive } from '../foundation/process';
import { flushTestDb, rawRedis } from '../helpers/redis';
import { API, API_KEY, api, startCliGateway, type CliGateway } from './cli-gateway';

const GRACE_MS = 3000;

/** Streams whose message starts with "stall" send two words, then hang — on their first run only. */
function stallingFake(): Promise<FakeLlm> {
  const stalled = new Set<string>();
  return startFakeOpenAI({
    fallback: (req) => {
      const msgs: Array<{ role: string; content: string }> = req.body?.messages ?? [];
      const text = String([...msgs].reverse().find((m) => m.role === 'user')?.content ?? '');
      if (text.startsWith('stall') && !stalled.has(text)) {
        stalled.add(text);
        return { stallAfter: 'Half an' };
      }
      return { text: `answer to ${text}` };
    },
  });
}

function openStream(base: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  let text = '';
  const res = fetch(base + API + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const ended = res.then(async (r) => {
    const reader = r.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (let c = await reader.read(); !c.done; c = await reader.read())
        text += decoder.decode(c.value, { stream: true });
    } catch {
      /* cut: the events so far tell */
    }
    return parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2));
  });
  return { res, ended };
}

const providers = (gate: Gate) => ({
  providers: { fake: { type: 'openai-compatible', baseUrl: `${gate.url}/v1`, apiKey: 'sk-test', retries: 0 } },
  model: 'fake-model',
});

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('(6) SIGTERM with open streams', () => {
  let llm: FakeLlm;
  let gate: Gate;
  const started: CliGateway[] = [];
  beforeAll(async () => {
    await flushTestDb();
    llm = await stallingFake();
    gate = await startGate(llm.url);
  });
  afterAll(async () => {
    for (const g of started) if (alive(g.pid)) g.proc.child.kill('SIGKILL');
    gate.open(true);
    await gate.close();
    await llm.close();
  });

  it('each stream gets done or a resumable shutting_down; exit within grace + 5 s; a second gateway completes the answers', async () => {
    const config = { ...providers(gate), shutdown: { graceMs: GRACE_MS } };
    const g1 = await startCliGateway(config);
    started.push(g1);
    const streams = Array.from({ length: 10 }, (_, i) => {
      const message = i < 5 ? `stall ${i}` : `quick ${i}`;
      return {
        message,
        ...openStream(g1.url, '/messages/stream', { workspace: 'team', userId: `user-${i}`, message }),
      };
    });
    await until(() => gate.waiting() === 10, 20000, 'all 10 messages running in the first gateway');
    const g2 = await startCliGateway(config);
    started.push(g2);

    const t0 = Date.now();
    g1.proc.child.kill('SIGTERM');
    await g1.proc.waitFor(/SIGTERM: shutting down/);
    gate.open(true); // the quick ones answer during the grace period; the stalling ones send two words and hang
    const results = await Promise.all(streams.map((s) => s.ended));
    const code = await g1.proc.exited;
    const exitMs = Date.now() - t0;

    const finals = results.map((evs) => evs[evs.length - 1]?.data);
    const done = finals.filter((f) => f?.type === 'done');
    const cut = finals.filter((f) => f?.code === 'shutting_down');
    process.stdout.write(
      `(6) SIGTERM with 10 open streams, grace ${GRACE_MS} ms: ${done.length} done, ${cut.length} shutting_down; process exited ${exitMs} ms after SIGTERM (code ${code})\n`,
    );
    if (done.length !== 5 || code !== 0) process.stdout.write(`first gateway's output:\n${g1.proc.output()}\n`);
    expect(done.length + cut.length).toBe(10);
    expect(done.length).toBe(5);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(GRACE_MS + 5000);
    expect(alive(g1.pid)).toBe(false);
    await expect(fetch(`${g1.url}/healthz`)).rejects.toThrow();

    // Resume each cut stream on the second gateway, from the last event it got.
    const resumeStarted = Date.now();
    for (let i = 0; i < 10; i++) {
      const final = finals[i];
      if (final.type === 'done') continue;
      const lastReal = results[i].filter((e: SseEvent) => e.id !== null).pop();
      expect(final).toMatchObject({ messageId: expect.stringMatching(/^msg_/), lastEventId: lastReal?.id ?? '0' });
      const rest = await openStream(g2.url, `/messages/${final.messageId}/stream`, undefined, {
        'Last-Event-ID': final.lastEventId,
      }).ended;
      expect(rest[rest.length - 1].data).toMatchObject({ type: 'done', messageId: final.messageId });
      const stored = await api(g2.url, 'GET', `/messages/${final.messageId}`);
      expect(stored.body).toMatchObject({ status: 'done', response: `answer to ${streams[i].message}` });
    }
    process.stdout.write(
      `(6) the ${cut.length} cut streams resumed on a second gateway and completed in ${Date.now() - resumeStarted} ms\n`,
    );
    const redis = rawRedis();
    expect(await redis.llen('{oc:messages}:messages:active')).toBe(0);
    await redis.quit();
    g2.proc.child.kill('SIGTERM');
    expect(await g2.proc.exited).toBe(0);
  });

  it('an `openclaw worker` stopped mid-answer hands its job back: another worker finishes it, the open stream ends with done', async () => {
    await flushTestDb();
    const config = { ...providers(gate), shutdown: { graceMs: GRACE_MS } };
    const http = await startCliGateway({ ...config, workers: { enabled: false } });
    const w1 = await startCliGateway(config, 'worker');
    started.push(http, w1);
    const before = llm.chats().length;
    const stream = openStream(http.url, '/messages/stream', {
      workspace: 'team',
      userId: 'worker-stop',
      message: 'stall in a worker',
    });
    await until(() => llm.chats().length === before + 1, 20000, 'the first worker running the message');
    const w2 = await startCliGateway(config, 'worker');
    started.push(w2);
    const t0 = Date.now();
    w1.proc.child.kill('SIGTERM');
    const code = await w1.proc.exited;
    const exitMs = Date.now() - t0;
    const events = await stream.ended;
    const tokens = events
      .filter((e) => e.data.type === 'token')
      .map((e) => e.data.content)
      .join('');
    process.stdout.write(
      `(6) openclaw worker SIGTERMed mid-answer, grace ${GRACE_MS} ms: exited ${exitMs} ms after SIGTERM (code ${code}); the stream ended with ${events[events.length - 1].data.type} after ${Date.now() - t0} ms\n`,
    );
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(GRACE_MS + 5000);
    expect(events[events.length - 1].data).toMatchObject({ type: 'done' });
    expect(tokens.endsWith('answer to stall in a worker')).toBe(true); // the second attempt, whole
    const stored = await api(http.url, 'GET', `/messages/${events[events.length - 1].data.messageId}`);
    expect(stored.body).toMatchObject({ status: 'done', response: 'answer to stall in a worker' });
    for (const p of [http, w2]) p.proc.child.kill('SIGTERM');
    expect(await http.proc.exited).toBe(0);
    expect(await w2.proc.exited).toBe(0);
  });

  it('exits within grace + 5 s when Redis is already gone', async () => {
    const own = await spawnRedis({ persist: false, say: () => undefined });
    const g = await startCliGateway({ ...providers(gate), shutdown: { graceMs: GRACE_MS } }, 'start', own.url);
    started.push(g);
    const before = llm.chats().length;
    const streams = Array.from({ length: 3 }, (_, i) =>
      openStream(g.url, '/messages/stream', { workspace: 'team', userId: `gone-${i}`, message: `stall gone ${i}` }),
    );
    await until(
      async () => (await api(g.url, 'GET', '/health')).body.status === 'ok' && llm.chats().length >= before + 3,
      20000,
      'the three messages running',
    );
    own.child.kill('SIGKILL');
    await own.stop();
    const t0 = Date.now();
    g.proc.child.kill('SIGTERM');
    await Promise.all(streams.map((s) => s.ended));
    const code = await g.proc.exited;
    const exitMs = Date.now() - t0;
    process.stdout.write(
      `(6) SIGTERM with Redis already gone, grace ${GRACE_MS} ms: exited ${exitMs} ms after SIGTERM (code ${code})\n`,
    );
    expect(exitMs).toBeLessThan(GRACE_MS + 5000);
    expect(code).toBe(0);
  });
});
