/**
 * OpenClaw Trigger against the live gateway's webhooks API: activation (checkExists/create),
 * a real signed delivery starting a workflow, forged, unsigned, stale and replayed calls refused
 * with 401 and no execution, and deactivation (delete). Webhook methods run through n8n-core's HookContext, the
 * webhook through WebhookContext behind a real HTTP server (see webhook-server.ts).
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import {
  NOOP,
  TRIGGER,
  TestCredentialsHelper,
  credentialsFor,
  makeWorkflow,
  node,
  chain,
  runWebhookMethod,
} from './engine';
import { startWebhookServer, type N8nWebhookServer } from './webhook-server';
import { signatureOf, standardSignatureOf } from '../../packages/n8n-nodes-openclaw/nodes/OpenClawTrigger/signature';
import type { Workflow, INode } from 'n8n-workflow';

const waitFor = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 2000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('n8n OpenClaw Trigger', () => {
  let gw: TestGateway;
  let creds: TestCredentialsHelper;
  let n8n: N8nWebhookServer;
  let workflow: Workflow;
  let nodes: INode[];
  const staticData: Record<string, any> = {};
  const state = () => staticData['node:OpenClaw Trigger'] as { webhookId?: string; secret?: string };
  const call = (method: 'checkExists' | 'create' | 'delete') =>
    runWebhookMethod(creds, workflow, 'OpenClaw Trigger', method, n8n.baseUrl);
  const hookUrl = () => `${n8n.baseUrl}/webhook/hook-1/webhook`;
  const post = (body: string, headers: Record<string, string>) =>
    fetch(hookUrl(), { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        workspaces: [{ id: 'team' }, { id: 'ops' }],
        webhooks: { retrySchedule: [10, 20, 40], maxDelayMs: 100 },
      },
    });
    creds = new TestCredentialsHelper(credentialsFor(gw.url, gw.adminKey));
    nodes = [
      node(TRIGGER, { events: ['message.sent', 'session.started'], workspaces: ['team'] }, 'OpenClaw Trigger', {
        webhookId: 'hook-1',
      }),
      node(NOOP, {}, 'After'),
    ];
    workflow = makeWorkflow(nodes, chain('OpenClaw Trigger', 'After'), staticData);
    n8n = await startWebhookServer(creds, workflow, nodes, 'OpenClaw Trigger');
  });
  afterAll(async () => {
    await gw.close();
    await n8n.close();
  });

  it('activation: checkExists finds nothing, create subscribes the webhook URL with a generated secret', async () => {
    expect(await call('checkExists')).toBe(false);
    expect(await call('create')).toBe(true);
    const { webhookId, secret } = state();
    expect(webhookId).toMatch(/\S/);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const sub = await gw.request('GET', `/api/v1/webhooks/${webhookId}`);
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({
      id: webhookId,
      url: hookUrl(),
      events: ['message.sent', 'session.started'],
      workspaces: ['team'],
      enabled: true,
      description: 'n8n workflow wf-1',
    });
    expect(sub.body.secret).toBeUndefined();
    expect(await call('checkExists')).toBe(true);
  });

  it('a real signed delivery starts one execution per event with {event, timestamp, data}', async () => {
    const sent = await gw.request('POST', '/api/v1/messages', {
      body: { workspace: 'team', userId: 'alice', message: 'hello n8n' },
    });
    expect(sent.status).toBe(200);
    await waitFor(() => n8n.executions.length >= 2, 'two executions');
    const items = n8n.executions.map((e) => e.output('After')[0].json);
    const byEvent = Object.fromEntries(items.map((i) => [i.event, i]));
    expect(Object.keys(byEvent).sort()).toEqual(['message.sent', 'session.started']);
    expect(byEvent['message.sent']).toMatchObject({
      event: 'message.sent',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: {
        messageId: sent.body.messageId,
        workspace: 'team',
        userId: 'alice',
        response: sent.body.response,
        tokensUsed: sent.body.tokensUsed,
      },
    });
    expect(n8n.executions.every((e) => e.run.status === 'success')).toBe(true);
  });

  it('events of other workspaces never reach it', async () => {
    const before = n8n.calls.length;
    await gw.request('POST', '/api/v1/messages', { body: { workspace: 'ops', userId: 'bob', message: 'not for n8n' } });
    await gw.request('POST', '/api/v1/messages', { body: { workspace: 'team', userId: 'carol', message: 'for n8n' } });
    const carolEvents = () =>
      n8n.executions.filter((e) => (e.output('After')[0].json.data as any)?.userId === 'carol').length;
    await waitFor(() => carolEvents() === 2, "carol's session.started and message.sent");
    // bob's events were emitted first; by the time carol's two arrived nothing else came in.
    expect(n8n.calls.length - before).toBe(2);
    expect(n8n.executions.some((e) => (e.output('After')[0].json.data as any)?.workspace === 'ops')).toBe(false);
  });

  it('refuses forged, unsigned, tampered, stale and replayed calls with 401 and starts nothing', async () => {
    const executions = n8n.executions.length;
    const body = JSON.stringify({
      event: 'message.sent',
      timestamp: new Date().toISOString(),
      data: { messageId: 'msg_forged' },
    });
    const now = Math.floor(Date.now() / 1000);
    const signed = (b: string, at: number, secret = state().secret!, id = 'dlv_test') => ({
      'webhook-id': id,
      'webhook-timestamp': String(at),
      'webhook-signature': standardSignatureOf(b, id, at, secret),
    });
    const responses = [
      await post(body, {}),
      // The contract's body signature alone no longer starts a workflow: it does not cover the time.
      await post(body, { 'x-openclaw-signature': signatureOf(body, state().secret!) }),
      await post(body, { ...signed(body, now), 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` }),
      await post(body, signed(body, now, 'not-the-secret')),
      await post(body.replace('forged', 'other'), signed(body, now)),
      // Stale: validly signed 10 minutes ago.
      await post(body, signed(body, now - 600)),
      // Replayed: a captured delivery with a fresh timestamp put in (the signature covers the old one).
      await post(body, { ...signed(body, now - 600), 'webhook-timestamp': String(now) }),
    ];
    for (const res of responses) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: {
          code: 'invalid_signature',
          message: 'missing or invalid webhook-signature, or a webhook-timestamp more than 5 minutes off',
        },
      });
    }
    expect(n8n.executions.length).toBe(executions);
    // The same body signed now is accepted (so the refusals were about the signature and the time).
    const good = await post(body, signed(body, now));
    expect(good.status).toBe(200);
    await waitFor(() => n8n.executions.length === executions + 1, 'the signed call');
    expect(n8n.executions.at(-1)!.output('After')[0].json).toEqual(JSON.parse(body));
  });

  it('acknowledges the gateway test ping without starting the workflow', async () => {
    const executions = n8n.executions.length;
    const calls = n8n.calls.length;
    const ping = await gw.request('POST', `/api/v1/webhooks/${state().webhookId}/test`);
    expect(ping.status).toBeLessThan(300);
    await waitFor(() => n8n.calls.length > calls, 'the ping');
    expect(n8n.calls.at(-1)).toEqual({ status: 200, executed: false });
    expect(n8n.executions.length).toBe(executions);
  });

  it('checkExists replaces a subscription whose events no longer match the node', async () => {
    const { webhookId } = state();
    expect(
      (await gw.request('PATCH', `/api/v1/webhooks/${webhookId}`, { body: { events: ['message.sent'] } })).status,
    ).toBe(200);
    expect(await call('checkExists')).toBe(false);
    expect((await gw.request('GET', `/api/v1/webhooks/${webhookId}`)).status).toBe(404);
    expect(state().webhookId).toBeUndefined();
    expect(await call('create')).toBe(true);
    expect(state().webhookId).not.toBe(webhookId);
  });

  it('deactivation: delete removes the subscription and forgets the secret; calls after that are refused', async () => {
    const { webhookId, secret } = state();
    expect(await call('delete')).toBe(true);
    expect((await gw.request('GET', `/api/v1/webhooks/${webhookId}`)).status).toBe(404);
    expect(state()).toEqual({});
    expect(await call('checkExists')).toBe(false);
    expect(await call('delete')).toBe(true);
    const body = JSON.stringify({ event: 'message.sent', timestamp: new Date().toISOString(), data: {} });
    const at = Math.floor(Date.now() / 1000);
    expect(
      (
        await post(body, {
          'webhook-id': 'dlv_x',
          'webhook-timestamp': String(at),
          'webhook-signature': standardSignatureOf(body, 'dlv_x', at, secret!),
        })
      ).status,
    ).toBe(401);
  });

  it('checkExists is false when the subscription was deleted on the gateway', async () => {
    expect(await call('create')).toBe(true);
    expect((await gw.request('DELETE', `/api/v1/webhooks/${state().webhookId}`)).status).toBe(204);
    expect(await call('checkExists')).toBe(false);
    expect(state()).toEqual({});
  });
});
