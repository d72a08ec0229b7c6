/**
 * The TS SDK's HTTP behaviour that a healthy gateway cannot show on demand: retries of 429/503
 * (off by default, waiting as Retry-After / X-RateLimit-Reset say, bounded by maxRetryWaitMs),
 * Idempotency-Key on retried sends, timeouts, connection errors, non-JSON replies, interrupted
 * streams. A local HTTP server speaks the gateway's wire format.
 */
import { OpenClaw, OpenClawError, retryDelayMs } from '../../sdk/typescript/src/index';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface FakeServer {
  url: string;
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

/** A real local HTTP server standing in for a gateway in states a healthy one cannot show on demand. */
async function startFakeServer(handler: (req: { path: string }, res: ServerResponse) => void): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      requests.push({ path, headers: req.headers });
      handler({ path }, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const RESULT = { messageId: 'msg_1', response: 'ok', tokensUsed: 3, latencyMs: 1, sessionId: 'sess_1', toolsInvoked: [], finishReason: 'stop' };
const busy = (status: 429 | 503, headers: Record<string, string>) => ({
  status,
  body: { error: { code: status === 429 ? 'rate_limited' : 'starting', message: 'later' } },
  headers: { 'x-request-id': `req_${status}`, ...headers },
});

describe('SDK retries and transport errors (TypeScript)', () => {
  let server: FakeServer;
  /** Replies the fake gives, in order; the last one repeats. */
  let script: Array<{ status: number; body: unknown; headers?: Record<string, string> }>;
  let dropWithId = false;
  const resumedWith: string[] = [];
  const requestsHeader = (path: string) => server.requests.filter((r) => r.path === path).at(-1)?.headers['last-event-id'];
  beforeAll(async () => {
    server = await startFakeServer((req, res) => {
      if (req.path === '/api/v1/slow') return void setTimeout(() => sendJson(res, 200, {}), 2000);
      if (req.path === '/api/v1/not-json') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy</html>');
      if (req.path === '/api/v1/messages/msg_drop/stream') {
        resumedWith.push(String(requestsHeader(req.path)));
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('id: 2-0\ndata: {"type":"token","content":"lo"}\n\n');
        return void res.end('id: 3-0\ndata: {"type":"done","messageId":"msg_drop","tokensUsed":2,"latencyMs":1,"sessionId":"sess_1","finishReason":"stop","toolsInvoked":[]}\n\n');
      }
      if (req.path === '/api/v1/messages/stream' && dropWithId) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-message-id': 'msg_drop' });
        // The first event arrives, then the connection is lost mid-stream.
        return void res.write(': heartbeat\n\nid: 1-0\ndata: {"type":"token","content":"Hel"}\n\n', () => setTimeout(() => res.socket?.destroy(), 20));
      }
      if (req.path === '/api/v1/messages/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('id: 1-0\ndata: {"type":"token","content":"Hel"}\n\n');
        return void res.end(); // dropped before done, and no message id to resume with
      }
      const next = script.length > 1 ? script.shift()! : script[0];
      sendJson(res, next.status, next.body, next.headers);
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('does not retry unless maxRetries is set', async () => {
    script = [busy(503, { 'retry-after': '0' }), { status: 200, body: RESULT }];
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k' });
    const err = await client.messages.send({ workspace: 'team', userId: 'u', message: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenClawError);
    expect(err).toMatchObject({ status: 503, code: 'starting', message: 'later', requestId: 'req_503' });
    expect(err.headers['retry-after']).toBe('0');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].headers['idempotency-key']).toBeUndefined();
  });

  it('retries 503 then 429 and sends one Idempotency-Key on every attempt', async () => {
    script = [busy(503, { 'retry-after': '0' }), busy(429, { 'retry-after': '0', 'x-ratelimit-reset': '0' }), { status: 200, body: RESULT }];
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k', maxRetries: 2 });
    await expect(client.messages.send({ workspace: 'team', userId: 'u', message: 'hi' })).resolves.toEqual(RESULT);
    expect(server.requests).toHaveLength(3);
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^sdk_[0-9a-f]{32}$/);
    expect(new Set(keys).size).toBe(1);
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer k')).toBe(true);
  });

  it('gives up after maxRetries with the last error', async () => {
    script = [busy(429, { 'retry-after': '0' })];
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k', maxRetries: 2 });
    await expect(client.workspaces.list()).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    expect(server.requests).toHaveLength(3);
  });

  it('throws instead of waiting longer than maxRetryWaitMs', async () => {
    script = [busy(429, { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) })];
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k', maxRetries: 5, maxRetryWaitMs: 1000 });
    await expect(client.stats.get()).rejects.toMatchObject({ status: 429 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry other errors', async () => {
    script = [{ status: 500, body: { error: { code: 'internal_error', message: 'boom' } } }];
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k', maxRetries: 3 });
    await expect(client.sessions.get('sess_x')).rejects.toMatchObject({ status: 500, code: 'internal_error', message: 'boom' });
    expect(server.requests).toHaveLength(1);
  });

  it('computes the wait from Retry-After (seconds or date), else X-RateLimit-Reset, else backoff', () => {
    const now = 1_746_005_000_000;
    expect(retryDelayMs({ 'retry-after': '2' }, 0, now)).toBe(2000);
    expect(retryDelayMs({ 'retry-after': new Date(now + 5000).toUTCString() }, 0, now)).toBe(5000);
    expect(retryDelayMs({ 'x-ratelimit-reset': '1746005400' }, 0, now)).toBe(400_000);
    expect(retryDelayMs({ 'retry-after': '1', 'x-ratelimit-reset': '1746005400' }, 0, now)).toBe(1000);
    expect(retryDelayMs({ 'x-ratelimit-reset': '1746004000' }, 0, now)).toBe(0);
    expect(retryDelayMs({}, 0, now)).toBe(500);
    expect(retryDelayMs({}, 3, now)).toBe(4000);
  });

  it('times out with code timeout, and reports unreachable gateways as connection_error', async () => {
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k', timeoutMs: 100 });
    await expect((client as any).http.json('GET', '/slow')).rejects.toMatchObject({ status: 0, code: 'timeout' });
    const down = new OpenClaw({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    const err = await down.health().catch((e) => e);
    expect(err).toBeInstanceOf(OpenClawError);
    expect(err).toMatchObject({ status: 0, code: 'connection_error', requestId: null, headers: {} });
  });

  it('rejects a reply that is not JSON with invalid_response', async () => {
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k' });
    await expect((client as any).http.json('GET', '/not-json')).rejects.toMatchObject({ status: 200, code: 'invalid_response' });
  });

  it('reports a stream that ends before done as stream_interrupted, after yielding what came', async () => {
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k' });
    const tokens: string[] = [];
    const stream = client.messages.stream({ workspace: 'team', userId: 'u', message: 'hi' });
    const err = await (async () => {
      for await (const t of stream) tokens.push(t);
    })().catch((e) => e);
    expect(tokens).toEqual(['Hel']);
    expect(err).toMatchObject({ status: 0, code: 'stream_interrupted' });
    expect(stream.lastEventId).toBe('1-0');
  });

  it('resumes a dropped stream from the last event id when the message id is known', async () => {
    dropWithId = true;
    try {
      const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k' });
      const stream = client.messages.stream({ workspace: 'team', userId: 'u', message: 'hi' });
      const tokens: string[] = [];
      for await (const t of stream) tokens.push(t);
      expect(tokens).toEqual(['Hel', 'lo']);
      expect(resumedWith).toEqual(['1-0']);
      expect(stream.done).toMatchObject({ type: 'done', messageId: 'msg_drop' });
      expect(stream.lastEventId).toBe('3-0');
    } finally {
      dropWithId = false;
    }
  });

  it('requires baseUrl and apiKey', () => {
    expect(() => new OpenClaw({ baseUrl: '', apiKey: 'k' })).toThrow(/baseUrl/);
    expect(() => new OpenClaw({ baseUrl: 'http://x', apiKey: '' })).toThrow(/apiKey/);
  });
});
