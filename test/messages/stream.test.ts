/**
 * POST /api/v1/messages/stream and GET /api/v1/messages/{id}/stream: the contract's SSE lines with
 * an id per event, the contract's JavaScript client run unchanged, resuming a dropped stream with
 * Last-Event-ID or ?after=, heartbeats, and a client that leaves without cancelling the answer.
 */
import { runInNewContext } from 'node:vm';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { API, captureEvents, captureFinished, eventually, offline, parseSse, sse } from './helpers';
import { startGatedGateway, type Gate } from './gate';

const DONE_KEYS = [
  'type',
  'messageId',
  'tokensUsed',
  'latencyMs',
  'sessionId',
  'finishReason',
  'toolsInvoked',
  'model',
  'tokensIn',
  'tokensOut',
  'costUSD',
].sort();
const ENTRY_ID = /^\d+-\d+$/;

/** The contract's JavaScript client example, verbatim. */
const CONTRACT_CLIENT = `async function streamMessage(message) {
const res = await fetch('/api/v1/messages/stream', {
method: 'POST',
headers: {
'Authorization': \`Bearer \${process.env.OPENCLAW_API_KEY}\`,
'Content-Type': 'application/json'
},
body: JSON.stringify({
workspace: 'team',
userId: 'api-user',
message
})
});
const reader = res.body.getReader();
const decoder = new TextDecoder();
let buffer = '';
while (true) {
const { done, value } = await reader.read();
if (done) break;
buffer += decoder.decode(value, { stream: true });
const lines = buffer.split('\\n');
buffer = lines.pop(); // keep incomplete line in buffer
for (const line of lines) {
if (!line.startsWith('data: ')) continue;
const data = JSON.parse(line.slice(6));
if (data.type === 'token') process.stdout.write(data.content);
if (data.type === 'done') console.log('\\n\\nDone:', data.tokensUsed, 'tokens');
}
}
}
streamMessage('Explain Docker networking in 3 paragraphs');`;

