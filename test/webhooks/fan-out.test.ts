/**
 * How a fan-out is stored and kept whole: an event's body is stored once whatever the number of
 * subscriptions (deliveries reference it); re-emitting an event (an outbox replay) creates no
 * second delivery or job; a delivery recorded without its job (a crash in between) is found by
 * the repair and delivered; each attempt keeps at most 256 bytes of the answer; a delivery queued
 * in the previous layout (body inside each delivery) before an upgrade is still sent.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis, scanKeys } from '../helpers/redis';
import { deliveryIdFor, payloadOf } from '../../server/webhooks/service';
import { startReceiver, poll, type Receiver } from './receiver';

const SECRET = 'fanout-secret-0123456789abcd';
const CONFIG = { workspaces: [{ id: 'team' }], webhooks: { retrySchedule: [20], repairIntervalMs: 300 } };

describe('webhook fan-out storage and repair', () => {
  let gw: TestGateway;
  let rx: Receiver;
  const redis = rawRedis();
  const subscribe = async () =>
    (await gw.request('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['message.sent'], secret: SECRET } }))
      .body as { id: string };
  const deliveries = async (id: string) =>
    (await gw.request('GET', `/api/v1/webhooks/${id}/deliveries?limit=100`)).body.data as any[];
  const clear = async () => {
    for (const s of (await gw.request('GET', '/api/v1/webhooks')).body.data)
      await gw.request('DELETE', `/api/v1/webhooks/${s.id}`);
    rx.reset();
  };

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
  });
  afterEach(async () => {
    await gw?.close();
  });
  afterAll(async () => {
    await rx.close();
    await redis.quit();
  });

  it('stores a 30 KB event body once for all its deliveries; each delivery record stays small', async () => {
    gw = await startTestGateway({ config: CONFIG });
    const subs = [];
    for (let i = 0; i < 5; i++) subs.push(await subscribe());
    const response = 'word '.repeat(6000);
    const e = await gw.gateway.ctx.events.emit('message.sent', 'team', {
      messageId: 'msg_big',
      workspace: 'team',
      response,
    });
    await rx.waitFor((a) => a.length === 5);
    for (const s of subs)
      await poll(
        () => deliveries(s.id),
        (l) => l[0]?.status === 'delivered',
        5000,
        'delivered',
      );

    const bodyKeys = [];
    for (const k of await scanKeys(redis, '*'))
      if ((await redis.type(k)) === 'string' && (await redis.strlen(k)) > 20_000) bodyKeys.push(k);
    // One copy of the body in all of Redis: the event's, byte for byte what was sent.
    expect(bodyKeys).toEqual([`oc:{whe:${e.id}}:body`]);
    expect(await redis.get(bodyKeys[0])).toBe(payloadOf(e));
    expect(rx.accepted.every((a) => a.body.data.response === response)).toBe(true);
    for (const s of subs) {
      const record = (await redis.hget(`oc:{whd:${s.id}}:d`, deliveryIdFor(e.id, s.id)))!;
      expect(record).not.toContain('word word');
      expect(Buffer.byteLength(record)).toBeLessThan(300);
    }
    // The API still shows the body where it did.
    const d = (await deliveries(subs[0].id))[0];
    const detail = (await gw.request('GET', `/api/v1/webhooks/${subs[0].id}/deliveries/${d.id}`)).body;
    expect(detail.payload).toEqual(JSON.parse(payloadOf(e)));
    await clear();
  });

  it('re-emitting an event (same id) adds no delivery and no job, before or after it was delivered', async () => {
    // No workers: the jobs stay in the queue where they can be counted.
    gw = await startTestGateway({ config: CONFIG, workers: false });
    const [a, b] = [await subscribe(), await subscribe()];
    const queue = gw.gateway.ctx.queues.get('webhooks')!;
    const first = await gw.gateway.ctx.events.emit('message.sent', 'team', {
      messageId: 'msg_once',
      workspace: 'team',
    });
    await gw.gateway.ctx.events.publish(first); // what an outbox re-delivery does
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 2 });
    expect((await queue.getJob(deliveryIdFor(first.id, a.id)))?.data).toEqual({
      webhookId: a.id,
      deliveryId: deliveryIdFor(first.id, a.id),
    });
    for (const s of [a, b]) expect((await deliveries(s.id)).map((d) => d.id)).toEqual([deliveryIdFor(first.id, s.id)]);
    await gw.close();

    // A gateway with workers delivers them once; a re-emit afterwards changes nothing.
    gw = await startTestGateway({ config: CONFIG, flush: false });
    await rx.waitFor((x) => x.length === 2);
    for (const s of [a, b])
      await poll(
        () => deliveries(s.id),
        (l) => l[0]?.status === 'delivered',
        5000,
        'delivered',
      );
    await gw.gateway.ctx.events.publish(first);
    // Another event through the same path proves the worker is running before we look again.
    const other = await gw.gateway.ctx.events.emit('message.sent', 'team', {
      messageId: 'msg_other',
      workspace: 'team',
    });
    await rx.waitFor((x) => x.filter((h) => h.body.id === other.id).length === 2);
    expect(rx.accepted.filter((h) => h.body.id === first.id)).toHaveLength(2);
    expect(new Set(rx.accepted.filter((h) => h.body.id === first.id).map((h) => h.headers['webhook-id']))).toEqual(
      new Set([deliveryIdFor(first.id, a.id), deliveryIdFor(first.id, b.id)]),
    );
    for (const s of [a, b]) expect(await deliveries(s.id)).toHaveLength(2);
    await clear();
  });

  it('a delivery recorded without its job (a crash in between) is queued by the repair and delivered once', async () => {
    gw = await startTestGateway({ config: CONFIG });
    const sub = await subscribe();
    const store = gw.gateway.ctx.stores.webhooks;
    // What a fan-out interrupted after writing its records leaves behind: body and record, no job.
    const e = {
      id: 'evt_crashedbeforejob0001',
      event: 'message.sent' as const,
      timestamp: '2026-12-01T10:00:00Z',
      data: { messageId: 'msg_lost' },
    };
    const id = deliveryIdFor(e.id, sub.id);
    await store.putBody(e.id, payloadOf(e), 86400);
    await store.createDelivery(
      { id, webhookId: sub.id, eventId: e.id, event: e.event, manual: false, redeliveryOf: null },
      86400,
    );
    expect(await gw.gateway.ctx.queues.get('webhooks')!.getJob(id)).toBeUndefined();

    await rx.waitFor((a) => a.length === 1, 10000, 'the repaired delivery');
    expect(rx.accepted[0].body).toEqual(e);
    expect(rx.accepted[0].headers['webhook-id']).toBe(id);
    const [d] = await poll(
      () => deliveries(sub.id),
      (l) => l[0]?.status === 'delivered',
      5000,
      'delivered',
    );
    expect(d).toMatchObject({ id, attemptCount: 1 });
    // Nothing left for the repair, and it does not send it again.
    expect(await redis.zcard('oc:{wh}:pending')).toBe(0);
    await gw.gateway.ctx.webhooks.repairPending(0);
    expect(rx.hits).toHaveLength(1);
    await clear();
  });

  it('keeps at most 256 bytes of an answer, never cutting a character', async () => {
    gw = await startTestGateway({ config: CONFIG });
    const sub = (
      await gw.request('POST', '/api/v1/webhooks', {
        body: { url: rx.url, events: ['message.sent'], secret: SECRET, retries: 0 },
      })
    ).body;
    rx.fail({ status: 500, body: `x${'é'.repeat(2000)}` });
    await gw.gateway.ctx.events.emit('message.sent', 'team', { messageId: 'msg_long_answer', workspace: 'team' });
    const [d] = await poll(
      () => deliveries(sub.id),
      (l) => l[0]?.status === 'failed',
      5000,
      'failed',
    );
    const { attempts } = (await gw.request('GET', `/api/v1/webhooks/${sub.id}/deliveries/${d.id}`)).body;
    expect(attempts[0].status).toBe(500);
    expect(attempts[0].response).toBe(`x${'é'.repeat(127)}`); // 1 + 127 × 2 = 255 bytes: the 128th é would straddle 256
    await clear();
  });

  it('sends a delivery queued by the previous version (its body inside the delivery hash) after an upgrade', async () => {
    gw = await startTestGateway({ config: CONFIG });
    const sub = await subscribe();
    const e = {
      id: 'evt_fromtheoldlayout00001',
      event: 'message.sent' as const,
      timestamp: '2026-12-01T09:00:00Z',
      data: { messageId: 'msg_old' },
    };
    const id = 'dlv_oldlayout0000000001';
    const at = new Date().toISOString();
    await redis.hset(`oc:{whd:${sub.id}}:d:${id}`, {
      id,
      webhookId: sub.id,
      eventId: e.id,
      event: e.event,
      body: payloadOf(e),
      status: 'pending',
      attemptCount: '0',
      manual: '',
      redeliveryOf: '',
      createdAt: at,
      updatedAt: at,
      deliveredAt: '',
      nextAttemptAt: '',
      lastStatus: '',
      lastError: '',
    });
    await redis.expire(`oc:{whd:${sub.id}}:d:${id}`, 86400);
    await gw.gateway.ctx.queues
      .get('webhooks')!
      .add(e.event, { webhookId: sub.id, deliveryId: id }, { jobId: id, attempts: 4, backoff: { type: 'webhook' } });

    await rx.waitFor((a) => a.length === 1, 10000, 'the old delivery');
    expect(rx.accepted[0].body).toEqual(e);
    expect(rx.accepted[0].headers['webhook-id']).toBe(id);
    const [d] = await poll(
      () => deliveries(sub.id),
      (l) => l[0]?.status === 'delivered',
      5000,
      'delivered',
    );
    const detail = (await gw.request('GET', `/api/v1/webhooks/${sub.id}/deliveries/${d.id}`)).body;
    expect(detail.attempts.map((a: any) => [a.attempt, a.status])).toEqual([[1, 200]]);
    expect(detail.payload).toEqual(e);
    expect(await redis.exists(`oc:{whd:${sub.id}}:d:${id}`)).toBe(0); // rewritten in the new layout
    await clear();
  });
});
