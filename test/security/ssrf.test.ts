/**
 * The SSRF policy, safe by default: every address form, for an operator key (over `*`) and a
 * workspace-scoped key; control characters and credentials refused; webhooks.allowedHosts; and
 * the same policy again at connect time, on the address actually dialled.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, poll, type Receiver } from '../webhooks/receiver';
import { HostAllowList, policyLookup, RefusedTargetError, refusal } from '../../server/webhooks/network-policy';

type Outcome = 'ok' | 'forbidden' | 'private';

/** [url, what the policy makes of it]: 'private' = operators yes, tenants no; 'forbidden' = nobody. */
const TABLE: Array<[string, Outcome]> = [
  // cloud metadata and link-local, in every spelling
  ['http://169.254.169.254/latest/meta-data/', 'forbidden'],
  ['http://169.254.0.1/', 'forbidden'],
  ['http://2852039166/', 'forbidden'], // decimal 169.254.169.254
  ['http://0xa9.0xfe.0xa9.0xfe/', 'forbidden'], // hex
  ['http://0251.0376.0251.0376/', 'forbidden'], // octal
  ['http://[fd00:ec2::254]/latest/meta-data/', 'forbidden'], // AWS IMDS over IPv6
  ['http://100.100.100.200/latest/meta-data/', 'forbidden'], // Alibaba Cloud
  ['http://[fe80::1]/', 'forbidden'],
  ['http://[febf::1]/', 'forbidden'], // top of fe80::/10
  ['http://[::ffff:169.254.169.254]/', 'forbidden'], // IPv4-mapped
  ['http://[::ffff:a9fe:a9fe]/', 'forbidden'], // IPv4-mapped, hex
  ['http://[::169.254.169.254]/', 'forbidden'], // IPv4-compatible
  ['http://[64:ff9b::169.254.169.254]/', 'forbidden'], // NAT64
  ['http://[64:ff9b::a9fe:a9fe]/', 'forbidden'], // NAT64, hex
  ['http://[2002:a9fe:a9fe::1]/', 'forbidden'], // 6to4
  ['http://[2001:0:4136:e378:8000:63bf:5601:5601]/', 'forbidden'], // Teredo, client 169.254.169.254
  ['http://0.0.0.0:8080/', 'forbidden'],
  ['http://[::]/', 'forbidden'],
  ['http://224.0.0.1/', 'forbidden'],
  // loopback and private networks
  ['http://127.0.0.1:9/', 'private'],
  ['http://2130706433/', 'private'], // decimal 127.0.0.1
  ['http://0x7f000001/', 'private'],
  ['http://0177.0.0.1/', 'private'],
  ['http://127.1/', 'private'],
  ['http://localhost:5678/webhook/abc', 'private'],
  ['http://LOCALHOST./', 'private'],
  ['http://api.localhost/', 'private'],
  ['http://[::1]/', 'private'],
  ['http://[::ffff:127.0.0.1]/', 'private'],
  ['http://[::ffff:7f00:1]/', 'private'],
  ['http://[64:ff9b::7f00:1]/', 'private'], // NAT64 of 127.0.0.1
  ['http://[64:ff9b::10.0.0.1]/', 'private'],
  ['http://[2002:7f00:1::]/', 'private'], // 6to4 of 127.0.0.1
  ['http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', 'private'], // Teredo, client 10.0.0.1
  ['http://10.0.0.1/', 'private'],
  ['http://172.16.5.4/', 'private'],
  ['http://192.168.1.1/', 'private'],
  ['http://100.64.0.1/', 'private'], // carrier-grade NAT
  ['http://[fd12:3456::1]/', 'private'], // unique local
  // public
  ['https://hooks.example.com/x', 'ok'],
  ['http://8.8.8.8/', 'ok'],
  ['http://[2606:4700:4700::1111]/', 'ok'],
  ['http://[::ffff:8.8.8.8]/', 'ok'],
  ['http://[64:ff9b::808:808]/', 'ok'],
  ['http://172.32.0.1/', 'ok'],
];

