/**
 * Graceful stop of a real gateway (gateway.close(), what SIGTERM runs): requests arriving during
 * the drain get 503 `shutting_down` with Connection: close; a stream that finishes within the
 * grace period gets its `done`; one still open at the end gets a resumable `shutting_down` error
 * (messageId + lastEventId); a waiting request gets 503 with its messageId; unfinished jobs go back
 * to the queue, and a second gateway finishes them, the stream resuming there with Last-Event-ID.
 */
import { connect } from 'node:net';
import { startGate, type Gate } from './gate';
import { startFakeOpenAI } from '../fakes/openai';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { API, eventually, parseSse, sse, type SseEvent } from './helpers';
import type { FakeLlm } from '../fakes/llm-script';

/** A stream read as it arrives. */
function openStream(gw: TestGateway, body: unknown) {
  let text = '';
  const res = fetch(`${gw.url}${API}/messages/stream`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const ended = res.then(async (r) => {
    const reader = r.body!.getReader();
    const decoder = new TextDecoder();
    for (let c = await reader.read(); !c.done; c = await reader.read())
      text += decoder.decode(c.value, { stream: true });
    return parseSse(text);
  });
  return { res, ended, events: (): SseEvent[] => parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2)) };
}

/** A request sent on a connection opened before the drain began (new connections are refused then). */
async function requestOnOpenConnection(port: number, open: () => Promise<void>): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  await open();
  let raw = '';
  socket.on('data', (b: Buffer) => (raw += b.toString()));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await closed;
  return raw;
}

describe('graceful stop', () => {
  let llm: FakeLlm;
  let gate: Gate;
  let a: TestGateway;
  let b: TestGateway | undefined;
  const config = () => ({
    workspaces: [{ id: 'team' }],
    providers: {
      fake: {
        type: 'openai-compatible',
        baseUrl: `${gate.url}/v1`,
        apiKey: 'sk-test',
        retries: 0,
        retryBaseDelayMs: 1,
      },
    },
    model: 'fake-model',
    shutdown: { graceMs: 2000 },
  });
  beforeAll(async () => {
    llm = await startFakeOpenAI();
    gate = await startGate(llm.url);
    a = await startTestGateway({ config: config() });
  });
  afterAll(async () => {
    gate.open(true);
    await b?.close();
    await a.close();
    await gate.close();
    await llm.close();
  });

  it('drains: done within the grace period, shutting_down after it, 503 for new requests, jobs handed to another gateway', async () => {
    // s1 streams two words, then its model stalls (still running when the grace period ends).
    const port = Number(new URL(a.url).port);
    llm.reply({ stallAfter: 'Half an' });
    const s1 = openStream(a, { workspace: 'team', userId: 'u1', message: 'first' });
    await eventually(() => gate.waiting() === 1);
    gate.open();
    await eventually(() => s1.events().length === 2);
    // A synchronous request whose answer does not come within the grace period either.
    llm.reply({ stallAfter: 'Wait' });
    const w3 = a.request('POST', `${API}/messages`, { body: { workspace: 'team', userId: 'u3', message: 'third' } });
    await eventually(() => gate.waiting() === 1);
    gate.open();
    await eventually(() => llm.chats().length === 2);
    // s2 is held at the gate when the stop begins, and answers during the grace period.
    const s2 = openStream(a, { workspace: 'team', userId: 'u2', message: 'second' });
    await eventually(() => gate.waiting() === 1);

    let closing: ReturnType<typeof a.gateway.close> | undefined;
    const refused = await requestOnOpenConnection(port, () => {
      closing = a.gateway.close();
      return Promise.resolve();
    });
    expect(refused).toMatch(/^HTTP\/1\.1 503 /);
    expect(refused).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'shutting_down', message: expect.any(String) },
    });
    // New connections are not accepted any more.
    await expect(fetch(`${a.url}/healthz`)).rejects.toThrow();

    llm.reply({ text: 'second answer' });
    gate.open();
    const s2Events = await s2.ended;
    expect(s2Events[s2Events.length - 1].data).toMatchObject({ type: 'done' });

    const s1Events = await s1.ended;
    const tokens1 = s1Events.filter((e) => e.data.type === 'token');
    const last = s1Events[s1Events.length - 1];
    const messageId = (await s1.res).headers.get('x-message-id')!;
    expect(last.id).toBeNull(); // not a stream entry: the client's Last-Event-ID stays the last real one
    expect(last.data).toEqual({
      type: 'error',
      code: 'shutting_down',
      message: expect.stringContaining('resume'),
      messageId,
      lastEventId: tokens1[tokens1.length - 1].id,
    });

    const r3 = await w3;
    expect(r3.status).toBe(503);
    expect(r3.body.error).toMatchObject({ code: 'shutting_down', messageId: expect.stringMatching(/^msg_/) });
    const report = await closing!;
    expect(report).toMatchObject({ finished: expect.any(Number), cut: expect.any(Number), stuck: 0 });
    expect(report!.cut).toBeGreaterThanOrEqual(3); // s1, w3 and the worker with their two jobs

    // The two unfinished messages were handed back, not failed: a second gateway answers them.
    gate.open(true);
    b = await startTestGateway({ flush: false, config: config() });
    const resumed = await sse(b, 'GET', `${API}/messages/${messageId}/stream`, {
      headers: { 'Last-Event-ID': last.data.lastEventId },
    });
    expect(resumed.status).toBe(200);
    const end = resumed.events[resumed.events.length - 1].data;
    expect(end).toMatchObject({ type: 'done', messageId });
    expect(resumed.events.every((e) => e.id !== null && e.id > last.data.lastEventId)).toBe(true);
    const stored = await b.request('GET', `${API}/messages/${messageId}`);
    expect(stored.body).toMatchObject({ status: 'done', response: 'fake answer to: first' });
    const third = await eventually(async () => {
      const r = await b!.request('GET', `${API}/messages/${r3.body.error.messageId}`);
      return r.body.status === 'done' && r.body;
    }, 15000);
    expect(third.response).toBe('fake answer to: third');
  });
});