describe('streaming with the offline model', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ config: { workspaces: [{ id: 'team' }, { id: 'other' }] } });
  });
  afterAll(async () => {
    await gw.close();
  });
  const stream = (body: unknown, o: { key?: string; headers?: Record<string, string> } = {}) =>
    sse(gw, 'POST', `${API}/messages/stream`, { body, ...o });

  it('sends exactly `id:` + `data: {json}` per event: tokens in order, then done', async () => {
    const res = await stream({
      workspace: 'team',
      userId: 'spec-writer',
      message: 'Write a detailed technical spec for a REST API',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(res.headers.get('x-ratelimit-limit')).not.toBeNull();
    // The whole body is a sequence of `id: <entry id>\ndata: <json>\n\n` blocks.
    expect(res.text).toMatch(/^(id: \d+-\d+\ndata: \{[^\n]*\}\n\n)+$/);
    const evs = res.events;
    const answer = offline('Write a detailed technical spec for a REST API', 1);
    const tokens = evs.slice(0, -1);
    expect(tokens.every((e) => Object.keys(e.data).join() === 'type,content' && e.data.type === 'token')).toBe(true);
    expect(tokens.map((e) => e.data.content).join('')).toBe(answer);
    expect(tokens[0].data.content).toBe('[offline');
    expect(tokens[1].data.content).toBe(' model]');
    const done = evs[evs.length - 1].data;
    expect(Object.keys(done).sort()).toEqual(DONE_KEYS);
    expect(done).toMatchObject({
      type: 'done',
      finishReason: 'stop',
      toolsInvoked: [],
      model: 'offline',
      tokensOut: tokens.length,
    });
    expect(done.tokensUsed).toBe(done.tokensIn + done.tokensOut);
    expect(res.headers.get('x-message-id')).toBe(done.messageId);
    // Ids: stream entry ids, strictly increasing.
    const ids = evs.map((e) => e.id!);
    expect(ids.every((id) => ENTRY_ID.test(id))).toBe(true);
    expect(
      [...ids].sort((a, b) =>
        BigInt(a.split('-')[0]) * 100000n + BigInt(a.split('-')[1]) <
        BigInt(b.split('-')[0]) * 100000n + BigInt(b.split('-')[1])
          ? -1
          : 1,
      ),
    ).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);

    // The streamed message is stored like any other.
    const got = await gw.request('GET', `${API}/messages/${done.messageId}`);
    expect(got.body).toMatchObject({ status: 'done', response: answer, tokensUsed: done.tokensUsed });
  });

  it('works with the contract’s JavaScript client, unchanged', async () => {
    const out: string[] = [];
    const logs: unknown[][] = [];
    const sandbox = {
      // A browser resolves '/api/v1/…' against the page; here the page is the gateway.
      fetch: (url: string, init: RequestInit) => fetch(new URL(url, gw.url), init),
      TextDecoder,
      process: { env: { OPENCLAW_API_KEY: gw.adminKey }, stdout: { write: (s: string) => out.push(s) } },
      console: { log: (...a: unknown[]) => logs.push(a) },
    };
    await runInNewContext(CONTRACT_CLIENT, sandbox);
    expect(out.join('')).toBe(offline('Explain Docker networking in 3 paragraphs', 1));
    expect(logs).toHaveLength(1);
    expect(logs[0][0]).toBe('\n\nDone:');
    expect(logs[0][2]).toBe('tokens');
    expect(logs[0][1]).toBe(out.length + 6); // tokensUsed = tokensIn (6 words) + tokensOut (one per token)
  });

  it('replays and resumes: Last-Event-ID or ?after= gives exactly the events after it', async () => {
    const full = await stream({ workspace: 'team', userId: 'resumer', message: 'resume me please' });
    const messageId = full.events[full.events.length - 1].data.messageId;
    const cut = full.events[4].id!;
    const byHeader = await sse(gw, 'GET', `${API}/messages/${messageId}/stream`, { headers: { 'last-event-id': cut } });
    expect(byHeader.status).toBe(200);
    expect(byHeader.events).toEqual(full.events.slice(5));
    const byQuery = await sse(gw, 'GET', `${API}/messages/${messageId}/stream?after=${cut}`);
    expect(byQuery.events).toEqual(full.events.slice(5));
    const all = await sse(gw, 'GET', `${API}/messages/${messageId}/stream`);
    expect(all.events).toEqual(full.events);
    const afterDone = await sse(
      gw,
      'GET',
      `${API}/messages/${messageId}/stream?after=${full.events[full.events.length - 2].id}`,
    );
    expect(afterDone.events).toEqual(full.events.slice(-1));
  });

  it('resumes a stream the client dropped part-way', async () => {
    const res = await fetch(`${gw.url}${API}/messages/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workspace: 'team', userId: 'dropper', message: 'a few words to drop' }),
    });
    const messageId = res.headers.get('x-message-id')!;
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    const text = new TextDecoder().decode(value);
    const complete = text.slice(0, text.lastIndexOf('\n\n') + 2);
    const seen = parseSse(complete).slice(0, 3);
    await reader.cancel(); // the connection drops
    const rest = await sse(gw, 'GET', `${API}/messages/${messageId}/stream`, {
      headers: { 'last-event-id': seen[seen.length - 1].id! },
    });
    const joined = [...seen, ...rest.events];
    expect(
      joined
        .slice(0, -1)
        .map((e) => e.data.content)
        .join(''),
    ).toBe(offline('a few words to drop', 1));
    expect(joined[joined.length - 1].data).toMatchObject({ type: 'done', messageId });
    expect(new Set(joined.map((e) => e.id)).size).toBe(joined.length);
  });

  describe('errors before the stream starts are JSON', () => {
    it.each([
      ['a bad body', 400, { workspace: 'team', userId: '', message: 'x' }, 'validation_error'],
      ['an unknown field', 400, { workspace: 'team', userId: 'u', message: 'x', extra: 1 }, 'validation_error'],
      [
        '"async" on the stream endpoint',
        400,
        { workspace: 'team', userId: 'u', message: 'x', async: true },
        'validation_error',
      ],
      ['an unknown workspace', 404, { workspace: 'ghost', userId: 'u', message: 'x' }, 'not_found'],
    ])('%s → %i', async (_n, status, body, code) => {
      const res = await stream(body);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(res.text).error.code).toBe(code);
    });

    it('no key → 401, wrong scope → 403', async () => {
      const noKey = await fetch(`${gw.url}${API}/messages/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspace: 'team', userId: 'u', message: 'x' }),
      });
      expect(noKey.status).toBe(401);
      expect((await noKey.json()).error.code).toBe('missing_api_key');
      const other = await gw.createKey({ workspaces: ['other'] });
      const res = await stream({ workspace: 'team', userId: 'u', message: 'x' }, { key: other });
      expect(res.status).toBe(403);
    });

    it('GET …/stream: unknown or invisible message → 404, bad event id → 400', async () => {
      expect((await sse(gw, 'GET', `${API}/messages/msg_nothinghere/stream`)).status).toBe(404);
      const done = await stream({ workspace: 'team', userId: 'hidden', message: 'x' });
      const id = done.events[done.events.length - 1].data.messageId;
      const other = await gw.createKey({ workspaces: ['other'] });
      expect((await sse(gw, 'GET', `${API}/messages/${id}/stream`, { key: other })).status).toBe(404);
      const bad = await sse(gw, 'GET', `${API}/messages/${id}/stream`, { headers: { 'last-event-id': 'yesterday' } });
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.text).error).toMatchObject({ code: 'validation_error', field: 'Last-Event-ID' });
      expect((await sse(gw, 'GET', `${API}/messages/${id}/stream?after=abc`)).status).toBe(400);
    });
  });
});

