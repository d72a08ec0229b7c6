/**
 * Deliveries are sent by whichever process runs workers: an HTTP-only gateway in this process
 * queues them, and two real `openclaw worker` processes (the built CLI) on the same Redis send
 * them, retries included, each delivery exactly once to a receiver that accepts it.
 * Needs `npm run build` (npm test does it).
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startWorkerProcesses, type WorkerProcesses } from '../helpers/worker-processes';
import { startReceiver, poll, type Receiver } from './receiver';

const SECRET = 'worker-process-secret-012345';
const CONFIG = { workspaces: [{ id: 'team' }], webhooks: { retrySchedule: [20, 40, 80], maxDelayMs: 200 } };

describe('webhook deliveries from `openclaw worker` processes', () => {
  let gw: TestGateway;
  let rx: Receiver;
  let procs: WorkerProcesses;

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    gw = await startTestGateway({ config: CONFIG, workers: false });
    procs = await startWorkerProcesses(CONFIG, 2);
  }, 60000);
  afterAll(async () => {
    await procs?.stop();
    await gw?.close();
    await rx?.close();
  });

  it('sends every queued delivery once, retrying in the worker processes', async () => {
    const sub = (
      await gw.request('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['message.sent'], secret: SECRET } })
    ).body;
    rx.fail({ status: 500 }, { status: 502 });
    const sent = [];
    for (let i = 0; i < 20; i++)
      sent.push(await gw.gateway.ctx.events.emit('message.sent', 'team', { messageId: `msg_${i}`, workspace: 'team' }));
    await rx.waitFor((a) => a.length === 20, 20000);
    expect(rx.accepted.map((a) => a.body.id).sort()).toEqual(sent.map((e) => e.id).sort());
    expect(rx.hits.every((h) => h.standardOk)).toBe(true);
    const log = await poll(
      async () => (await gw.request('GET', `/api/v1/webhooks/${sub.id}/deliveries?limit=100`)).body.data as any[],
      (l) => l.length === 20 && l.every((d) => d.status === 'delivered'),
      5000,
      'all delivered',
    );
    expect(log.reduce((n, d) => n + d.attemptCount, 0)).toBe(22); // 20 deliveries + the 2 retries
    expect(rx.hits).toHaveLength(22);
  });
});
