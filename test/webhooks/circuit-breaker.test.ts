/**
 * The per-subscription circuit breaker, against a real receiver that goes away and comes back:
 * after `failureThreshold` failed attempts in a row the circuit opens (visible on the
 * subscription and in the log), deliveries wait without using their attempts while one probes
 * every `probeIntervalMs`, and the first success closes it and releases everything held —
 * each event delivered once, nothing failed for good.
 */
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, poll, type Receiver } from './receiver';

const SECRET = 'breaker-secret-0123456789abc';
const PROBE_MS = 1000;

describe('webhook circuit breaker', () => {
  let gw: TestGateway;
  let rx: Receiver;
  const lines: Array<{ msg: string; webhookId?: string }> = [];
  const log = pino(
    { level: 'info' },
    { write: (l: string) => void lines.push(JSON.parse(l)) },
  ) as unknown as FastifyBaseLogger;

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    gw = await startTestGateway({
      log,
      config: {
        workspaces: [{ id: 'team' }],
        webhooks: { retrySchedule: [50, 100, 200], circuitBreaker: { failureThreshold: 3, probeIntervalMs: PROBE_MS } },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await rx.close();
  });

  it('opens after failed attempts in a row, holds deliveries while one probes, and closes by itself when the receiver is back', async () => {
    const sub = (
      await gw.request('POST', '/api/v1/webhooks', {
        body: { url: rx.url, events: ['message.sent'], secret: SECRET, retries: 20 },
      })
    ).body;
    const get = async () => (await gw.request('GET', `/api/v1/webhooks/${sub.id}`)).body;
    const deliveries = async () =>
      (await gw.request('GET', `/api/v1/webhooks/${sub.id}/deliveries?limit=100`)).body.data as any[];
    const attemptsMade = async () => (await deliveries()).reduce((n, d) => n + d.attemptCount, 0);

    await rx.stop();
    const sent = [];
    for (let i = 0; i < 10; i++)
      sent.push(await gw.gateway.ctx.events.emit('message.sent', 'team', { messageId: `msg_${i}`, workspace: 'team' }));

    const open = await poll(get, (s) => s.circuit.state === 'open', 10000, 'the circuit to open');
    expect(open.circuit).toMatchObject({
      state: 'open',
      openedAt: expect.any(String),
      nextProbeAt: expect.any(String),
      failedAttempts: expect.any(Number),
    });
    expect(open.circuit.failedAttempts).toBeGreaterThanOrEqual(3);
    expect(open.enabled).toBe(true);
    expect(
      lines.find(
        (l) => l.msg.startsWith('webhook circuit opened after 3 failed attempts in a row') && l.webhookId === sub.id,
      ),
    ).toBeDefined();

    // While open: about one probe per interval, not ten deliveries retrying every 50-200 ms.
    const before = await attemptsMade();
    await poll(
      get,
      (s) => Date.parse(s.circuit.nextProbeAt) > Date.parse(open.circuit.nextProbeAt) + PROBE_MS,
      10000,
      'two more probes',
    );
    expect((await attemptsMade()) - before).toBeLessThanOrEqual(4);
    const whileOpen = await deliveries();
    expect(whileOpen).toHaveLength(10);
    expect(whileOpen.filter((d) => d.status === 'failed')).toEqual([]); // nothing given up while open

    await rx.start();
    await rx.waitFor((a) => a.length === 10, 15000, 'every event after the receiver came back');
    const closed = await poll(get, (s) => s.circuit.state === 'closed', 5000, 'the circuit to close');
    expect(closed.circuit).toEqual({ state: 'closed', openedAt: null, nextProbeAt: null, failedAttempts: 0 });
    expect(lines.find((l) => l.msg.startsWith('webhook circuit closed') && l.webhookId === sub.id)).toBeDefined();

    // Each event once, each under its one webhook-id.
    expect(rx.accepted.map((a) => a.body.id).sort()).toEqual(sent.map((e) => e.id).sort());
    const ids = rx.accepted.map((a) => a.headers['webhook-id']);
    expect(new Set(ids).size).toBe(10);
    const log = await poll(deliveries, (l) => l.every((d) => d.status === 'delivered'), 5000, 'all delivered');
    expect(log.map((d) => d.id).sort()).toEqual([...ids].sort());
  });
});