describe('streaming while the model is still answering', () => {
  let gate: Gate;
  let gw: TestGateway;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ gate, gw, close } = await startGatedGateway({ messages: { heartbeatMs: 50 } }));
  });
  afterAll(() => close());

  it('sends heartbeat comments while waiting, and a client that leaves does not cancel the answer', async () => {
    const events = captureEvents(gw);
    const finished = captureFinished(gw);
    const controller = new AbortController();
    const res = await fetch(`${gw.url}${API}/messages/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workspace: 'team', userId: 'leaver', message: 'Tell me about gates' }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const messageId = res.headers.get('x-message-id')!;
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes(': heartbeat\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text.startsWith(': heartbeat\n\n')).toBe(true); // nothing else yet: the model is held
    await eventually(() => gate.waiting() === 1);
    expect((await gw.request('GET', `${API}/messages/${messageId}`)).body.status).toBe('running');
    controller.abort(); // the client leaves
    await new Promise((r) => setTimeout(r, 100));
    gate.open();

    const done = await eventually(async () => {
      const g = await gw.request('GET', `${API}/messages/${messageId}`);
      return g.body.status === 'done' ? g.body : undefined;
    });
    expect(done.response).toBe('fake answer to: Tell me about gates');
    await eventually(() => events.some((e) => e.event === 'message.sent' && e.data.messageId === messageId));
    expect(finished.filter((f) => f.messageId === messageId)).toHaveLength(1);
    const hist = await gw.request('GET', `${API}/sessions/${done.sessionId}/history`);
    expect(hist.body.data.map((t: any) => t.content)).toEqual([
      'Tell me about gates',
      'fake answer to: Tell me about gates',
    ]);
    // And the whole answer can still be read as a stream.
    const replay = await sse(gw, 'GET', `${API}/messages/${messageId}/stream`);
    expect(
      replay.events
        .slice(0, -1)
        .map((e) => e.data.content)
        .join(''),
    ).toBe('fake answer to: Tell me about gates');
  });
});