describe('SSRF policy (default config)', () => {
  let gw: TestGateway;
  let tenantKey: string;

  beforeAll(async () => {
    gw = await startTestGateway({
      config: { webhooks: { allowedHosts: ['10.9.9.0/24', 'hooks.internal', 'fd99::7'] } },
    });
    tenantKey = await gw.createKey({ workspaces: ['default'], permissions: ['webhooks:read', 'webhooks:write'] });
  });
  afterAll(async () => {
    await gw.close();
  });

  const subscribe = (key: string, url: string) =>
    gw.request('POST', '/api/v1/webhooks', { key, body: { url, events: ['*'] } });

  it.each(TABLE)('%s: %s', async (url, outcome) => {
    const operator = await subscribe(gw.adminKey, url);
    const tenant = await subscribe(tenantKey, url);
    const refusedBy = (res: typeof operator) => {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'url_not_allowed', field: 'url', message: expect.stringMatching(/^url: /) },
      });
    };
    if (outcome === 'ok') {
      expect([operator.status, tenant.status]).toEqual([201, 201]);
    } else if (outcome === 'private') {
      expect(operator.status).toBe(201);
      refusedBy(tenant);
      expect(tenant.body.error.message).toMatch(
        /is a private or loopback address; only keys over every workspace \(\*\) may target those, or hosts listed in webhooks.allowedHosts$/,
      );
    } else {
      refusedBy(operator);
      refusedBy(tenant);
      expect(tenant.body.error.message).toMatch(
        /is a link-local or cloud metadata address, which webhooks never target$/,
      );
    }
    for (const r of [operator, tenant])
      if (r.status === 201) await gw.request('DELETE', `/api/v1/webhooks/${r.body.id}`);
  });

  it.each(['http://10.9.9.9/hook', 'http://hooks.internal:8080/x', 'http://[fd99::7]/'])(
    'a tenant may target %s: it is in webhooks.allowedHosts',
    async (url) => {
      const res = await subscribe(tenantKey, url);
      expect(res.status).toBe(201);
      await gw.request('DELETE', `/api/v1/webhooks/${res.body.id}`);
    },
  );

  it('allowedHosts never opens metadata or link-local addresses', () => {
    const policy = {
      allowedHosts: new HostAllowList(['169.254.0.0/16', 'metadata.google.internal']),
      trustOperators: true,
    };
    expect(policy.allowedHosts.allows('x', '169.254.169.254')).toBe(true);
    expect(refusal(policy, true, 'metadata.google.internal', '169.254.169.254')).toMatch(
      /link-local or cloud metadata/,
    );
    expect(refusal(policy, false, '169.254.169.254', '169.254.169.254')).toMatch(/link-local or cloud metadata/);
  });

  it.each([
    ['http://hooks.example.com/a\r\nX-Injected: 1', 'CR/LF'],
    ['http://hooks.example.com/a\tb', 'tab'],
    ['http://hooks.example.com/a b', 'space'],
    ['http://hooks.exa\nmple.com/', 'LF in the host'],
    ['http://hooks.example.com/\u0000', 'NUL'],
  ])('refuses %j (%s) instead of storing it', async (url) => {
    const res = await subscribe(gw.adminKey, url);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'validation_error',
      field: 'url',
      message: 'url: must not contain spaces or control characters (CR, LF, tab…)',
    });
  });

  it.each([
    'http://user:pass@hooks.example.com/',
    'http://user@hooks.example.com/',
    'ftp://hooks.example.com/',
    'file:///etc/passwd',
    '//hooks.example.com/x',
  ])('refuses %s', async (url) => {
    const res = await subscribe(gw.adminKey, url);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', field: 'url' });
  });

  it('a PATCH to a private URL is checked with the subscription owner’s trust', async () => {
    const created = await subscribe(tenantKey, 'https://hooks.example.com/t');
    expect(created.status).toBe(201);
    // Even the operator cannot move a tenant's subscription onto a private address.
    const moved = await gw.request('PATCH', `/api/v1/webhooks/${created.body.id}`, {
      body: { url: 'http://127.0.0.1:9/' },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.error.code).toBe('url_not_allowed');
    expect((await gw.request('GET', `/api/v1/webhooks/${created.body.id}`)).body.url).toBe(
      'https://hooks.example.com/t',
    );
  });
});

