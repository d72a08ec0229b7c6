/* globals describe, it, expect, beforeAll, afterAll */
'use strict';

/**
 * The actions against a live gateway. Send Message runs the way Zapier runs a callback action:
 * perform with the run's callback URL (here a local stand-in for Zapier's), the gateway answers
 * 202 and later POSTs the message.sent payload there (retried when the first attempt fails), and
 * performResume turns that payload into the step's output. The app tester always passes Zapier's
 * staging echo URL as the callback, so this test calls the app's handler with its own.
 */
const zapier = require('zapier-platform-core');
const App = require('../index');
const { startGateway } = require('./helpers/gateway');
const { startReceiver } = require('./helpers/receiver');

const appTester = zapier.createAppTester(App);
const handler = zapier.createAppHandler(App);

/** Runs one operation as Zapier does for a callback action: the event carries the callback URL. */
const runWithCallback = async (method, bundle, callbackUrl) =>
  (await handler({ command: 'execute', method, bundle, callback_url: callbackUrl })).results;

describe('creates', () => {
  let gw;
  let rx;
  beforeAll(async () => {
    [gw, rx] = await Promise.all([startGateway(), startReceiver()]);
  });
  afterAll(async () => {
    if (gw) await gw.close();
    if (rx) await rx.close();
  });

  it('Send Message: 202 at once, the answer comes to the callback (after a failed first attempt), performResume returns it', async () => {
    const callbackUrl = rx.url('/hooks/callback/run-1');
    rx.fail(503); // Zapier's side hiccups once: the gateway retries with the same webhook-id
    const bundle = {
      authData: gw.authData,
      inputData: { workspace: 'team', userId: 'zapier:standup', message: 'Write the standup for today' },
    };
    const accepted = await runWithCallback('creates.send_message.operation.perform', bundle, callbackUrl);
    expect(accepted).toEqual({
      messageId: expect.stringMatching(/^msg_/),
      sessionId: expect.stringMatching(/^sess_/),
      status: 'queued',
      callbackId: expect.stringMatching(/^wh_cb_/),
      workspace: 'team',
      userId: 'zapier:standup',
    });

    const delivered = await rx.waitFor(
      (r) => r.path === '/hooks/callback/run-1' && r.status === 200,
      60000,
      'the callback',
    );
    const attempts = rx.requests.filter((r) => r.path === '/hooks/callback/run-1');
    expect(attempts.map((r) => r.status)).toEqual([503, 200]);
    expect(attempts[0].headers['webhook-id']).toBe(attempts[1].headers['webhook-id']);
    expect(delivered.headers).toMatchObject({
      'webhook-signature': expect.stringMatching(/^v1,/),
      'x-openclaw-event': 'message.sent',
    });
    expect(delivered.body).toMatchObject({
      event: 'message.sent',
      data: { messageId: accepted.messageId, sessionId: accepted.sessionId },
    });

    const resumed = await appTester(App.creates.send_message.operation.performResume, {
      authData: gw.authData,
      inputData: bundle.inputData,
      outputData: accepted,
      cleanedRequest: delivered.body,
    });
    const message = await gw.api('GET', `/messages/${accepted.messageId}`);
    expect(message.body.status).toBe('done');
    expect(resumed).toMatchObject({
      messageId: accepted.messageId,
      sessionId: accepted.sessionId,
      status: 'done',
      event: 'message.sent',
      response: message.body.response,
      tokensUsed: message.body.tokensUsed,
    });

    // The callback's delivery log on the gateway.
    const log = await gw.api('GET', `/webhooks/${accepted.callbackId}/deliveries`);
    expect(log.body.data.map((d) => d.status)).toEqual(['delivered']);
  });

  it('Send Message into a session continues it', async () => {
    const bundle = {
      authData: gw.authData,
      inputData: { workspace: 'team', userId: 'zapier:standup', message: 'And tomorrow?', sessionId: 'standup-2026' },
    };
    const accepted = await runWithCallback(
      'creates.send_message.operation.perform',
      bundle,
      rx.url('/hooks/callback/run-2'),
    );
    expect(accepted.sessionId).toBe('standup-2026');
    const delivered = await rx.waitFor((r) => r.path === '/hooks/callback/run-2', 60000, 'the callback');
    expect(delivered.body.data.sessionId).toBe('standup-2026');
  });

  it('Send Message: a failing agent makes performResume fail the step with the agent error', async () => {
    const bundle = {
      authData: gw.authData,
      inputData: { workspace: 'broken', userId: 'zapier:standup', message: 'hello' },
    };
    const accepted = await runWithCallback(
      'creates.send_message.operation.perform',
      bundle,
      rx.url('/hooks/callback/run-3'),
    );
    const delivered = await rx.waitFor((r) => r.path === '/hooks/callback/run-3', 60000, 'the callback');
    expect(delivered.body).toMatchObject({
      event: 'error.agent',
      data: { messageId: accepted.messageId, code: 'upstream_error' },
    });
    await expect(
      appTester(App.creates.send_message.operation.performResume, {
        authData: gw.authData,
        outputData: accepted,
        cleanedRequest: delivered.body,
      }),
    ).rejects.toThrow(/The agent could not answer \(upstream_error\)/);
  });

  it('Send Message to an unknown workspace fails with the gateway message', async () => {
    const bundle = { authData: gw.authData, inputData: { workspace: 'nope', userId: 'u', message: 'hi' } };
    await expect(
      runWithCallback('creates.send_message.operation.perform', bundle, rx.url('/hooks/callback/none')),
    ).rejects.toThrow(/OpenClaw: workspace 'nope' not found/);
  });

  it('Create Workspace creates it; the same id again fails readably', async () => {
    const created = await appTester(App.creates.create_workspace.operation.perform, {
      authData: gw.authData,
      inputData: { id: 'sales-emea', label: 'Sales EMEA' },
    });
    expect(created).toMatchObject({ id: 'sales-emea', label: 'Sales EMEA', agent: 'balanced', source: 'api' });
    expect((await gw.api('GET', '/workspaces/sales-emea')).status).toBe(200);
    await expect(
      appTester(App.creates.create_workspace.operation.perform, {
        authData: gw.authData,
        inputData: { id: 'sales-emea' },
      }),
    ).rejects.toThrow(/OpenClaw: .*sales-emea/);
  });

  it('Update Allowlist adds and removes entries; a workspace declared in the config is refused readably', async () => {
    const perform = App.creates.update_allowlist.operation.perform;
    const added = await appTester(perform, {
      authData: gw.authData,
      inputData: { workspace: 'sales-emea', add: ['telegram:123456789', 'slack:U024BE7LH'] },
    });
    expect(added).toEqual({ id: 'sales-emea', allowlist: ['telegram:123456789', 'slack:U024BE7LH'] });
    const removed = await appTester(perform, {
      authData: gw.authData,
      inputData: { workspace: 'sales-emea', remove: ['telegram:123456789'] },
    });
    expect(removed).toEqual({ id: 'sales-emea', allowlist: ['slack:U024BE7LH'] });
    expect((await gw.api('GET', '/workspaces/sales-emea')).body.allowlist).toEqual(['slack:U024BE7LH']);
    await expect(
      appTester(perform, { authData: gw.authData, inputData: { workspace: 'team', add: ['telegram:1'] } }),
    ).rejects.toThrow(/OpenClaw: workspace 'team' is declared in openclaw.json/);
  });
});
