/**
 * The TS SDK against a live gateway on real Redis: workspaces through the SDK, and a typed
 * OpenClawError subclass for 400, 401, 403, 404, 409, 422, 429 (with the rate limit headers the
 * contract reads) and 503 (a gateway that is still starting), with lower-case headers and the
 * request id; a 503 is retried by default until the gateway is ready.
 */
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  OpenClaw,
  OpenClawError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '../../sdk/typescript/src/index';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('TypeScript SDK: workspaces and errors against the live gateway', () => {
  let gw: TestGateway;
  let client: OpenClaw;
  beforeAll(async () => {
    gw = await startTestGateway();
    client = new OpenClaw({ baseUrl: gw.url, apiKey: gw.adminKey });
  });
  afterAll(() => gw.close());

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => {
        expect(e).toBeInstanceOf(OpenClawError);
        return e as OpenClawError;
      },
    );

  it('creates, reads, lists, updates and deletes a workspace', async () => {
    const created = await client.workspaces.create({ id: 'sdk-team', label: 'SDK Team', skills: ['memory'] });
    expect(created).toEqual({
      id: 'sdk-team',
      label: 'SDK Team',
      agent: 'balanced',
      skills: ['memory'],
      allowlist: [],
      createdAt: expect.any(String),
      source: 'api',
    });
    expect(await client.workspaces.get('sdk-team')).toEqual(created);
    const list = await client.workspaces.list();
    expect(list.data.map((w) => w.id)).toEqual(expect.arrayContaining(['default', 'sdk-team']));
    expect(
      await client.workspaces.updateAllowlist('sdk-team', { add: ['telegram:123456789', 'telegram:987654321'] }),
    ).toEqual({
      id: 'sdk-team',
      allowlist: ['telegram:123456789', 'telegram:987654321'],
    });
    expect(
      await client.workspaces.updateAllowlist('sdk-team', { add: ['slack:U1'], remove: ['telegram:987654321'] }),
    ).toEqual({
      id: 'sdk-team',
      allowlist: expect.arrayContaining(['telegram:123456789', 'slack:U1']),
    });
    await expect(client.workspaces.delete('sdk-team')).resolves.toBeUndefined();
    const gone = await failure(client.workspaces.get('sdk-team'));
    expect(gone).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('401: unknown key', async () => {
    const bad = new OpenClaw({ baseUrl: gw.url, apiKey: 'oclaw_live_not_a_real_key' });
    const err = await failure(bad.workspaces.list());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({
      name: 'AuthenticationError',
      status: 401,
      code: 'invalid_api_key',
      message: 'unknown or revoked API key',
    });
    expect(err.headers['www-authenticate']).toBe('Bearer realm="openclaw"');
    expect(err.requestId).toMatch(/^req_/);
    expect(err.requestId).toBe(err.headers['x-request-id']);
  });

  it('403: a key without the permission or the workspace', async () => {
    const readOnly = new OpenClaw({ baseUrl: gw.url, apiKey: await gw.createKey({ permissions: ['stats:read'] }) });
    const denied = await failure(readOnly.workspaces.list());
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect(denied).toMatchObject({ status: 403, code: 'missing_permission' });
    const scoped = new OpenClaw({ baseUrl: gw.url, apiKey: await gw.createKey({ workspaces: ['default'] }) });
    const err = await failure(scoped.workspaces.create({ id: 'elsewhere' }));
    expect(err).toMatchObject({
      status: 403,
      code: 'workspace_forbidden',
      message: "this API key has no access to workspace 'elsewhere'",
    });
  });

  it('404, 400, 409 and 422 carry the code, and the field for validation errors', async () => {
    const missing = await failure(client.workspaces.get('nope'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found', message: "workspace 'nope' not found" });
    const invalid = await failure(client.workspaces.create({ id: 'Not Valid' }));
    expect(invalid).toBeInstanceOf(BadRequestError);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_error', field: 'id' });
    const taken = await failure(client.workspaces.create({ id: 'default' }));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken).toMatchObject({ status: 409, code: 'already_exists' });
    // The same Idempotency-Key with another body: refused, never a second run.
    await client.messages.send(
      { workspace: 'default', userId: 'u', message: 'first' },
      { idempotencyKey: 'ts-errors-422' },
    );
    const reused = await failure(
      client.messages.send(
        { workspace: 'default', userId: 'u', message: 'second' },
        { idempotencyKey: 'ts-errors-422' },
      ),
    );
    expect(reused).toBeInstanceOf(UnprocessableEntityError);
    expect(reused).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  });

  it('429: the contract handler reads the reset time from error.headers; RateLimitError has it as resetAt', async () => {
    // Retries off: by default the SDK waits out a reset within maxRetryWaitMs (60 s).
    const limited = new OpenClaw({ baseUrl: gw.url, apiKey: await gw.createKey({ rateLimit: 1 }), maxRetries: 0 });
    await limited.workspaces.list();
    const error = await failure(limited.workspaces.list());
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).resetAt).toEqual(new Date(Number(error.headers['x-ratelimit-reset']) * 1000));
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limited');
    expect(error.headers['x-ratelimit-limit']).toBe('1');
    expect(error.headers['x-ratelimit-remaining']).toBe('0');
    const resetAt = new Date((error.headers['x-ratelimit-reset'] as unknown as number) * 1000);
    expect(resetAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(Number(error.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(error.retryable).toBe(true);
  });

  it('429 with retries on: a wait beyond maxRetryWaitMs throws at once instead of hanging', async () => {
    const limited = new OpenClaw({
      baseUrl: gw.url,
      apiKey: await gw.createKey({ rateLimit: 1 }),
      maxRetries: 3,
      maxRetryWaitMs: 0,
    });
    await limited.workspaces.list();
    await expect(limited.workspaces.list()).rejects.toMatchObject({ status: 429 });
  });

  it('503: a gateway that is still starting, then retried until it is ready', async () => {
    gw.gateway.ctx.readiness.ready = false;
    try {
      const error = await failure(client.workspaces.list({ maxRetries: 0 }));
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error).toMatchObject({ status: 503, code: 'starting' });
      expect(error.headers['retry-after']).toBe('2');
    } finally {
      gw.gateway.ctx.readiness.ready = true;
    }
    // With the default retries, a 503 `starting` is waited out (Retry-After: 2) and the call succeeds.
    gw.gateway.ctx.readiness.ready = false;
    const call = client.workspaces.list();
    setTimeout(() => (gw.gateway.ctx.readiness.ready = true), 200);
    await expect(call).resolves.toMatchObject({ data: expect.any(Array) });
  });
});
