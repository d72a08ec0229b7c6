/**
 * POST /webhooks/{id}/redeliver {"since"}: replays every failed delivery created since a time,
 * each as a new delivery with the original's exact body (same event id), oldest first, in pages
 * of `limit`; bad input is a 400 in the one error shape.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, poll, type Receiver } from './receiver';

const SECRET = 'replay-secret-0123456789abcd';

describe('redeliver failed deliveries since a time', () => {
  let gw: TestGateway;
  let rx: Receiver;
  let sub: { id: string };
  const failed: string[] = [];
  let delivered = '';
  let since = '';
  const replay = (body: unknown, key?: string) =>
    gw.request('POST', `/api/v1/webhooks/${sub.id}/redeliver`, { body, key });
  const deliveries = async () =>
    (await gw.request('GET', `/api/v1/webhooks/${sub.id}/deliveries?limit=100`)).body.data as any[];

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    gw = await startTestGateway({ config: { workspaces: [{ id: 'team' }], webhooks: { retrySchedule: [10] } } });
    sub = (
      await gw.request('POST', '/api/v1/webhooks', {
        body: { url: rx.url, events: ['message.sent'], secret: SECRET, retries: 0 },
      })
    ).body;
    since = new Date(Date.now() - 1000).toISOString();
    // Three events fail (no retries), one is delivered: in this order.
    for (const answer of [500, 500, 200, 500]) {
      if (answer !== 200) rx.fail({ status: answer });
      const e = await gw.gateway.ctx.events.emit('message.sent', 'team', {
        messageId: `msg_${failed.length}`,
        workspace: 'team',
      });
      await poll(
        deliveries,
        (l) => l.some((d) => d.eventId === e.id && ['failed', 'delivered'].includes(d.status)),
        10000,
        'the attempt',
      );
      if (answer === 200) delivered = e.id;
      else failed.push(e.id);
    }
    rx.reset();
  });
  afterAll(async () => {
    await gw.close();
    await rx.close();
  });

  it('replays each failed delivery since the time once, oldest first, with its exact body', async () => {
    const originals = await deliveries();
    const res = await replay({ since: since.replace('Z', '+00:00') }); // any RFC 3339 offset

    expect(res.status).toBe(202);
    expect(res.body.redelivered).toBe(3);
    expect(res.body.nextSince).toBeNull();
    expect(res.body.data.map((d: any) => d.eventId)).toEqual(failed);
    for (const d of res.body.data) {
      const original = originals.find((o) => o.eventId === d.eventId);
      expect(d).toMatchObject({ webhookId: sub.id, status: 'pending', manual: true, redeliveryOf: original.id });
      expect(d.id).not.toBe(original.id);
    }
    await rx.waitFor((a) => a.length === 3);
    expect(rx.accepted.map((a) => a.body.id).sort()).toEqual([...failed].sort());
    expect(rx.accepted.map((a) => a.body.id)).not.toContain(delivered);
    // The bytes are the original's: the same event id and data as the first attempt.
    const detail = (await gw.request('GET', `/api/v1/webhooks/${sub.id}/deliveries/${res.body.data[0].redeliveryOf}`))
      .body;
    expect(rx.accepted.find((a) => a.body.id === failed[0])!.body).toEqual(detail.payload);
  });

  it('pages with limit and nextSince; a time after everything replays nothing', async () => {
    const first = await replay({ since, limit: 2 });
    expect(first.status).toBe(202);
    expect(first.body.data.map((d: any) => d.eventId)).toEqual(failed.slice(0, 2));
    expect(first.body.nextSince).toEqual(expect.any(String));
    const rest = await replay({ since: first.body.nextSince, limit: 2 });
    expect(rest.body.data.map((d: any) => d.eventId)).toEqual(failed.slice(2));
    expect(rest.body.nextSince).toBeNull();
    const none = await replay({ since: new Date(Date.now() + 60_000).toISOString() });
    expect(none.body).toEqual({ data: [], redelivered: 0, nextSince: null });
  });

  it.each([
    ['missing since', {}, 'since: is required', 'since'],
    ['since not a date-time', { since: 'yesterday' }, 'since: must match format "date-time"', 'since'],
    ['since without a time zone', { since: '2026-12-01T00:00:00' }, 'since: must match format "date-time"', 'since'],
    ['limit out of range', { since: '2026-12-01T00:00:00Z', limit: 0 }, 'limit: must be >= 1', 'limit'],
    ['unknown field', { since: '2026-12-01T00:00:00Z', status: 'failed' }, 'status: unknown field', 'status'],
  ])('%s → 400 in the one error shape', async (_name, body, message, field) => {
    const res = await replay(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'validation_error', message, field } });
  });

  it('an unknown subscription is 404; a key without webhooks:write is 403', async () => {
    const unknown = await gw.request('POST', '/api/v1/webhooks/wh_doesnotexist/redeliver', { body: { since } });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    const reader = await gw.createKey({ permissions: ['webhooks:read'] });
    const res = await replay({ since }, reader);
    expect([res.status, res.body.error.code]).toEqual([403, 'missing_permission']);
  });
});
