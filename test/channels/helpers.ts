/** Shared by the channel suites: a log capture, /metrics reading, a webhook receiver for channel events. */
import type { FastifyBaseLogger } from 'fastify';
import { createLogger } from '../../server/logger';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

export const RECEIVER_SECRET = 'channel-events-receiver-secret-0123';

/** A real pino logger (the gateway's own, redaction included) whose lines the test can read. */
export function capturedLogger(): { log: FastifyBaseLogger; lines: () => string[] } {
  const lines: string[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(s) }) as unknown as FastifyBaseLogger;
  return { log, lines: () => lines };
}

/** The value of one Prometheus sample from GET /metrics (0 when absent). */
export async function metric(gw: TestGateway, name: string, labels: Record<string, string>): Promise<number> {
  const res = await gw.request('GET', '/metrics');
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of res.text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf('}'));
    if (want.every((w) => inner.split(',').includes(w))) return Number(line.slice(line.indexOf('}') + 1));
  }
  return 0;
}

/**
 * Creates workspace `id` through the API with these allowlist entries, on a gateway without
 * channels (a channel's workspace must exist when the gateway starts), then stops that gateway:
 * the test's own gateway starts on the same data (flush: false).
 */
export async function seedWorkspace(id: string, allowlist: string[]): Promise<void> {
  const gw = await startTestGateway({ workers: false });
  try {
    expect((await gw.request('POST', '/api/v1/workspaces', { body: { id } })).status).toBe(201);
    if (allowlist.length)
      expect(
        (await gw.request('PATCH', `/api/v1/workspaces/${id}/allowlist`, { body: { add: allowlist } })).status,
      ).toBe(200);
  } finally {
    await gw.close();
  }
}

/** Config of an outbound webhook to a local receiver, for the events channels emit. */
export const outboundTo = (url: string, events: string[]) => ({
  allowedHosts: ['127.0.0.1'],
  outbound: [{ url, secret: RECEIVER_SECRET, events }],
});
