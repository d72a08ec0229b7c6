/**
 * Upgrading a Redis written before session and schedule ids were per workspace: the old stores'
 * own code (frozen copies) writes sessions, history, a current-session pointer, a schedule with a
 * run and its BullMQ job scheduler; then two gateways start at once on that Redis. Everything is
 * moved once (no history doubled), readable through the API, and keeps running.
 */
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { flushTestDb, rawRedis, testRedisUrl } from '../helpers/redis';
import { API, eventually, offline } from '../messages/helpers';
import { SessionStore as LegacySessionStore, type Turn } from '../fixtures/legacy-v1/sessions-store';
import { ScheduleStore as LegacyScheduleStore } from '../fixtures/legacy-v1/schedules-store';

const CONFIG = { workspaces: [{ id: 'legacy' }] };

async function scanKeys(redis: Redis, match: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}

const turn = (role: Turn['role'], content: string, messageId: string): Turn => ({
  role,
  content,
  createdAt: new Date().toISOString(),
  tokens: 3,
  tools: [],
  messageId,
});

/** One finished exchange in a session, the way the old processor recorded it. */
async function exchange(
  store: LegacySessionStore,
  s: { id: string; workspace: string; userId: string },
  question: string,
  messageId: string,
) {
  const seq = (await store.enqueue(s, messageId))!;
  await store.record(
    s,
    seq,
    [turn('user', question, messageId), turn('assistant', `answer to ${question}`, messageId)],
    6,
  );
  await store.advance(s.id, seq);
}

