/**
 * Schedules across processes and restarts, on one real Redis: two gateways run each tick once
 * (never twice), schedules survive a restart, and ticks missed while every gateway was down
 * produce exactly one catch-up run when one comes back.
 */
import type { DomainEvent } from '../../server/events';
import type { ScheduleRun } from '../../server/schedules/store';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { poll, sleep } from '../webhooks/receiver';

const EVERY_SECOND = '*/1 * * * * *';
const CONFIG = {
  model: 'offline',
  workspaces: [{ id: 'team' }],
  schedules: [
    {
      id: 'cfg-tick',
      workspace: 'team',
      userId: 'cfg-bot',
      message: 'Tick report',
      cron: EVERY_SECOND,
      timezone: 'UTC',
    },
  ],
  // Every-second API schedules keep these tests short; the default (60 s) refuses them.
  limits: { scheduleMinIntervalSeconds: 1 },
};

function collect(gw: TestGateway, into: DomainEvent[]): void {
  gw.gateway.ctx.events.addSink((e) => {
    if (e.event.startsWith('schedule.')) into.push(e);
    return Promise.resolve();
  });
}

const ticksOf = (events: DomainEvent[], id: string) =>
  events
    .filter((e) => e.data.scheduleId === id && e.data.trigger === 'schedule')
    .map((e) => e.data.scheduledFor as string);

