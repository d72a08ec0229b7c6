/**
 * The delivery log is kept webhooks.retentionDays: the subscription's log keys and the event's
 * body carry that TTL in Redis, and the log no longer lists (and drops) deliveries older than
 * that, by the gateway clock.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis } from '../helpers/redis';
import { startReceiver, poll, type Receiver } from './receiver';

const SECRET = 'retention-secret-0123456789';
const DAY = 86_400_000;

describe('delivery log retention', () => {
  let gw: TestGateway;
  let rx: Receiver;
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const redis = rawRedis();

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    gw = await startTestGateway({ clock, config: { webhooks: { retentionDays: 2 } } });
  });
  afterAll(async () => {
    await gw.close();
    await rx.close();
    await redis.quit();
  });

  it('expires attempts and deliveries after retentionDays and stops listing them', async () => {
    const sub = (
      await gw.request('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['message.sent'], secret: SECRET } })
    ).body;
    const e = await gw.gateway.ctx.events.emit('message.sent', 'default', { messageId: 'm' });
    const list = () => gw.request('GET', `/api/v1/webhooks/${sub.id}/deliveries`);
    const [d] = (await poll(list, (r) => r.body.data[0]?.status === 'delivered', 5000, 'delivered')).body.data;
    expect(d.eventId).toBe(e.id);
    for (const key of [`oc:{whd:${sub.id}}:d`, `oc:{whd:${sub.id}}:log`, `oc:{whe:${e.id}}:body`]) {
      const ttl = await redis.ttl(key);
      expect([key, ttl > 2 * 86400 - 60 && ttl <= 2 * 86400]).toEqual([key, true]);
    }
    offset = 2 * DAY - 60_000;
    expect((await list()).body).toMatchObject({ total: 1, data: [{ id: d.id }] });
    offset = 2 * DAY + 60_000;
    expect((await list()).body).toEqual({ data: [], total: 0 });
    // Dropped, not only hidden: the record is gone from the subscription's log.
    expect(await redis.hexists(`oc:{whd:${sub.id}}:d`, d.id)).toBe(0);
  });
});
