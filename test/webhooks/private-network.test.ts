/**
 * The legacy webhooks.allowPrivateNetworks: false refuses loopback, private and link-local
 * targets for every subscription (operator keys and config entries included), when a
 * subscription is made through the API and again at connect time (after DNS resolution),
 * which also covers config subscriptions and names that resolve to private addresses.
 * The default policy (tenant vs operator keys, every address form) is in test/security/ssrf.test.ts.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, poll, type Receiver } from './receiver';
import { classifyAddress } from '../../server/webhooks/network-policy';

const SECRET = 'policy-secret-0123456789abcdef';

describe('private-network policy', () => {
  let gw: TestGateway;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    const port = new URL(rx.url).port;
    gw = await startTestGateway({
      config: {
        webhooks: {
          allowPrivateNetworks: false,
          outbound: [
            { url: rx.url, secret: SECRET, events: ['session.started'], retries: 0 },
            {
              url: `http://localhost:${port}/openclaw-events`,
              secret: SECRET,
              events: ['session.started'],
              retries: 0,
            },
          ],
        },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await rx.close();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost:5678/webhook/abc',
    'http://api.localhost/hook',
    'http://[::1]/hook',
    'http://10.1.2.3/hook',
    'http://172.20.0.5/hook',
    'http://192.168.1.10/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[fd00::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
  ])('refuses %s through the API (400)', async (url) => {
    const res = await gw.request('POST', '/api/v1/webhooks', { body: { url, events: ['*'] } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'url_not_allowed', field: 'url' });
    expect(res.body.error.message).toMatch(
      /^url: .+ is a (private or loopback address; only keys over every workspace \(\*\) may target those, or hosts listed in webhooks.allowedHosts|link-local or cloud metadata address, which webhooks never target)$/,
    );
  });

  it('accepts public hosts', async () => {
    const res = await gw.request('POST', '/api/v1/webhooks', {
      body: { url: 'https://hooks.example.com/x', events: ['*'] },
    });
    expect(res.status).toBe(201);
    await gw.request('DELETE', `/api/v1/webhooks/${res.body.id}`);
  });

  it('blocks delivery at connect time, for literal IPs and for names resolving to private addresses', async () => {
    await gw.gateway.ctx.events.emit('session.started', 'default', {
      sessionId: 's',
      workspace: 'default',
      userId: 'u',
      channel: 'api',
    });
    const subs = (await gw.request('GET', '/api/v1/webhooks')).body.data.filter((s: any) => s.source === 'config');
    expect(subs).toHaveLength(2);
    for (const sub of subs) {
      const [d] = await poll(
        async () => (await gw.request('GET', `/api/v1/webhooks/${sub.id}/deliveries`)).body.data,
        (l: any[]) => l[0]?.status === 'failed',
        5000,
        'a refused delivery',
      );
      const host = new URL(sub.url).hostname;
      expect(d).toMatchObject({ attemptCount: 1, lastStatus: null });
      expect(d.lastError).toMatch(
        new RegExp(`^refused to connect: ${host}( \\((127\\.0\\.0\\.1|::1)\\))? is a private or loopback address`),
      );
    }
    expect(rx.hits).toHaveLength(0);
  });

  it('classifies addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '100.64.0.1',
      '::1',
      'fc00::1',
      '::ffff:10.0.0.1',
    ]) {
      expect([ip, classifyAddress(ip)]).toEqual([ip, 'private']);
    }
    for (const ip of ['169.254.1.1', '0.0.0.0', 'fe80::1'])
      expect([ip, classifyAddress(ip)]).toEqual([ip, 'forbidden']);
    for (const ip of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect([ip, classifyAddress(ip)]).toEqual([ip, 'public']);
    }
    expect(classifyAddress('example.com')).toBeNull();
  });
});
