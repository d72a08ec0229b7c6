/**
 * Backpressure on SSE: a client that stops reading stops being fed. The gateway keeps at most
 * messages.streamBufferBytes (plus one event) unsent for it while the Redis stream keeps the rest;
 * when it reads again it gets every event, in order, to `done`. A client that reads nothing for
 * messages.stalledStreamMs is disconnected and resumes with Last-Event-ID.
 */
import type { ServerResponse } from 'node:http';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawEvents, rawSse, type RawStream } from '../helpers/raw-sse';
import { API, eventually, sse } from './helpers';

const CAP = 16384;
/** Long enough that the kernel's socket buffers (a few MB on loopback) cannot take it all: ~7 MB of SSE. */
const WORDS = 40_000;
const message = Array.from({ length: WORDS }, (_, i) => `${'w'.repeat(100)}${i}`).join(' ');

jest.setTimeout(90_000);

describe('backpressure', () => {
  let gw: TestGateway;
  const responses: ServerResponse[] = [];
  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        workspaces: [{ id: 'team' }],
        api: { bodyLimitBytes: 8 * 1024 * 1024 },
        messages: { maxChars: 5_000_000, streamBufferBytes: CAP, stalledStreamMs: 600_000 },
      },
    });
    gw.gateway.app!.server.prependListener('request', (_req, res: ServerResponse) => responses.push(res));
  });
  afterAll(async () => {
    await gw.close();
  });

  const port = () => Number(new URL(gw.url).port);
  const waitDone = (id: string) =>
    eventually(async () => (await gw.request('GET', `${API}/messages/${id}`)).body.status === 'done', 60000);

  async function stalledStream(): Promise<{ stream: RawStream; id: string; res: ServerResponse }> {
    const stream = rawSse(
      port(),
      'POST',
      `${API}/messages/stream`,
      gw.adminKey,
      { workspace: 'team', userId: `reader-${responses.length}`, message },
      { stallAfterHead: true },
    );
    const head = await stream.head;
    expect(head.status).toBe(200);
    return { stream, id: head.headers['x-message-id'], res: responses[responses.length - 1] };
  }

  it('holds at most the cap (plus one event) for a client that stopped reading; it gets everything once it reads', async () => {
    const { stream, id, res } = await stalledStream();
    await waitDone(id);
    // The whole answer is in Redis; the gateway holds only what fits under the cap.
    expect(res.destroyed).toBe(false);
    expect(res.writableLength).toBeGreaterThan(0);
    expect(res.writableLength).toBeLessThan(CAP + 512);
    // /metrics says the same: one open stream, holding exactly those bytes.
    const metrics = (await gw.request('GET', '/metrics')).text;
    expect(metrics).toMatch(/^openclaw_sse_streams 1$/m);
    expect(metrics).toMatch(new RegExp(`^openclaw_sse_unsent_bytes ${res.writableLength}$`, 'm'));
    stream.read();
    await eventually(() => stream.raw().includes('"type":"done"'), 30000);
    const events = rawEvents(stream.raw());
    const done = events[events.length - 1].data;
    expect(done).toMatchObject({ type: 'done', messageId: id });
    const tokens = events.filter((e) => e.data.type === 'token');
    expect(tokens.length).toBe(done.tokensOut);
    const ids = events.map((e) => e.id!);
    expect(ids.every((x, i) => i === 0 || x > ids[i - 1] || x.length > ids[i - 1].length)).toBe(true);
    expect(tokens.map((e) => e.data.content).join('')).toContain(`${'w'.repeat(100)}${WORDS - 1}`);
    stream.socket.destroy();
  });

  it('disconnects a client that reads nothing for stalledStreamMs; it resumes with Last-Event-ID', async () => {
    gw.gateway.ctx.config.messages.stalledStreamMs = 3000; // read by each new stream
    const { stream, id, res } = await stalledStream();
    await new Promise<void>((r) => res.once('close', () => r())); // the gateway gave up on it
    expect(res.writableFinished).toBe(false); // cut, not ended: there is no final event
    // The client reads what reached it before the cut, then sees the connection end.
    stream.read();
    await stream.closed;
    const got = rawEvents(stream.raw());
    expect(got.every((e) => e.data.type === 'token')).toBe(true);
    const last = got.length ? got[got.length - 1].id! : '0';
    const rest = await sse(gw, 'GET', `${API}/messages/${id}/stream`, { headers: { 'Last-Event-ID': last } });
    const all = [...got, ...rest.events];
    const done = all[all.length - 1].data;
    expect(done).toMatchObject({ type: 'done', messageId: id });
    expect(all.filter((e) => e.data.type === 'token').length).toBe(done.tokensOut);
  });
});