describe('schedules with several gateways on one Redis', () => {
  let a: TestGateway;
  let b: TestGateway;
  const fromA: DomainEvent[] = [];
  const fromB: DomainEvent[] = [];

  beforeAll(async () => {
    a = await startTestGateway({
      config: { model: 'offline', workspaces: [{ id: 'team' }], limits: { scheduleMinIntervalSeconds: 1 } },
    });
    b = await startTestGateway({
      config: { model: 'offline', workspaces: [{ id: 'team' }], limits: { scheduleMinIntervalSeconds: 1 } },
      flush: false,
    });
    collect(a, fromA);
    collect(b, fromB);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('runs each tick exactly once, whichever gateway picks it up', async () => {
    const created = await a.request('POST', '/api/v1/schedules', {
      body: { id: 'shared', workspace: 'team', userId: 'bot', message: 'Status?', cron: EVERY_SECOND, timezone: 'UTC' },
    });
    expect(created.status).toBe(201);
    const all = () => [...fromA, ...fromB];
    await poll(
      () => ticksOf(all(), 'shared'),
      (t) => t.length >= 6,
      30000,
      'six ticks',
    );
    // Stop the ticks from the other gateway, then let the runs in flight finish.
    expect((await b.request('DELETE', '/api/v1/schedules/shared')).status).toBe(204);
    await sleep(1500);

    const ticks = ticksOf(all(), 'shared');
    expect(ticks.length).toBeGreaterThanOrEqual(6);
    expect(new Set(ticks).size).toBe(ticks.length); // no tick ran twice
    const messages = all()
      .filter((e) => e.data.scheduleId === 'shared')
      .map((e) => e.data.messageId);
    expect(new Set(messages).size).toBe(messages.length);
    expect(all().filter((e) => e.event === 'schedule.failed')).toEqual([]);
    // Each tick is a whole second, and both gateways' job ids name the tick they ran.
    for (const e of all()) expect(e.data.runId).toBe(`repeat:team/shared:${Date.parse(e.data.scheduledFor as string)}`);
  });

  it('a schedule created on one gateway is visible and editable on the other', async () => {
    const created = await a.request('POST', '/api/v1/schedules', {
      body: {
        id: 'seen',
        workspace: 'team',
        userId: 'bot',
        message: 'hi',
        cron: '0 9 * * 1-5',
        timezone: 'America/New_York',
      },
    });
    expect(created.status).toBe(201);
    const onB = await b.request('GET', '/api/v1/schedules/seen');
    expect(onB.status).toBe(200);
    expect(onB.body.nextRunAt).toBe(created.body.nextRunAt);
    expect((await b.request('PATCH', '/api/v1/schedules/seen', { body: { enabled: false } })).status).toBe(200);
    expect((await a.request('GET', '/api/v1/schedules/seen')).body.enabled).toBe(false);
  });
});

describe('schedules across restarts', () => {
  it('keep their definitions, and ticks missed while everything was down run once, not once per tick', async () => {
    const before: DomainEvent[] = [];
    const first = await startTestGateway({ config: CONFIG });
    collect(first, before);
    const api = await first.request('POST', '/api/v1/schedules', {
      body: {
        id: 'api-tick',
        workspace: 'team',
        userId: 'api-bot',
        message: 'API tick',
        cron: EVERY_SECOND,
        timezone: 'Europe/Paris',
      },
    });
    expect(api.status).toBe(201);
    await poll(
      () => before,
      (l) => ticksOf(l, 'cfg-tick').length >= 1 && ticksOf(l, 'api-tick').length >= 1,
      20000,
      'a run of each',
    );
    await first.close();
    const downAt = Date.now();

    // Everything is down for several ticks.
    await sleep(3500);

    const after: DomainEvent[] = [];
    const restartedAt = Date.now();
    const second = await startTestGateway({ config: CONFIG, flush: false });
    collect(second, after);
    try {
      await poll(
        () => after,
        (l) => ticksOf(l, 'cfg-tick').length >= 3 && ticksOf(l, 'api-tick').length >= 3,
        20000,
        'runs after the restart',
      );

      // Both schedules survived with their definitions.
      const cfg = await second.request('GET', '/api/v1/schedules/cfg-tick');
      expect(cfg.body).toMatchObject({ source: 'config', cron: EVERY_SECOND, enabled: true });
      const apiAfter = await second.request('GET', '/api/v1/schedules/api-tick');
      expect(apiAfter.body).toMatchObject({
        source: 'api',
        cron: EVERY_SECOND,
        timezone: 'Europe/Paris',
        enabled: true,
      });

      for (const id of ['cfg-tick', 'api-tick']) {
        const lastBefore = Math.max(...ticksOf(before, id).map(Date.parse));
        const missed = Math.floor((restartedAt - Math.max(lastBefore, downAt)) / 1000);
        expect(missed).toBeGreaterThanOrEqual(3); // at least three ticks passed with no gateway up
        // Runs after the restart for ticks from the downtime: exactly one catch-up.
        const catchUp = ticksOf(after, id)
          .map(Date.parse)
          .filter((t) => t > lastBefore && t < restartedAt);
        expect([id, catchUp.length]).toEqual([id, 1]);
        // No tick ran twice over the whole story, and the stored history agrees.
        const all = [...ticksOf(before, id), ...ticksOf(after, id)];
        expect(new Set(all).size).toBe(all.length);
        const runs: ScheduleRun[] = (await second.request('GET', `/api/v1/schedules/${id}`)).body.recentRuns;
        expect(new Set(runs.map((r) => r.runId)).size).toBe(runs.length);
      }
    } finally {
      await second.request('DELETE', '/api/v1/schedules/api-tick');
      await second.close();
    }
  });

  it('a changed config schedule is re-armed on start; a removed one is deleted', async () => {
    const one = await startTestGateway({
      config: { ...CONFIG, schedules: [{ ...CONFIG.schedules[0], cron: '0 9 * * *' }] },
    });
    const queue = one.gateway.ctx.queues.get('schedules')!;
    expect(await queue.getJobScheduler('team/cfg-tick')).toMatchObject({ pattern: '0 9 * * *' });
    await one.close();

    const two = await startTestGateway({
      config: { ...CONFIG, schedules: [{ ...CONFIG.schedules[0], cron: '30 9 * * *', timezone: 'Asia/Tokyo' }] },
      flush: false,
    });
    const q2 = two.gateway.ctx.queues.get('schedules')!;
    expect(await q2.getJobScheduler('team/cfg-tick')).toMatchObject({ pattern: '30 9 * * *', tz: 'Asia/Tokyo' });
    await two.close();

    const three = await startTestGateway({ config: { ...CONFIG, schedules: [] }, flush: false });
    expect((await three.request('GET', '/api/v1/schedules/cfg-tick')).status).toBe(404);
    expect(await three.gateway.ctx.queues.get('schedules')!.getJobScheduler('team/cfg-tick')).toBeUndefined();
    await three.close();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an invalid cron', { cron: '61 * * * *' }, 'schedules[0].cron: '],
    ['an unknown time zone', { timezone: 'Moon/Base' }, 'schedules[0].timezone: '],
    ['an unknown workspace', { workspace: 'nowhere' }, 'schedules[0].workspace: '],
  ])('refuses to start with %s in the config, naming it', async (_name, change, where) => {
    await expect(
      startTestGateway({ config: { ...CONFIG, schedules: [{ ...CONFIG.schedules[0], ...change }] } }),
    ).rejects.toThrow(where);
  });

  it('refuses a config schedule id declared twice', async () => {
    await expect(
      startTestGateway({ config: { ...CONFIG, schedules: [CONFIG.schedules[0], CONFIG.schedules[0]] } }),
    ).rejects.toThrow("schedules[1].id: 'cfg-tick' is declared twice");
  });
});