describe('a Redis holding the old (global-id) layout', () => {
  let redis: Redis;
  let gws: TestGateway[] = [];

  beforeAll(async () => {
    await flushTestDb();
    redis = rawRedis();
    const sessions = new LegacySessionStore(redis);
    const standup = { id: 'standup', workspace: 'legacy', userId: 'bot', channel: 'api' };
    await sessions.create(standup);
    await exchange(sessions, standup, 'old question', 'msg_old1');
    const generated = { id: 'sess_legacy0001', workspace: 'legacy', userId: 'alice', channel: 'api' };
    await sessions.create(generated);
    await sessions.swapCurrent('legacy', 'api', 'alice', null, generated.id);
    await exchange(sessions, generated, 'hello from before', 'msg_old2');

    const schedules = new LegacyScheduleStore(redis);
    await schedules.create('daily', {
      workspace: 'legacy',
      userId: 'bot',
      message: 'daily report',
      cron: '0 9 * * *',
      timezone: 'UTC',
      sessionId: 'standup',
      enabled: true,
    });
    await schedules.setOwner('daily', 'key_old');
    const at = new Date().toISOString();
    await schedules.recordRun('daily', {
      runId: 'run_old',
      trigger: 'manual',
      scheduledFor: at,
      startedAt: at,
      finishedAt: at,
      status: 'completed',
      messageId: 'msg_old1',
      sessionId: 'standup',
      responseExcerpt: 'old',
      error: null,
    });
    const queue = new Queue('schedules', { connection: rawRedis(), prefix: '{oc:schedules}' });
    await queue.upsertJobScheduler(
      'daily',
      { pattern: '0 9 * * *', tz: 'UTC' },
      { name: 'tick', data: { scheduleId: 'daily' } },
    );
    await queue.close();
    await (queue.opts.connection as Redis).quit();
    expect(await scanKeys(redis, 'oc:sess:*')).toHaveLength(4); // two records, two histories: the old layout

    // Two gateways start at once on it: one moves, the other waits for it.
    gws = await Promise.all(
      [0, 1].map(() => startTestGateway({ flush: false, config: CONFIG, redisUrl: testRedisUrl() })),
    );
  });
  afterAll(async () => {
    for (const gw of gws) await gw.close();
    await redis.quit();
  });

  it('leaves no key of the old layout behind', async () => {
    expect(await scanKeys(redis, 'oc:sess:*')).toEqual([]);
    expect(await scanKeys(redis, 'oc:{sched}:*')).toEqual([
      'oc:{sched}:api:legacy',
      'oc:{sched}:refs',
      'oc:{sched}:runs:legacy/daily',
      'oc:{sched}:s:legacy/daily',
    ]);
    expect((await redis.zrange('oc:{sessidle}:active', 0, -1)).sort()).toEqual([
      'legacy/sess_legacy0001',
      'legacy/standup',
    ]);
    // The repair's work list: renamed too (the repair may already have taken the idle ones off).
    const busy = await redis.zrange('oc:{sessbusy}:all', 0, -1);
    expect(busy.filter((m) => !['legacy/sess_legacy0001', 'legacy/standup'].includes(m))).toEqual([]);
  });

  it('old sessions read through the API, moved once (history not doubled)', async () => {
    const [gw] = gws;
    const s = await gw.request('GET', `${API}/sessions/standup`);
    expect([s.status, s.body]).toEqual([
      200,
      expect.objectContaining({ id: 'standup', workspace: 'legacy', userId: 'bot', messageCount: 2 }),
    ]);
    const hist = await gw.request('GET', `${API}/sessions/standup/history`);
    expect(hist.body.data.map((t: Turn) => t.content)).toEqual(['old question', 'answer to old question']);
    const list = await gw.request('GET', `${API}/sessions?workspace=legacy`);
    expect(list.body.data.map((x: { id: string }) => x.id).sort()).toEqual(['sess_legacy0001', 'standup']);
  });

  it('old sessions continue: a chosen id by name, a generated one as the user’s current session', async () => {
    const [gw, other] = gws;
    const next = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'legacy', userId: 'bot', sessionId: 'standup', message: 'new question' },
    });
    expect([next.status, next.body.response]).toEqual([200, offline('new question', 2)]);
    const current = await other.request('POST', `${API}/messages`, {
      body: { workspace: 'legacy', userId: 'alice', message: 'still there?' },
    });
    expect([current.status, current.body.sessionId, current.body.response]).toEqual([
      200,
      'sess_legacy0001',
      offline('still there?', 2),
    ]);
    expect((await other.request('GET', `${API}/sessions/standup/history`)).body.total).toBe(4);
  });

  it('the old schedule reads with its owner and run, ticks from a moved job scheduler, and runs now', async () => {
    const [gw] = gws;
    const detail = await gw.request('GET', `${API}/schedules/daily`);
    expect(detail.body).toMatchObject({
      id: 'daily',
      workspace: 'legacy',
      createdBy: 'key_old',
      runCount: 1,
      recentRuns: [expect.objectContaining({ runId: 'run_old' })],
    });
    const schedulers = await gw.gateway.ctx.queues.get('schedules')!.getJobSchedulers();
    expect(schedulers.map((j) => [j.key, j.pattern])).toEqual([['legacy/daily', '0 9 * * *']]);
    // The old scheduler's pending tick went with it: 9:00 runs once, not twice.
    const delayed = await gw.gateway.ctx.queues.get('schedules')!.getDelayed();
    expect(delayed.map((j) => j.id!.replace(/:\d+$/, ''))).toEqual(['repeat:legacy/daily']);

    const run = await gw.request('POST', `${API}/schedules/daily/run`);
    expect([run.status, run.body.sessionId]).toEqual([202, 'standup']);
    const after = await eventually(async () => {
      const d = await gw.request('GET', `${API}/schedules/daily`);
      return d.body.recentRuns[0]?.runId === run.body.runId && d.body.recentRuns[0].status === 'completed' && d.body;
    }, 20000);
    expect(after.runCount).toBe(2);
    expect((await gw.request('GET', `${API}/sessions/standup`)).body.messageCount).toBe(6);
  });

  it('a tick an old job scheduler queued before the upgrade (no workspace in its data) still runs, once', async () => {
    const [gw] = gws;
    const tick = Math.floor(Date.now() / 1000) * 1000;
    await gw.gateway.ctx.queues
      .get('schedules')!
      .add('tick', { scheduleId: 'daily' }, { jobId: `repeat:daily:${tick}` });
    const after = await eventually(async () => {
      const d = await gw.request('GET', `${API}/schedules/daily`);
      const run = d.body.recentRuns.find((r: { runId: string }) => r.runId === `repeat:daily:${tick}`);
      return run?.status === 'completed' && d.body;
    }, 20000);
    expect(after.runCount).toBe(3);
    expect(after.recentRuns[0]).toMatchObject({
      trigger: 'schedule',
      scheduledFor: new Date(tick).toISOString(),
      sessionId: 'standup',
    });
  });
});
