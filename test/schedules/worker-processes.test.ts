/**
 * Exactly one run per tick across real OS processes: an HTTP-only gateway in this process and two
 * `openclaw worker` processes (the built CLI) on the same Redis run a seconds-level schedule.
 * Needs `npm run build` (npm test does it).
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startWorkerProcesses, type WorkerProcesses } from '../helpers/worker-processes';
import { poll, sleep } from '../webhooks/receiver';
import type { ScheduleRun } from '../../server/schedules/store';

// Every-second ticks keep the test short; the default limits.scheduleMinIntervalSeconds (60) refuses them.
const CONFIG = { model: 'offline', workspaces: [{ id: 'team' }], limits: { scheduleMinIntervalSeconds: 1 } };

describe('schedules with two `openclaw worker` processes', () => {
  let gw: TestGateway;
  let procs: WorkerProcesses;

  beforeAll(async () => {
    gw = await startTestGateway({ config: CONFIG, workers: false });
    procs = await startWorkerProcesses(CONFIG, 2);
  }, 60000);
  afterAll(async () => {
    await procs?.stop();
    await gw?.close();
  });

  it('runs every tick once, in one of the processes', async () => {
    const created = await gw.request('POST', '/api/v1/schedules', {
      body: {
        id: 'procs',
        workspace: 'team',
        userId: 'bot',
        message: 'Status?',
        cron: '*/1 * * * * *',
        timezone: 'UTC',
      },
    });
    expect(created.status).toBe(201);
    const runs = () => gw.gateway.ctx.stores.schedules.runs({ workspace: 'team', id: 'procs' });
    await poll(runs, (r) => r.filter((x) => x.status === 'completed').length >= 6, 20000, 'six completed runs').catch(
      async (err) => {
        console.log(
          JSON.stringify(await runs(), null, 1).slice(0, 3000),
          procs.workers
            .map((w) => w.output())
            .join('\n----\n')
            .slice(-5000),
        );
        throw err;
      },
    );
    await gw.request('PATCH', '/api/v1/schedules/procs', { body: { enabled: false } });
    await sleep(1500);

    const all: ScheduleRun[] = await runs();
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(new Set(all.map((r) => r.scheduledFor)).size).toBe(all.length); // no tick twice
    expect(new Set(all.map((r) => r.messageId)).size).toBe(all.length); // one message per tick
    for (const r of all) {
      expect(r).toMatchObject({
        trigger: 'schedule',
        status: 'completed',
        runId: `repeat:team/procs:${Date.parse(r.scheduledFor)}`,
      });
    }
  });
});
