/**
 * Subscriptions and schedules belong to the key that made them and to their workspace:
 * revoking the key (through the CLI process or the key store) disables its subscriptions and
 * pauses its schedules; rotating carries them over to the new key; deleting a workspace ends
 * its subscriptions, schedules and sessions, and a re-created workspace inherits nothing.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { testRedisUrl } from '../helpers/redis';
import { cleanEnv, runCli, tempDir } from '../foundation/process';
import { startReceiver, type Receiver } from '../webhooks/receiver';

const SECRET = 'ownership-secret-0123456789abcdef';
const TENANT_PERMISSIONS = [
  'webhooks:read',
  'webhooks:write',
  'schedules:read',
  'schedules:write',
  'messages:write',
  'sessions:read',
] as const;

describe('ownership', () => {
  let gw: TestGateway;
  let rx: Receiver;
  const cwd = tempDir('openclaw-ownership-');
  const cli = (...args: string[]) =>
    runCli(['api-key', ...args], { cwd, env: cleanEnv({ REDIS_URL: testRedisUrl() }) });

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    // The receiver listens on loopback: tenants may reach it only because it is listed here.
    gw = await startTestGateway({ config: { webhooks: { allowedHosts: ['127.0.0.1'], retries: 0 } } });
    for (const id of ['own-a', 'own-b'])
      expect((await gw.request('POST', '/api/v1/workspaces', { body: { id } })).status).toBe(201);
  });
  afterAll(async () => {
    await gw.close();
    await rx.close();
  });

  async function tenant(workspace: string) {
    const key = await gw.createKey({ workspaces: [workspace], permissions: [...TENANT_PERMISSIONS] });
    const id = (await gw.gateway.ctx.stores.keys.verify(key))!.id;
    const sub = await gw.request('POST', '/api/v1/webhooks', {
      key,
      body: { url: rx.url, events: ['session.started'], secret: SECRET },
    });
    const sched = await gw.request('POST', '/api/v1/schedules', {
      key,
      body: { workspace, userId: 'u', message: 'daily', cron: '0 9 * * *', timezone: 'UTC' },
    });
    expect([sub.status, sched.status]).toEqual([201, 201]);
    expect(sub.body.createdBy).toBe(id);
    expect(sched.body.createdBy).toBe(id);
    return { key, id, subId: sub.body.id as string, schedId: sched.body.id as string };
  }

  const emitStarted = (workspace: string, sessionId: string) =>
    gw.gateway.ctx.events.emit('session.started', workspace, { sessionId, workspace, userId: 'u', channel: 'api' });

  it('revoking a key through the CLI disables its subscriptions and pauses its schedules', async () => {
    const t = await tenant('own-a');
    await emitStarted('own-a', 'before-revoke');
    await rx.waitFor(
      (a) => a.some((x) => x.data.sessionId === 'before-revoke'),
      10_000,
      'a delivery before the revocation',
    );

    const r = await cli('revoke', t.id);
    expect(r.code).toBe(0);

    const sub = (await gw.request('GET', `/api/v1/webhooks/${t.subId}`)).body;
    expect(sub).toMatchObject({
      enabled: false,
      disabledReason: 'the API key that created it (test key) was revoked',
      createdBy: t.id,
    });
    const sched = (await gw.request('GET', `/api/v1/schedules/${t.schedId}`)).body;
    expect(sched).toMatchObject({ enabled: false, nextRunAt: null, createdBy: t.id });

    // emit resolves once every matching subscription's delivery is logged and queued.
    await emitStarted('own-a', 'after-revoke');
    const log = (await gw.request('GET', `/api/v1/webhooks/${t.subId}/deliveries`)).body;
    expect(log.total).toBe(1); // the delivery before the revocation, none since
    expect(rx.accepted.some((x) => x.data.sessionId === 'after-revoke')).toBe(false);
  });

  it('revoking through the key store (config-key sync, the gateway) does the same', async () => {
    const t = await tenant('own-a');
    expect(await gw.gateway.ctx.stores.keys.revoke(t.id)).toBe(true);
    expect((await gw.request('GET', `/api/v1/webhooks/${t.subId}`)).body.enabled).toBe(false);
    expect((await gw.request('GET', `/api/v1/schedules/${t.schedId}`)).body.enabled).toBe(false);
  });

  it('rotating a key through the CLI carries its subscriptions and schedules over, still enabled', async () => {
    const t = await tenant('own-a');
    const r = await cli('rotate', t.id, '--json');
    expect(r.code).toBe(0);
    const rotated = JSON.parse(r.stdout);
    expect(rotated.id).not.toBe(t.id);

    const sub = await gw.request('GET', `/api/v1/webhooks/${t.subId}`, { key: rotated.apiKey });
    expect(sub.body).toMatchObject({ enabled: true, createdBy: rotated.id });
    const sched = await gw.request('GET', `/api/v1/schedules/${t.schedId}`, { key: rotated.apiKey });
    expect(sched.body).toMatchObject({ enabled: true, createdBy: rotated.id });
    expect((await gw.request('GET', '/api/v1/health', { key: t.key })).status).toBe(401);

    rx.reset();
    await emitStarted('own-a', 'after-rotate');
    await rx.waitFor((a) => a.some((x) => x.data.sessionId === 'after-rotate'), 10_000, 'delivery after rotation');
  });

  it('deleting a workspace ends its subscriptions, schedules and sessions; a re-created one inherits nothing', async () => {
    const t = await tenant('own-b');
    const sent = await gw.request('POST', '/api/v1/messages', {
      key: t.key,
      body: { workspace: 'own-b', userId: 'u', message: 'hi', sessionId: 'own-b-session' },
    });
    expect(sent.status).toBe(200);
    // An operator's subscription filtered to this workspace alone ends too; one also covering another workspace is narrowed.
    const only = await gw.request('POST', '/api/v1/webhooks', {
      body: { url: rx.url, events: ['session.started'], workspaces: ['own-b'], secret: SECRET },
    });
    const both = await gw.request('POST', '/api/v1/webhooks', {
      body: { url: rx.url, events: ['session.started'], workspaces: ['own-b', 'own-a'], secret: SECRET },
    });

    const twoWorkspaces = await gw.createKey({ workspaces: ['own-a', 'own-b'], permissions: ['sessions:read'] });
    expect((await gw.request('DELETE', '/api/v1/workspaces/own-b')).status).toBe(204);
    expect((await gw.request('POST', '/api/v1/workspaces', { body: { id: 'own-b' } })).status).toBe(201);

    // The old tenant's key is not a key to the new workspace: scoped to own-b alone it is revoked;
    // a key over own-a and own-b keeps own-a only.
    expect((await gw.request('GET', '/api/v1/sessions?workspace=own-b', { key: t.key })).status).toBe(401);
    expect((await gw.request('GET', '/api/v1/sessions?workspace=own-b', { key: twoWorkspaces })).status).toBe(403);
    expect((await gw.request('GET', '/api/v1/sessions?workspace=own-a', { key: twoWorkspaces })).status).toBe(200);

    for (const id of [t.subId, only.body.id])
      expect((await gw.request('GET', `/api/v1/webhooks/${id}`)).status).toBe(404);
    expect((await gw.request('GET', `/api/v1/webhooks/${both.body.id}`)).body.workspaces).toEqual(['own-a']);
    expect((await gw.request('GET', `/api/v1/schedules/${t.schedId}`)).status).toBe(404);
    expect((await gw.request('GET', '/api/v1/sessions/own-b-session')).status).toBe(404);
    expect((await gw.request('GET', '/api/v1/schedules?workspace=own-b')).body).toMatchObject({ data: [], total: 0 });
    expect((await gw.request('GET', '/api/v1/sessions?workspace=own-b')).body).toMatchObject({ data: [], total: 0 });

    rx.reset();
    await emitStarted('own-b', 'recreated');
    await emitStarted('own-a', 'marker');
    // Deliveries go out in order per emit: once the marker (own-a, `both`) arrives, nothing of own-b is on its way.
    await rx.waitFor((a) => a.some((x) => x.data.sessionId === 'marker'), 10_000, 'the marker delivery');
    expect(rx.accepted.filter((x) => x.data.sessionId === 'recreated')).toEqual([]);
    const stored = await gw.gateway.ctx.stores.webhooks.list();
    expect(stored.filter((s) => (s.workspaces ?? s.scope).includes('own-b'))).toEqual([]);
  });
});
