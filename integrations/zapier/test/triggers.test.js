/* globals describe, it, expect, beforeAll, afterAll */
'use strict';

/**
 * The REST-hook triggers against a live gateway: performSubscribe creates a real subscription
 * whose deliveries reach a hook URL (signed: verified here with the standardwebhooks library and
 * the secret the subscription returned), perform turns the caught request into the Zap's record
 * (and refuses a forged one), performList returns the same real events from GET /events, and
 * performUnsubscribe deletes the subscription.
 */
const zapier = require('zapier-platform-core');
const { Webhook } = require('standardwebhooks');
const App = require('../index');
const { startGateway } = require('./helpers/gateway');
const { startReceiver, zapierHookBundle } = require('./helpers/receiver');

const appTester = zapier.createAppTester(App);

describe('REST-hook triggers', () => {
  let gw;
  let rx;
  beforeAll(async () => {
    [gw, rx] = await Promise.all([startGateway(), startReceiver()]);
  });
  afterAll(async () => {
    if (gw) await gw.close();
    if (rx) await rx.close();
  });

  const send = (workspace, userId, message) => gw.api('POST', '/messages', { workspace, userId, message });

  /** Subscribes a trigger for one workspace, runs `act`, and returns what the hook caught and what the Zap makes of it. */
  async function roundTrip(triggerKey, workspace, act, match) {
    const trigger = App.triggers[triggerKey];
    const targetUrl = rx.url(`/hooks/catch/${triggerKey}`);
    const subscribeData = await appTester(trigger.operation.performSubscribe, {
      authData: gw.authData,
      inputData: { workspace },
      targetUrl,
    });
    expect(subscribeData).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      url: targetUrl,
      workspaces: [workspace],
      secret: expect.any(String),
    });
    const acted = await act();
    const hit = await rx.waitFor(
      (r) => r.path === `/hooks/catch/${triggerKey}` && match(r.body, acted),
      60000,
      `${triggerKey} hook`,
    );
    // Signed: the Standard Webhooks library accepts it with the subscription's secret.
    expect(subscribeData.secret).toMatch(/^whsec_/);
    const verified = new Webhook(subscribeData.secret).verify(hit.raw, hit.headers); // the library takes the secret unchanged
    expect(verified.id).toBe(hit.body.id);
    const records = await appTester(
      trigger.operation.perform,
      zapierHookBundle(gw.authData, subscribeData, hit, { workspace }),
    );
    return { trigger, subscribeData, hit, records, acted };
  }

  async function unsubscribe(trigger, subscribeData) {
    await appTester(trigger.operation.performUnsubscribe, { authData: gw.authData, subscribeData });
    expect((await gw.api('GET', `/webhooks/${subscribeData.id}`)).status).toBe(404);
  }

  it('the hidden Workspace trigger lists the workspaces for the dropdowns', async () => {
    const list = await appTester(App.triggers.workspace.operation.perform, { authData: gw.authData });
    expect(list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'team', label: 'Team' }),
        expect.objectContaining({ id: 'broken' }),
      ]),
    );
    expect(App.triggers.workspace.display.hidden).toBe(true);
  });

  it('New Agent Answer: subscribe → send a message → the hook receives the signed message.sent; performList lists it', async () => {
    const { trigger, subscribeData, hit, records, acted } = await roundTrip(
      'new_agent_answer',
      'team',
      () => send('team', 'zap-user', 'What is on the standup?'),
      (body, res) => body.data.messageId === res.body.messageId,
    );
    expect(acted.status).toBe(200);
    expect(hit.headers['x-openclaw-event']).toBe('message.sent');
    expect(records).toEqual([
      { id: hit.body.id, event: 'message.sent', timestamp: hit.body.timestamp, ...hit.body.data },
    ]);
    expect(records[0]).toMatchObject({
      messageId: acted.body.messageId,
      response: acted.body.response,
      workspace: 'team',
      userId: 'zap-user',
    });

    const listed = await appTester(trigger.operation.performList, {
      authData: gw.authData,
      inputData: { workspace: 'team' },
    });
    expect(listed[0]).toEqual(records[0]);
    expect(listed.every((r) => r.event === 'message.sent')).toBe(true);
    await unsubscribe(trigger, subscribeData);
  });

  it('perform refuses a hook whose body was changed after signing', async () => {
    const { trigger, subscribeData, hit } = await roundTrip(
      'new_agent_answer',
      'team',
      () => send('team', 'zap-user', 'second'),
      (body, res) => body.data.messageId === res.body.messageId,
    );
    const forged = { ...hit, raw: hit.raw.replace('"zap-user"', '"someone-else"') };
    forged.body = JSON.parse(forged.raw);
    await expect(
      appTester(trigger.operation.perform, zapierHookBundle(gw.authData, subscribeData, forged)),
    ).rejects.toThrow(/not signed by your OpenClaw gateway/);
    await unsubscribe(trigger, subscribeData);
  });

  it('Agent Error: a failing agent reaches the hook as error.agent with its code and message', async () => {
    const { trigger, subscribeData, records, acted } = await roundTrip(
      'agent_error',
      'broken',
      () => send('broken', 'zap-user', 'hello'),
      (body) => body.event === 'error.agent',
    );
    expect(acted.status).toBe(502);
    expect(records[0]).toMatchObject({
      event: 'error.agent',
      messageId: acted.body.error.messageId,
      code: 'upstream_error',
      workspace: 'broken',
    });
    const listed = await appTester(trigger.operation.performList, {
      authData: gw.authData,
      inputData: { workspace: 'broken' },
    });
    expect(listed[0]).toEqual(records[0]);
    await unsubscribe(trigger, subscribeData);
  });

  it('Session Started and Session Ended: a new session, then deleting it', async () => {
    const started = await roundTrip(
      'session_started',
      'team',
      () => send('team', 'session-user', 'hi'),
      (body, res) => body.data.sessionId === res.body.sessionId,
    );
    expect(started.records[0]).toMatchObject({
      event: 'session.started',
      userId: 'session-user',
      sessionId: started.acted.body.sessionId,
    });
    const ended = await roundTrip(
      'session_ended',
      'team',
      async () => {
        const del = await gw.api('DELETE', `/sessions/${started.acted.body.sessionId}`);
        expect(del.status).toBe(204);
        return started.acted;
      },
      (body, res) => body.data.sessionId === res.body.sessionId,
    );
    expect(ended.records[0]).toMatchObject({
      event: 'session.ended',
      reason: 'deleted',
      sessionId: started.acted.body.sessionId,
    });
    for (const { trigger, subscribeData, records } of [started, ended]) {
      const listed = await appTester(trigger.operation.performList, {
        authData: gw.authData,
        inputData: { workspace: 'team' },
      });
      expect(listed.map((r) => r.id)).toContain(records[0].id);
      await unsubscribe(trigger, subscribeData);
    }
  });

  it('Schedule Completed: running a schedule reaches the hook with the answer', async () => {
    const schedule = await gw.api('POST', '/schedules', {
      workspace: 'team',
      userId: 'schedule:standup',
      message: 'Standup summary',
      cron: '0 9 * * 1-5',
      timezone: 'UTC',
    });
    expect(schedule.status).toBe(201);
    const { trigger, subscribeData, records } = await roundTrip(
      'schedule_completed',
      'team',
      async () => {
        const run = await gw.api('POST', `/schedules/${schedule.body.id}/run`);
        expect(run.status).toBe(202);
        return run;
      },
      (body, run) => body.data.runId === run.body.runId,
    );
    expect(records[0]).toMatchObject({
      event: 'schedule.completed',
      scheduleId: schedule.body.id,
      response: expect.any(String),
    });
    const listed = await appTester(trigger.operation.performList, { authData: gw.authData, inputData: {} });
    expect(listed[0]).toEqual(records[0]);
    await unsubscribe(trigger, subscribeData);
  });

  it('Channel Disconnected: subscribes and unsubscribes; performList is empty while no channel ever disconnected', async () => {
    const trigger = App.triggers.channel_disconnected;
    const subscribeData = await appTester(trigger.operation.performSubscribe, {
      authData: gw.authData,
      inputData: {},
      targetUrl: rx.url('/hooks/catch/channel'),
    });
    expect((await gw.api('GET', `/webhooks/${subscribeData.id}`)).body).toMatchObject({
      events: ['channel.disconnected'],
      workspaces: null,
      enabled: true,
    });
    expect(await appTester(trigger.operation.performList, { authData: gw.authData, inputData: {} })).toEqual([]);
    await unsubscribe(trigger, subscribeData);
  });

  it('subscribing with a workspace outside the gateway fails with the gateway message', async () => {
    await expect(
      appTester(App.triggers.new_agent_answer.operation.performSubscribe, {
        authData: gw.authData,
        inputData: { workspace: 'nope' },
        targetUrl: rx.url('/hooks/catch/x'),
      }),
    ).rejects.toThrow(/OpenClaw: workspaces: unknown workspace 'nope'/);
  });
});
