/**
 * Auto-pagination of the TS SDK's list methods against a live gateway: `for await` walks every
 * page (5 sessions at limit 2: 3 pages, each fetched once), `await` gives one page with `total`,
 * and pages can be walked by hand. Webhook subscriptions and deliveries page the same way.
 */
import { OpenClaw, type Session } from '../../sdk/typescript/src/index';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('TypeScript SDK: auto-pagination against the live gateway', () => {
  let gw: TestGateway;
  let client: OpenClaw;
  let requests: string[];
  beforeAll(async () => {
    gw = await startTestGateway();
    requests = [];
    // Count the requests the SDK makes (the transport's fetch is the real one).
    const counting = (input: string, init: RequestInit) => {
      requests.push(`${init.method} ${new URL(input).pathname}${new URL(input).search}`);
      return fetch(input, init);
    };
    client = new OpenClaw({ baseUrl: gw.url, apiKey: gw.adminKey, fetch: counting });
    await client.workspaces.create({ id: 'pages' });
    for (let i = 0; i < 5; i++)
      await client.messages.send({ workspace: 'pages', userId: `user-${i}`, message: `hello ${i}` });
  }, 60_000);
  afterAll(() => gw.close());
  beforeEach(() => {
    requests.length = 0;
  });

  it('iterates every session across 3 pages, fetching each page once', async () => {
    const seen: Session[] = [];
    for await (const session of client.sessions.list({ workspace: 'pages', limit: 2 })) seen.push(session);
    expect(seen).toHaveLength(5);
    expect(new Set(seen.map((s) => s.userId))).toEqual(new Set(['user-0', 'user-1', 'user-2', 'user-3', 'user-4']));
    expect(requests).toEqual([
      'GET /api/v1/sessions?workspace=pages&limit=2&offset=0',
      'GET /api/v1/sessions?workspace=pages&limit=2&offset=2',
      'GET /api/v1/sessions?workspace=pages&limit=2&offset=4',
    ]);
    // The same order as the gateway's one-page answer.
    const all = (await gw.request('GET', '/api/v1/sessions?workspace=pages&limit=10')).body;
    expect(seen.map((s) => s.id)).toEqual(all.data.map((s: Session) => s.id));
  });

  it('awaits to one page with total, and walks pages by hand', async () => {
    const first = await client.sessions.list({ workspace: 'pages', limit: 2 });
    expect(first).toEqual({ data: expect.any(Array), total: 5, limit: 2, offset: 0 });
    expect(first.data).toHaveLength(2);
    expect(first.hasNextPage()).toBe(true);
    const sizes: number[] = [];
    for await (const page of first.iterPages()) sizes.push(page.data.length);
    expect(sizes).toEqual([2, 2, 1]);
    const last = await (await first.getNextPage()).getNextPage();
    expect(last).toMatchObject({ total: 5, offset: 4 });
    expect(last.hasNextPage()).toBe(false);
    // Starting at an offset pages on from there.
    const tail: Session[] = [];
    for await (const s of client.sessions.list({ workspace: 'pages', limit: 2, offset: 3 })) tail.push(s);
    expect(tail).toHaveLength(2);
  });

  it('an empty list yields nothing and has no next page', async () => {
    await client.workspaces.create({ id: 'empty-pages' });
    const page = await client.sessions.list({ workspace: 'empty-pages' });
    expect(page).toMatchObject({ data: [], total: 0 });
    expect(page.hasNextPage()).toBe(false);
    const items: Session[] = [];
    for await (const s of client.sessions.list({ workspace: 'empty-pages' })) items.push(s);
    expect(items).toEqual([]);
  });

  it('pages webhook subscriptions and their deliveries the same way', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await client.webhooks.create({ url: `http://127.0.0.1:9/hook-${i}`, events: ['message.sent'] })).id);
    const listed: string[] = [];
    for await (const sub of client.webhooks.list({ limit: 1 })) listed.push(sub.id);
    expect(listed).toEqual(ids);
    expect(requests.filter((r) => r.startsWith('GET /api/v1/webhooks?'))).toHaveLength(3);

    for (let i = 0; i < 3; i++) await client.webhooks.test(ids[0]);
    const deliveries: string[] = [];
    for await (const d of client.webhooks.deliveries(ids[0], { limit: 1 })) deliveries.push(d.event);
    expect(deliveries).toEqual(['ping', 'ping', 'ping']);
    expect((await client.webhooks.deliveries(ids[0], { limit: 2 })).total).toBe(3);
  });
});
