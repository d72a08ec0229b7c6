/**
 * Schedules actually running: seconds-level crons through the real message pipeline (offline
 * model), run now, failed runs, and the signed schedule.completed webhook at a real receiver.
 */
import { createHmac } from 'node:crypto';
import type { DomainEvent } from '../../server/events';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, poll, type Receiver } from '../webhooks/receiver';
import { startFakeServer, sendJson, type FakeServer } from '../fakes/http';
import { ScheduleRunner } from '../../server/schedules/runner';

const EVERY_SECOND = '*/1 * * * * *';

describe('schedule runs', () => {
  let gw: TestGateway;
  let receiver: Receiver;
  let broken: FakeServer;
  const events: DomainEvent[] = [];

  beforeAll(async () => {
    receiver = await startReceiver('whsec_schedules_test');
    // An upstream that always fails: messages in workspace `broken` end in an error.
    broken = await startFakeServer((_req, res) => sendJson(res, 500, { error: { message: 'upstream down' } }));
    gw = await startTestGateway({
      config: {
        workspaces: [{ id: 'team' }, { id: 'broken', agent: 'failing' }],
        model: 'offline',
        agents: { failing: { model: 'broken-model' } },
        providers: {
          down: {
            type: 'openai-compatible',
            baseUrl: `${broken.url}/v1`,
            apiKey: 'x',
            models: ['broken-model'],
            retries: 0,
          },
        },
        schedules: [
          {
            id: 'cfg-daily',
            workspace: 'team',
            userId: 'cfg-bot',
            message: 'Daily digest',
            cron: '0 9 * * *',
            timezone: 'UTC',
            enabled: false,
          },
        ],
        // Every-second ticks keep these tests short; the default (60 s) refuses them.
        limits: { scheduleMinIntervalSeconds: 1 },
      },
    });
    gw.gateway.ctx.events.addSink((e) => {
      if (e.event.startsWith('schedule.')) events.push(e);
      return Promise.resolve();
    });
  });
  afterAll(async () => {
    await gw.close();
    await receiver.close();
    await broken.close();
  });

  const ofSchedule = (id: string, name = 'schedule.completed') =>
    events.filter((e) => e.event === name && e.data.scheduleId === id);

  it('runs every tick through the message pipeline, records the last run and announces it', async () => {
    const created = await gw.request('POST', '/api/v1/schedules', {
      body: {
        id: 'every-second',
        workspace: 'team',
        userId: 'standup-bot',
        message: 'Summarize yesterday for the standup.',
        cron: EVERY_SECOND,
        timezone: 'America/New_York',
      },
    });
    expect(created.status).toBe(201);
    await poll(
      () => ofSchedule('every-second'),
      (l) => l.length >= 2,
      20000,
      'two completed runs',
    );
    expect((await gw.request('DELETE', '/api/v1/schedules/every-second')).status).toBe(204);

    const seen = ofSchedule('every-second');
    const ticks = seen.map((e) => e.data.scheduledFor as string);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const e of seen) {
      expect(e.workspace).toBe('team');
      const tick = Date.parse(e.data.scheduledFor as string);
      expect(tick % 1000).toBe(0);
      expect(e.data).toMatchObject({
        scheduleId: 'every-second',
        runId: `repeat:team/every-second:${tick}`,
        trigger: 'schedule',
        workspace: 'team',
        userId: 'standup-bot',
        messageId: expect.stringMatching(/^msg_/),
        sessionId: expect.stringMatching(/^sess_/),
        response: expect.any(String),
        tokensUsed: expect.any(Number),
        finishReason: 'stop',
        model: 'offline',
      });
      expect((e.data.response as string).length).toBeGreaterThan(0);
    }
    // Every run continued the same session, on channel `schedule`.
    expect(new Set(seen.map((e) => e.data.sessionId)).size).toBe(1);
  });

  it('GET shows the last run: time, status, messageId and the response excerpt', async () => {
    const created = await gw.request('POST', '/api/v1/schedules', {
      body: {
        id: 'recorded',
        workspace: 'team',
        userId: 'bot',
        message: 'Report',
        cron: EVERY_SECOND,
        timezone: 'UTC',
        sessionId: 'sched-session',
      },
    });
    expect(created.status).toBe(201);
    const [first] = await poll(
      () => ofSchedule('recorded'),
      (l) => l.length >= 1,
      20000,
      'a completed run',
    );
    await gw.request('PATCH', '/api/v1/schedules/recorded', { body: { enabled: false } });
    const res = await gw.request('GET', '/api/v1/schedules/recorded');
    expect(res.status).toBe(200);
    const run = res.body.recentRuns.find((r: { runId: string }) => r.runId === first.data.runId);
    expect(run).toEqual({
      runId: first.data.runId,
      trigger: 'schedule',
      scheduledFor: first.data.scheduledFor,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      status: 'completed',
      messageId: first.data.messageId,
      sessionId: 'sched-session',
      responseExcerpt: (first.data.response as string).slice(0, 500),
      error: null,
    });
    expect(res.body.runCount).toBeGreaterThanOrEqual(1);
    expect(res.body.lastRun.runId).toBe(res.body.recentRuns[0].runId);
    expect(first.data.sessionId).toBe('sched-session');
    const session = await gw.request('GET', '/api/v1/sessions/sched-session');
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ id: 'sched-session', workspace: 'team', userId: 'bot', channel: 'schedule' });
  });

  it('run now: 202 with the messageId, then schedule.completed with trigger manual (also for disabled and config schedules)', async () => {
    for (const id of ['recorded', 'cfg-daily']) {
      const res = await gw.request('POST', `/api/v1/schedules/${id}/run`);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        scheduleId: id,
        runId: expect.stringMatching(/^run_/),
        messageId: expect.stringMatching(/^msg_/),
        sessionId: expect.any(String),
        status: 'running',
      });
      const [done] = await poll(
        () => events.filter((e) => e.data.runId === res.body.runId),
        (l) => l.length >= 1,
        20000,
        'the manual run',
      );
      expect(done.event).toBe('schedule.completed');
      expect(done.data).toMatchObject({
        scheduleId: id,
        trigger: 'manual',
        messageId: res.body.messageId,
        sessionId: res.body.sessionId,
      });
      const after = await gw.request('GET', `/api/v1/schedules/${id}`);
      expect(after.body.lastRun).toMatchObject({
        runId: res.body.runId,
        trigger: 'manual',
        status: 'completed',
        messageId: res.body.messageId,
      });
      const message = await gw.request('GET', `/api/v1/messages/${res.body.messageId}`);
      expect(message.status).toBe(200);
      expect(message.body).toMatchObject({ messageId: res.body.messageId, response: done.data.response });
    }
  });

  it('a tick handed out again (a stalled job after a crash) never sends a second message', async () => {
    const created = await gw.request('POST', '/api/v1/schedules', {
      body: { id: 'retried', workspace: 'team', userId: 'bot', message: 'Once', cron: EVERY_SECOND, timezone: 'UTC' },
    });
    expect(created.status).toBe(201);
    const [first] = await poll(
      () => ofSchedule('retried'),
      (l) => l.length >= 1,
      20000,
      'a completed run',
    );
    await gw.request('PATCH', '/api/v1/schedules/retried', { body: { enabled: false } });
    const queue = gw.gateway.ctx.queues.get('schedules')!;
    const job = (await queue.getJob(first.data.runId as string))!;
    expect(job).toBeDefined();
    await gw.request('PATCH', '/api/v1/schedules/retried', { body: { enabled: true, cron: '0 0 1 1 *' } });
    const runner = new ScheduleRunner(gw.gateway.ctx, queue);

    // Handed out again after it finished: nothing happens.
    await runner.process(job);
    expect(events.filter((e) => e.data.runId === first.data.runId)).toHaveLength(1);

    // Handed out again while its record says it was still running (the process died mid-run):
    // the run follows the message it already sent.
    const [run] = (await gw.gateway.ctx.stores.schedules.runs({ workspace: 'team', id: 'retried' })).filter(
      (r) => r.runId === first.data.runId,
    );
    await gw.gateway.ctx.stores.schedules.recordRun(
      { workspace: 'team', id: 'retried' },
      { ...run, status: 'running', finishedAt: null, responseExcerpt: null },
    );
    await runner.process(job);
    const again = events.filter((e) => e.data.runId === first.data.runId);
    expect(again).toHaveLength(2);
    expect(again[1].data.messageId).toBe(first.data.messageId);
    const after = (await gw.gateway.ctx.stores.schedules.runs({ workspace: 'team', id: 'retried' })).filter(
      (r) => r.runId === first.data.runId,
    );
    expect(after).toEqual([expect.objectContaining({ status: 'completed', messageId: first.data.messageId })]);
  });

  it('a failing message ends the run as failed and emits schedule.failed', async () => {
    const created = await gw.request('POST', '/api/v1/schedules', {
      body: { id: 'fails', workspace: 'broken', userId: 'bot', message: 'Report', cron: '0 0 1 1 *', timezone: 'UTC' },
    });
    expect(created.status).toBe(201);
    const res = await gw.request('POST', '/api/v1/schedules/fails/run');
    expect(res.status).toBe(202);
    const [failed] = await poll(
      () => events.filter((e) => e.data.runId === res.body.runId),
      (l) => l.length >= 1,
      20000,
      'the failed run',
    );
    expect(failed.event).toBe('schedule.failed');
    expect(failed.data).toMatchObject({
      scheduleId: 'fails',
      trigger: 'manual',
      messageId: res.body.messageId,
      error: { code: expect.any(String), message: expect.any(String) },
    });
    const after = await gw.request('GET', '/api/v1/schedules/fails');
    expect([after.status, after.body.lastRun]).toEqual([
      200,
      expect.objectContaining({ status: 'failed', error: failed.data.error, responseExcerpt: null }),
    ]);
  });

  it('a tick whose workspace is gone fails with schedule.failed instead of crashing', async () => {
    expect((await gw.request('POST', '/api/v1/workspaces', { body: { id: 'doomed' } })).status).toBe(201);
    // A config-declared schedule survives its workspace's deletion; simulate that with the store.
    await gw.gateway.ctx.stores.schedules.syncConfig('orphan', {
      workspace: 'doomed',
      userId: 'bot',
      message: 'hi',
      cron: EVERY_SECOND,
      timezone: 'UTC',
      sessionId: null,
      enabled: true,
    });
    expect((await gw.request('DELETE', '/api/v1/workspaces/doomed')).status).toBe(204);
    await gw.gateway.ctx.schedules.arm(
      { workspace: 'doomed', id: 'orphan' },
      (await gw.gateway.ctx.schedules.get({ workspace: 'doomed', id: 'orphan' }))!,
    );
    const [failed] = await poll(
      () => ofSchedule('orphan', 'schedule.failed'),
      (l) => l.length >= 1,
      20000,
      'a failed tick',
    );
    await gw.gateway.ctx.schedules.delete({ workspace: 'doomed', id: 'orphan' });
    expect(failed.data).toMatchObject({ trigger: 'schedule', messageId: null, error: { code: 'not_found' } });
    const run = await gw.request('POST', '/api/v1/schedules/orphan/run');
    expect(run.status).toBe(404);
  });

  it('delivers schedule.completed, signed, to a real receiver: the daily standup recipe', async () => {
    const sub = await gw.request('POST', '/api/v1/webhooks', {
      body: { url: receiver.url, events: ['schedule.completed'], secret: receiver.secret, workspaces: ['team'] },
    });
    expect(sub.status).toBe(201);
    const res = await gw.request('POST', '/api/v1/schedules/recorded/run');
    expect(res.status).toBe(202);
    const [got] = await receiver.waitFor(
      (a) => a.some((x) => x.data.runId === res.body.runId),
      20000,
      'the signed delivery',
    );
    const delivery = receiver.accepted.find((x) => x.data.runId === res.body.runId)!;
    expect(got).toBeDefined();
    expect(delivery.event).toBe('schedule.completed');
    expect(delivery.data).toMatchObject({
      scheduleId: 'recorded',
      messageId: res.body.messageId,
      response: expect.any(String),
    });
    // The contract's verifyWebhook accepted it (200), and so did the Standard Webhooks library.
    const hit = receiver.hits.find((h) => h.raw.includes(res.body.runId))!;
    expect(hit.status).toBe(200);
    expect(hit.standardOk).toBe(true);
    expect(hit.headers['x-openclaw-signature']).toBe(
      `sha256=${createHmac('sha256', receiver.secret).update(hit.raw).digest('hex')}`,
    );
  });
});
