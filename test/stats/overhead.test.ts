/**
 * X-OpenClaw-Overhead-Ms: on every gateway response, and total minus the upstream time a route
 * reports. The second part runs the plugin in a real Fastify app on a real port, with a route
 * that reports a known upstream time.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import overheadPlugin, { OVERHEAD_HEADER, reportUpstreamTime } from '../../server/metrics/overhead';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const MS = /^\d+\.\d{2}$/;

describe('overhead header on the gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it.each([
    ['GET', '/api/v1/health', null, 200],
    ['GET', '/api/v1/health', 'no-key', 401],
    ['GET', '/api/v1/nope', null, 404],
    ['POST', '/api/v1/workspaces', null, 400],
    ['GET', '/healthz', null, 200],
    ['GET', '/api/v1/stats', null, 200],
  ])('%s %s (%s) → %s carries it', async (method, path, keyMode, status) => {
    const res = await gw.request(method, path, {
      key: keyMode === 'no-key' ? null : undefined,
      body: method === 'POST' ? {} : undefined,
    });
    expect(res.status).toBe(status);
    expect(res.headers.get(OVERHEAD_HEADER)).toMatch(MS);
    expect(res.headers.get('server-timing')).toMatch(/^gateway;dur=\d+\.\d{2}$/);
  });
});

describe('overhead plugin', () => {
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    app = Fastify();
    await app.register(overheadPlugin);
    app.get('/upstream', async (request) => {
      await sleep(5); // stands for waiting on the worker; the route reports what it measured
      reportUpstreamTime(request, 40);
      return { ok: true };
    });
    app.get('/twice', (request) => {
      reportUpstreamTime(request, 10);
      reportUpstreamTime(request, 5);
      reportUpstreamTime(request, Number.NaN);
      reportUpstreamTime(request, -3);
      return { ok: true };
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('subtracts the upstream time a route reports and shows both in Server-Timing', async () => {
    const res = await fetch(`${url}/upstream`);
    const overhead = Number(res.headers.get(OVERHEAD_HEADER));
    const timing = /^gateway;dur=(\d+\.\d{2}), upstream;dur=(\d+\.\d{2})$/.exec(res.headers.get('server-timing')!)!;
    expect(Number(timing[1])).toBe(overhead);
    expect(timing[2]).toBe('40.00');
    expect(overhead).toBeGreaterThanOrEqual(0);
  });

  it('adds up reports, ignoring non-finite and negative ones, and starts from zero per request', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/twice`);
      expect(res.headers.get('server-timing')).toMatch(/, upstream;dur=15\.00$/);
    }
  });
});
