/**
 * The Bull Board dashboard at /admin/queues: reachable with an admin key (Basic auth password or
 * Bearer), refused without one (401 + Basic challenge) or with a lesser key (403).
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { OVERHEAD_HEADER } from '../../server/metrics/overhead';
import { waitUntil } from '../foundation/process';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('queue dashboard /admin/queues', () => {
  let gw: TestGateway;
  const get = (path: string, authorization?: string) =>
    fetch(gw.url + path, { headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it('asks for Basic credentials without a key', async () => {
    const res = await get('/admin/queues');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="OpenClaw queues", charset="UTF-8"');
    expect(res.headers.get(OVERHEAD_HEADER)).toMatch(/^\d+\.\d{2}$/);
    expect(await res.json()).toEqual({
      error: { code: 'missing_api_key', message: expect.stringContaining('admin API key') },
    });
    expect((await get('/admin/queues/api/queues')).status).toBe(401);
  });

  it('serves the board to the admin key as the Basic auth password', async () => {
    const res = await get('/admin/queues', basic('admin', gw.adminKey));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('OpenClaw queues');
    // The assets the page loads pass the same check.
    expect(html).toContain('<base href="/admin/queues/" />');
    const asset = `/admin/queues/${/src="(static\/js\/[^"]+)"/.exec(html)![1]}`;
    expect((await get(asset, basic('admin', gw.adminKey))).status).toBe(200);
    expect((await get(asset)).status).toBe(401);
  });

  it("lists every queue of ctx.queues through the board's API (Basic with the key as user, or Bearer)", async () => {
    const names = [...gw.gateway.ctx.queues.keys()].sort();
    const res = await get('/admin/queues/api/queues', basic(gw.adminKey, ''));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(names);
    expect((await get('/admin/queues/api/queues', `Bearer ${gw.adminKey}`)).status).toBe(200);
  });

  it('refuses a key that is not an admin key, and revoked or unknown keys', async () => {
    const reader = await gw.createKey({ permissions: ['stats:read'] });
    const res = await get('/admin/queues', basic('admin', reader));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('admin_required');
    // Every permission a scoped key may hold (keys:* need `*`).
    const scopedAll = await gw.createKey({
      workspaces: ['team'],
      permissions: (await gw.gateway.ctx.stores.keys.verify(gw.adminKey))!.permissions.filter(
        (p) => !p.startsWith('keys:'),
      ),
    });
    expect((await get('/admin/queues', basic('admin', scopedAll))).status).toBe(403);

    const revoked = await gw.createKey({
      permissions: (await gw.gateway.ctx.stores.keys.verify(gw.adminKey))!.permissions,
    });
    expect((await get('/admin/queues', basic('admin', revoked))).status).toBe(200);
    const rec = await gw.gateway.ctx.stores.keys.verify(revoked);
    await gw.gateway.ctx.stores.keys.revoke(rec!.id);
    const after = await get('/admin/queues', basic('admin', revoked));
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    expect((await get('/admin/queues', basic('admin', 'oclaw_live_nope'))).status).toBe(401);
    expect((await get('/admin/queues', 'Basic !!!')).status).toBe(401);
  });

  it('the page makes no third-party requests: every URL it names is on the gateway', async () => {
    const html = await (await get('/admin/queues', basic('admin', gw.adminKey))).text();
    expect(html).not.toMatch(/fonts\.googleapis|fonts\.gstatic/);
    expect([...html.matchAll(/(?:src|href)="(https?:)?\/\/[^"]*"/g)].map((m) => m[0])).toEqual([]);
    const css = /href="(static\/css\/[^"]+)"/.exec(html)![1];
    expect(await (await get(`/admin/queues/${css}`, basic('admin', gw.adminKey))).text()).not.toMatch(
      /url\((["']?)https?:/,
    );
  });

  it("carries the board's actions and answers through (method, status, JSON body; unknown paths 404 in the one error shape)", async () => {
    const name = [...gw.gateway.ctx.queues.keys()].find((n) => n !== 'messages')!;
    const queue = gw.gateway.ctx.queues.get(name)!;
    const act = (action: string) =>
      fetch(`${gw.url}/admin/queues/api/queues/${name}/${action}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${gw.adminKey}` },
      });
    expect((await act('pause')).status).toBe(200);
    expect(await queue.isPaused()).toBe(true);
    expect((await act('resume')).status).toBe(200);
    expect(await queue.isPaused()).toBe(false);
    const head = await fetch(`${gw.url}/admin/queues`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${gw.adminKey}` },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('text/html');
    const missing = await get('/admin/queues/no-such-page', `Bearer ${gw.adminKey}`);
    expect(missing.status).toBe(404);
    expect((await missing.json()) as unknown).toEqual({
      error: { code: 'route_not_found', message: expect.stringContaining('no-such-page') as unknown },
    });
    // Without a key an action is refused before it reaches the board.
    const refused = await fetch(`${gw.url}/admin/queues/api/queues/${name}/pause`, { method: 'PUT' });
    expect(refused.status).toBe(401);
    expect(await queue.isPaused()).toBe(false);
  });

  it('keeps completed messages on the board (the last 1,000, up to an hour)', async () => {
    const sent = await gw.request('POST', '/api/v1/messages', {
      body: { workspace: 'default', userId: 'board', message: 'hello board' },
    });
    expect(sent.status).toBe(200);
    // The reply can reach the client a moment before the job is marked completed: ask until it is.
    type Board = { queues: Array<{ name: string; counts: Record<string, number>; jobs: Array<{ id: string }> }> };
    const completed = async () => {
      const res = await get(
        '/admin/queues/api/queues?activeQueue=messages&status=completed&page=1&jobsPerPage=10',
        `Bearer ${gw.adminKey}`,
      );
      return ((await res.json()) as Board).queues.find((q) => q.name === 'messages')!;
    };
    await waitUntil(
      async () => (await completed()).jobs.some((j) => j.id === sent.body.messageId),
      10000,
      'the message job on the board as completed',
    );
    expect((await completed()).counts.completed).toBeGreaterThanOrEqual(1);
  });

  it('stays out of the OpenAPI document', async () => {
    const res = await gw.request('GET', '/api/v1/openapi.json');
    expect(Object.keys(res.body.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
  });
});
