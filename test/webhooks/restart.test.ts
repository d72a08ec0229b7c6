/**
 * Deliveries live in Redis, not in a process: a gateway closed with retries pending (delayed
 * BullMQ jobs) or with deliveries never attempted (no worker running) leaves them to the next
 * gateway started on the same Redis, which delivers them with the same delivery ids.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, poll, type Receiver } from './receiver';

const SECRET = 'restart-secret-0123456789abc';
const CONFIG = { workspaces: [{ id: 'team' }], webhooks: { retrySchedule: [10, 20, 40], maxDelayMs: 5000 } };
const DATA = { sessionId: 'sess_1', workspace: 'team', userId: 'u', channel: 'api' };

describe('webhook deliveries across a gateway restart', () => {
  let rx: Receiver;
  let gw: TestGateway | null = null;

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
  });
  afterAll(async () => {
    await gw?.close();
    await rx.close();
  });

  it('delivers retries that were pending and deliveries never attempted when the first gateway stopped', async () => {
    gw = await startTestGateway({ config: CONFIG });
    const sub = (
      await gw.request('POST', '/api/v1/webhooks', {
        body: { url: rx.url, events: ['session.started', 'session.ended'], secret: SECRET },
      })
    ).body;
    rx.fail(...[1, 2, 3].map(() => ({ status: 503, headers: { 'Retry-After': '2' } })));
    const retried = [];
    for (let i = 0; i < 3; i++) retried.push(await gw.gateway.ctx.events.emit('session.started', 'team', DATA));
    await poll(
      () => gw!.gateway.ctx.stores.webhooks.listDeliveries(sub.id, 10, 0, 86400),
      (l) => l.data.length === 3 && l.data.every((d) => d.status === 'retrying'),
      5000,
      'three pending retries',
    );
    await gw.close();
    expect(rx.accepted).toHaveLength(0);

    // A gateway without workers queues deliveries that nobody attempts before it stops.
    gw = await startTestGateway({ config: CONFIG, flush: false, workers: false });
    const queued = await gw.gateway.ctx.events.emit('session.ended', 'team', { ...DATA, reason: 'deleted' });
    const waiting = await gw.gateway.ctx.stores.webhooks.listDeliveries(sub.id, 10, 0, 86400);
    expect(waiting.data.find((d) => d.eventId === queued.id)).toMatchObject({ status: 'pending', attemptCount: 0 });
    await gw.close();

    gw = await startTestGateway({ config: CONFIG, flush: false });
    await rx.waitFor((a) => a.length === 4, 15000);
    expect(rx.accepted.map((a) => a.body.id).sort()).toEqual([...retried, queued].map((e) => e.id).sort());
    const log = await gw.gateway.ctx.stores.webhooks.listDeliveries(sub.id, 10, 0, 86400);
    await poll(
      () => gw!.gateway.ctx.stores.webhooks.listDeliveries(sub.id, 10, 0, 86400),
      (l) => l.data.every((d) => d.status === 'delivered'),
      5000,
      'all delivered',
    );
    // Each delivery id was used by its first attempt and again by its retry after the restart.
    for (const d of log.data) {
      const ids = rx.hits.filter((h) => h.headers['x-openclaw-delivery'] === d.id).map((h) => h.status);
      expect(ids).toEqual(d.eventId === queued.id ? [200] : [503, 200]);
    }
  });
});