describe('SSRF policy at connect time', () => {
  let gw: TestGateway;
  let rx: Receiver;
  let tenantKey: string;
  const SECRET = 'ssrf-connect-secret-0123456789';

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    gw = await startTestGateway({ config: { webhooks: { retries: 0 } } });
    tenantKey = await gw.createKey({ workspaces: ['default'], permissions: ['webhooks:read', 'webhooks:write'] });
  });
  afterAll(async () => {
    await gw.close();
    await rx.close();
  });

  /** A tenant subscription whose URL later points somewhere private (as a DNS answer can change). */
  async function rebound(url: string): Promise<string> {
    const res = await gw.request('POST', '/api/v1/webhooks', {
      key: tenantKey,
      body: { url: 'https://hooks.example.com/rebind', events: ['session.started'], secret: SECRET },
    });
    expect(res.status).toBe(201);
    await gw.gateway.ctx.stores.webhooks.update(res.body.id, { url });
    return res.body.id;
  }

  it.each([
    [
      'a literal loopback address',
      (port: string) => `http://127.0.0.1:${port}/openclaw-events`,
      /^refused to connect: 127\.0\.0\.1 is a private or loopback address/,
    ],
    [
      'a name resolving to loopback (the lookup hook)',
      (port: string) => `http://localhost:${port}/openclaw-events`,
      /^refused to connect: localhost \((127\.0\.0\.1|::1)\) is a private or loopback address/,
    ],
  ])('a tenant delivery to %s is refused on the address dialled', async (_what, url, error) => {
    const id = await rebound(url(new URL(rx.url).port));
    await gw.gateway.ctx.events.emit('session.started', 'default', {
      sessionId: 's',
      workspace: 'default',
      userId: 'u',
      channel: 'api',
    });
    const [d] = await poll(
      async () => (await gw.request('GET', `/api/v1/webhooks/${id}/deliveries`)).body.data,
      (l: any[]) => l[0]?.status === 'failed',
      10_000,
      'a refused delivery',
    );
    expect(d).toMatchObject({ attemptCount: 1, lastStatus: null });
    expect(d.lastError).toMatch(error);
    expect(rx.hits).toHaveLength(0);
    await gw.request('DELETE', `/api/v1/webhooks/${id}`);
  });

  it('an operator subscription to the same receiver is delivered', async () => {
    const res = await gw.request('POST', '/api/v1/webhooks', {
      body: { url: rx.url.replace('127.0.0.1', 'localhost'), events: ['session.started'], secret: SECRET },
    });
    expect(res.status).toBe(201);
    await gw.gateway.ctx.events.emit('session.started', 'default', {
      sessionId: 's2',
      workspace: 'default',
      userId: 'u',
      channel: 'api',
    });
    await rx.waitFor((a) => a.some((x) => x.data.sessionId === 's2'), 10_000, 'the operator delivery');
    await gw.request('DELETE', `/api/v1/webhooks/${res.body.id}`);
  });

  it('the lookup hook refuses every refused class, for both trust levels', async () => {
    const policy = { allowedHosts: new HostAllowList([]), trustOperators: true };
    const resolve = (trusted: boolean) =>
      new Promise<unknown>((ok) =>
        policyLookup(policy, trusted)('localhost', {}, (err, address) => ok(err ?? address)),
      );
    expect(await resolve(false)).toBeInstanceOf(RefusedTargetError);
    expect(await resolve(true)).toEqual(expect.stringMatching(/^(127\.0\.0\.1|::1)$/));
  });
});
