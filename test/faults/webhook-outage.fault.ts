/**
 * Fault (4): a webhook receiver down for 60 s while 30 events are emitted — answering 503 for
 * the first 30 s, then not listening at all — comes back. Real parts: the gateway emits, two
 * `openclaw worker` processes deliver, on the real Redis; the receiver verifies every signature.
 * The retry schedule is the default one scaled down 1,000× (5 ms … 36 s, about 99 s in all),
 * the circuit breaker probes every 2 s. Every event must arrive exactly once (one webhook-id
 * per event, the same on every attempt), none given up, and the figures are printed.
 * Then: a fan-out interrupted between writing its delivery record and adding its job (what a
 * crash or a Redis error leaves) is found by the worker processes' repair and delivered once.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startWorkerProcesses, type WorkerProcesses } from '../helpers/worker-processes';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../../server/webhooks/backoff';
import { deliveryIdFor, payloadOf } from '../../server/webhooks/service';
import { startReceiver, poll, sleep, type Receiver } from '../webhooks/receiver';

const SECRET = 'outage-secret-0123456789abcdef';
const EVENTS = 30;
const OUTAGE_MS = 60_000;
const CONFIG = {
  workspaces: [{ id: 'team' }],
  webhooks: {
    retrySchedule: DEFAULT_RETRY_SCHEDULE_MS.map((ms) => ms / 1000),
    circuitBreaker: { probeIntervalMs: 2000 },
    repairIntervalMs: 2000,
  },
};

describe('fault: webhook receiver down for 60 s', () => {
  let gw: TestGateway;
  let rx: Receiver;
  let workers: WorkerProcesses;

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    gw = await startTestGateway({ config: CONFIG, workers: false });
    workers = await startWorkerProcesses(CONFIG, 2);
  });
  afterAll(async () => {
    await workers?.stop();
    await gw?.close();
    await rx?.close();
  });

  it('delivers all 30 events exactly once after the outage, with the same webhook-id on every attempt', async () => {
    const sub = (
      await gw.request('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['message.sent'], secret: SECRET } })
    ).body;
    expect(sub.retries).toBe(7); // the whole schedule by default

    const t0 = Date.now();
    rx.failAll({ status: 503, body: 'down for maintenance' });
    const sent: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      if (i === EVENTS / 2) {
        await sleep(Math.max(0, t0 + OUTAGE_MS / 2 - Date.now()));
        await rx.stop(); // the second half of the outage: connection refused
      }
      sent.push(
        (await gw.gateway.ctx.events.emit('message.sent', 'team', { messageId: `msg_${i}`, workspace: 'team' })).id,
      );
      await sleep(1500);
    }
    await sleep(Math.max(0, t0 + OUTAGE_MS - Date.now()));
    const failedHits = rx.hits.length;
    const subWhileDown = (await gw.request('GET', `/api/v1/webhooks/${sub.id}`)).body;
    rx.failAll(null);
    await rx.start();
    const back = Date.now();

    await rx.waitFor((a) => a.length >= EVENTS, 100_000, 'all 30 events after the outage');
    const drainedMs = Date.now() - back;
    const list = async () =>
      (await gw.request('GET', `/api/v1/webhooks/${sub.id}/deliveries?limit=100`)).body.data as any[];
    const log = await poll(
      list,
      (l) => l.length === EVENTS && l.every((d) => d.status === 'delivered'),
      10_000,
      'every delivery logged as delivered',
    );
    await sleep(1000); // anything sent twice would arrive now

    // Exactly once: one accepted request per event, one webhook-id per event.
    expect(rx.accepted.map((a) => a.body.id).sort()).toEqual([...sent].sort());
    const idOf = new Map(rx.accepted.map((a) => [a.body.id, a.headers['webhook-id']]));
    expect(new Set(idOf.values()).size).toBe(EVENTS);
    expect(rx.hits.every((h) => h.standardOk)).toBe(true);
    // The same webhook-id on every attempt: each failed request carried its event's final id.
    const failed = rx.hits.filter((h) => h.status === 503);
    expect(failed.length).toBeGreaterThan(0);
    for (const h of failed) expect(h.headers['webhook-id']).toBe(idOf.get(JSON.parse(h.raw).id));
    for (const d of log) expect(idOf.get(d.eventId)).toBe(d.id);

    const attempts = log.reduce((n, d) => n + d.attemptCount, 0);
    const sub2 = (await gw.request('GET', `/api/v1/webhooks/${sub.id}`)).body;
    expect(sub2).toMatchObject({
      enabled: true,
      consecutiveFailures: 0,
      circuit: { state: 'closed', failedAttempts: 0 },
    });
    process.stdout.write(
      `webhook outage: ${EVENTS} events during a ${OUTAGE_MS / 1000} s outage (503, then refused) → all ${EVENTS} delivered exactly once; ` +
        `drained ${(drainedMs / 1000).toFixed(1)} s after the receiver came back; ${attempts} attempts in all ` +
        `(${failedHits} requests answered 503, ${attempts - EVENTS - failedHits} refused); circuit ${subWhileDown.circuit.state} at the end of the outage ` +
        `(opened ${subWhileDown.circuit.openedAt ? `${((Date.parse(subWhileDown.circuit.openedAt) - t0) / 1000).toFixed(1)} s in` : 'never'}), closed after the first success\n`,
    );
  });

  it('repairs a delivery recorded without its job: queued again by a worker process and delivered once', async () => {
    const sub = (
      await gw.request('POST', '/api/v1/webhooks', {
        body: { url: rx.url, events: ['session.started'], secret: SECRET },
      })
    ).body;
    rx.reset();
    const e = {
      id: 'evt_crashedbetweenrecordjob',
      event: 'session.started' as const,
      timestamp: '2026-12-01T10:00:00Z',
      data: { sessionId: 'sess_x', workspace: 'team' },
    };
    const id = deliveryIdFor(e.id, sub.id);
    const store = gw.gateway.ctx.stores.webhooks;
    const t0 = Date.now();
    await store.putBody(e.id, payloadOf(e), 86400);
    await store.createDelivery(
      { id, webhookId: sub.id, eventId: e.id, event: e.event, manual: false, redeliveryOf: null },
      86400,
    );
    await rx.waitFor((a) => a.length === 1, 20_000, 'the repaired delivery');
    const repairedMs = Date.now() - t0;
    await sleep(2500); // one more repair round: it must not send it again
    expect(rx.accepted.map((a) => [a.body.id, a.headers['webhook-id']])).toEqual([[e.id, id]]);
    process.stdout.write(
      `webhook repair: a delivery recorded without its job was delivered ${(repairedMs / 1000).toFixed(1)} s later (repairIntervalMs 2000), once\n`,
    );
  });
});
