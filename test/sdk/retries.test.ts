/**
 * The TS SDK's HTTP behaviour that a healthy gateway cannot show on demand: retries (2 by
 * default; connection errors, 408, 409, 429, 5xx; waiting as Retry-After / X-RateLimit-Reset say,
 * else backoff with jitter; bounded by maxRetryWaitMs; POST only with an Idempotency-Key),
 * timeouts, connection errors, non-JSON replies, interrupted streams. A local HTTP server speaks
 * the gateway's wire format and counts the requests.
 */
import {
  APIConnectionError,
  APITimeoutError,
  ConflictError,
  InternalServerError,
  OpenClaw,
  OpenClawError,
  RateLimitError,
  retryDelayMs,
} from '../../sdk/typescript/src/index';
import { version as SDK_VERSION } from '../../sdk/typescript/package.json';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface FakeServer {
  url: string;
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

/** A real local HTTP server standing in for a gateway in states a healthy one cannot show on demand. */
async function startFakeServer(
  handler: (req: { path: string; method: string }, res: ServerResponse) => void,
): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      requests.push({ path, headers: req.headers });
      handler({ path, method: req.method ?? 'GET' }, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const RESULT = {
  messageId: 'msg_1',
  response: 'ok',
  tokensUsed: 3,
  latencyMs: 1,
  sessionId: 'sess_1',
  toolsInvoked: [],
  finishReason: 'stop',
};
const busy = (status: 429 | 503, headers: Record<string, string>) => ({
  status,
  body: { error: { code: status === 429 ? 'rate_limited' : 'starting', message: 'later' } },
  headers: { 'x-request-id': `req_${status}`, ...headers },
});

describe('SDK retries and transport errors (TypeScript)', () => {
  let server: FakeServer;
  /** Replies the fake gives, in order; the last one repeats. `drop`: close the connection without a reply. */
  let script: Array<{ status: number; body: unknown; headers?: Record<string, string> } | 'drop'>;
  let dropWithId = false;
  const resumedWith: string[] = [];
  const requestsHeader = (path: string) =>
    server.requests.filter((r) => r.path === path).at(-1)?.headers['last-event-id'];
  beforeAll(async () => {
    server = await startFakeServer((req, res) => {
      if (req.path === '/api/v1/slow') return void setTimeout(() => sendJson(res, 200, {}), 2000);
      if (req.path === '/api/v1/not-json')
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy</html>');
      if (req.path === '/api/v1/messages/msg_drop/stream') {
        resumedWith.push(String(requestsHeader(req.path)));
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('id: 2-0\ndata: {"type":"token","content":"lo"}\n\n');
        return void res.end(
          'id: 3-0\ndata: {"type":"done","messageId":"msg_drop","tokensUsed":2,"latencyMs":1,"sessionId":"sess_1","finishReason":"stop","toolsInvoked":[]}\n\n',
        );
      }
      if (req.path === '/api/v1/messages/stream' && dropWithId) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-message-id': 'msg_drop' });
        // The first event arrives, then the connection is lost mid-stream.
        return void res.write(': heartbeat\n\nid: 1-0\ndata: {"type":"token","content":"Hel"}\n\n', () =>
          setTimeout(() => res.socket?.destroy(), 20),
        );
      }
      if (req.path === '/api/v1/messages/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('id: 1-0\ndata: {"type":"token","content":"Hel"}\n\n');
        return void res.end(); // dropped before done, and no message id to resume with
      }
      const next = script.length > 1 ? script.shift()! : script[0];
      if (next === 'drop') return void res.socket?.destroy();
      sendJson(res, next.status, next.body, next.headers);
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  const send = (client: OpenClaw) => client.messages.send({ workspace: 'team', userId: 'u', message: 'hi' });
  const boom = { status: 500, body: { error: { code: 'internal_error', message: 'boom' } } };

  it('retries twice by default: a server that fails twice (503, 500) is answered on the third request, with one Idempotency-Key', async () => {
    script = [busy(503, { 'retry-after': '0' }), boom, { status: 200, body: RESULT }];
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k' });
    await expect(send(client)).resolves.toEqual(RESULT);
    expect(server.requests).toHaveLength(3);
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^sdk_[0-9a-f]{32}$/);
    expect(new Set(keys).size).toBe(1);
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer k')).toBe(true);
    expect(server.requests[0].headers['user-agent']).toBe(
      `openclaw-typescript/${SDK_VERSION} (node/${process.versions.node})`,
    );
  });

  it('gives up after the default 2 retries with the last error, typed by status', async () => {
    script = [boom, boom, busy(503, { 'retry-after': '0' })];
    const err = await send(new OpenClaw({ baseUrl: server.url, apiKey: 'k' })).catch((e) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ status: 503, code: 'starting', requestId: 'req_503' });
    expect(server.requests).toHaveLength(3);
  });

  it('maxRetries: 0 turns retries off (and sends no Idempotency-Key unless given)', async () => {
    script = [busy(503, { 'retry-after': '0' }), { status: 200, body: RESULT }];
    const err = await send(new OpenClaw({ baseUrl: server.url, apiKey: 'k', maxRetries: 0 })).catch((e) => e);
    expect(err).toBeInstanceOf(OpenClawError);
    expect(err).toMatchObject({ status: 503, code: 'starting', message: 'later', requestId: 'req_503' });
    expect(err.headers['retry-after']).toBe('0');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].headers['idempotency-key']).toBeUndefined();
  });

  it('keeps a caller-given Idempotency-Key on every attempt, and a per-call maxRetries wins', async () => {
    script = [
      busy(429, { 'retry-after': '0' }),
      busy(429, { 'retry-after': '0' }),
      busy(429, { 'retry-after': '0' }),
      { status: 200, body: RESULT },
    ];
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k', maxRetries: 0 });
    await expect(
      client.messages.send(
        { workspace: 'team', userId: 'u', message: 'hi' },
        { idempotencyKey: 'order-42', maxRetries: 3 },
      ),
    ).resolves.toEqual(RESULT);
    expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual([
      'order-42',
      'order-42',
      'order-42',
      'order-42',
    ]);
  });

  it('retries connection errors, 408 and 409, but not a permanent 409 or a 4xx', async () => {
    script = [
      'drop',
      { status: 408, body: { error: { code: 'request_timeout', message: 'slow' } } },
      { status: 200, body: { data: [] } },
    ];
    await expect(new OpenClaw({ baseUrl: server.url, apiKey: 'k' }).workspaces.list()).resolves.toEqual({ data: [] });
    expect(server.requests).toHaveLength(3);

    server.requests.length = 0;
    script = [
      { status: 409, body: { error: { code: 'conflict', message: 'busy' } } },
      { status: 200, body: { data: [] } },
    ];
    await expect(new OpenClaw({ baseUrl: server.url, apiKey: 'k' }).workspaces.list()).resolves.toEqual({ data: [] });
    expect(server.requests).toHaveLength(2);

    server.requests.length = 0;
    script = [{ status: 409, body: { error: { code: 'read_only', message: 'declared in openclaw.json' } } }];
    await expect(new OpenClaw({ baseUrl: server.url, apiKey: 'k' }).workspaces.delete('cfg')).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(server.requests).toHaveLength(1);

    server.requests.length = 0;
    script = [{ status: 404, body: { error: { code: 'not_found', message: 'no' } } }];
    await expect(new OpenClaw({ baseUrl: server.url, apiKey: 'k' }).sessions.get('sess_x')).rejects.toMatchObject({
      status: 404,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('never retries a POST the gateway does not deduplicate (no Idempotency-Key honoured there)', async () => {
    script = [busy(503, { 'retry-after': '0' }), { status: 201, body: { id: 'w' } }];
    await expect(
      new OpenClaw({ baseUrl: server.url, apiKey: 'k' }).workspaces.create({ id: 'w' }),
    ).rejects.toMatchObject({ status: 503 });
    script = ['drop', { status: 201, body: { id: 'w' } }];
    await expect(
      new OpenClaw({ baseUrl: server.url, apiKey: 'k' }).workspaces.create({ id: 'w' }),
    ).rejects.toBeInstanceOf(APIConnectionError);
    expect(server.requests).toHaveLength(2);
    expect(server.requests.every((r) => r.headers['idempotency-key'] === undefined)).toBe(true);
  });

  it('waits for X-RateLimit-Reset only on a 429: a 5xx carrying it (every reply does) is retried after the backoff', async () => {
    const far = String(Math.floor(Date.now() / 1000) + 3600);
    script = [
      {
        status: 502,
        body: { error: { code: 'upstream_error', message: 'model down' } },
        headers: { 'x-ratelimit-reset': far },
      },
      { status: 200, body: { data: [] } },
    ];
    await expect(new OpenClaw({ baseUrl: server.url, apiKey: 'k' }).workspaces.list()).resolves.toEqual({ data: [] });
    expect(server.requests).toHaveLength(2);
  });

  it('throws at once when the gateway asks to wait longer than maxRetryWaitMs', async () => {
    script = [busy(429, { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) })];
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k', maxRetries: 5, maxRetryWaitMs: 1000 });
    const err = await client.stats.get().catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.resetAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(server.requests).toHaveLength(1);
  });

  it('computes the wait from Retry-After (seconds or date), else X-RateLimit-Reset, else capped backoff, with jitter', () => {
    const now = 1_746_005_000_000;
    const low = () => 0;
    const high = () => 0.999999;
    expect(retryDelayMs({ 'retry-after': '2' }, 0, now, low)).toBe(2000);
    expect(retryDelayMs({ 'retry-after': '2' }, 0, now, high)).toBe(2200); // never earlier than asked, up to 10 % later
    expect(retryDelayMs({ 'retry-after': new Date(now + 5000).toUTCString() }, 0, now, low)).toBe(5000);
    expect(retryDelayMs({ 'x-ratelimit-reset': '1746005400' }, 0, now, low)).toBe(400_000);
    expect(retryDelayMs({ 'retry-after': '1', 'x-ratelimit-reset': '1746005400' }, 0, now, low)).toBe(1000);
    expect(retryDelayMs({ 'x-ratelimit-reset': '1746004000' }, 0, now, low)).toBe(0);
    expect(retryDelayMs({}, 0, now, low)).toBe(500);
    expect(retryDelayMs({}, 0, now, high)).toBe(375); // up to 25 % earlier
    expect(retryDelayMs({}, 3, now, low)).toBe(4000);
    expect(retryDelayMs({}, 10, now, low)).toBe(8000);
    const spread = new Set(Array.from({ length: 20 }, () => retryDelayMs({}, 1, now)));
    expect(spread.size).toBeGreaterThan(1);
    for (const d of spread) {
      expect(d).toBeGreaterThanOrEqual(750);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });

  it('times out with APITimeoutError, and reports unreachable gateways as APIConnectionError', async () => {
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k', timeoutMs: 100, maxRetries: 0 });
    const timeout = await (client as any).http.json('GET', '/slow').catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(APITimeoutError);
    expect(timeout).toMatchObject({ status: 0, code: 'timeout', name: 'APITimeoutError' });
    const down = new OpenClaw({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', maxRetries: 0 });
    const err = await down.health().catch((e) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).toBeInstanceOf(OpenClawError);
    expect(err).toMatchObject({ status: 0, code: 'connection_error', requestId: null, headers: {} });
  });

  it('rejects a reply that is not JSON with invalid_response', async () => {
    const client = new OpenClaw({ baseUrl: server.url, apiKey: 'k' });
    await expect((client as any).http.json('GET', '/not-json')).rejects.toMatchObject({
      status: 200,
      code: 'invalid_response',
    });
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

  it('requires baseUrl and apiKey, from the options or the environment', async () => {
    const saved = { ...process.env };
    try {
      for (const name of ['OPENCLAW_BASE_URL', 'OPENCLAW_URL', 'OPENCLAW_API_KEY']) delete process.env[name];
      expect(() => new OpenClaw({ baseUrl: '', apiKey: 'k' })).toThrow(/baseUrl/);
      expect(() => new OpenClaw({ baseUrl: 'http://x', apiKey: '' })).toThrow(/apiKey/);
      expect(() => new OpenClaw()).toThrow(/OPENCLAW_BASE_URL/);
      process.env.OPENCLAW_URL = 'http://127.0.0.1:1';
      process.env.OPENCLAW_BASE_URL = server.url; // wins over OPENCLAW_URL
      process.env.OPENCLAW_API_KEY = 'env-key';
      script = [{ status: 200, body: { data: [] } }];
      await expect(new OpenClaw().workspaces.list()).resolves.toEqual({ data: [] });
      expect(server.requests[0].headers.authorization).toBe('Bearer env-key');
      delete process.env.OPENCLAW_BASE_URL;
      expect((new OpenClaw() as any).http.url('/x')).toBe('http://127.0.0.1:1/api/v1/x');
    } finally {
      process.env = saved;
    }
  });
});
