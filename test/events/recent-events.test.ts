/**
 * GET /api/v1/events: the recent events exactly as a subscription receives them (the same bytes
 * a real receiver got), newest first, within the key's workspaces, filtered by type and
 * workspace; an outbox replay is never listed twice; the log keeps the newest EVENT_LOG_CAP per
 * workspace; and every bad input is a 4xx in the one error shape.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, type Receiver } from '../webhooks/receiver';
import { EVENT_LOG_CAP } from '../../server/store/events';

const SECRET = 'events-secret-0123456789abcdef';

describe('GET /api/v1/events', () => {
  let gw: TestGateway;
  let rx: Receiver;
  let teamKey: string;
  const sent: Record<string, string[]> = { team: [], other: [] };

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    gw = await startTestGateway({ config: { workspaces: [{ id: 'team' }, { id: 'other' }, { id: 'quiet' }] } });
    teamKey = await gw.createKey({ workspaces: ['team'], permissions: ['messages:write', 'webhooks:read'] });
    expect(
      (await gw.request('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['*'], secret: SECRET } })).status,
    ).toBe(201);
    // One message at a time, alternating workspaces: the log's order is the order they finished in.
    for (let i = 0; i < 3; i++) {
      for (const ws of ['team', 'other']) {
        const res = await gw.request('POST', '/api/v1/messages', {
          body: { workspace: ws, userId: `u${i}`, message: `hello ${ws} ${i}` },
        });
        expect(res.status).toBe(200);
        sent[ws].push(res.body.messageId);
        await rx.waitFor(
          (a) => a.some((x) => x.event === 'message.sent' && x.data.messageId === res.body.messageId),
          60_000,
        );
      }
    }
  }, 120_000); // generous: on a loaded shared machine the gateway and its first messages take a while
  afterAll(async () => {
    await gw.close();
    await rx.close();
  });

  it('lists message.sent of one workspace newest first, byte for byte what the subscription received', async () => {
    const res = await gw.request('GET', '/api/v1/events?type=message.sent&workspace=team&limit=3');
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: any) => e.data.messageId)).toEqual([...sent.team].reverse());
    for (const e of res.body.data) {
      expect(Object.keys(e)).toEqual(['id', 'event', 'timestamp', 'data']);
      const delivered = rx.hits.find((h) => h.raw.includes(`"id":"${e.id}"`));
      expect(delivered?.raw).toBe(JSON.stringify(e));
    }
  });

  it('limit cuts the newest first; without type every event of the workspace comes', async () => {
    const one = await gw.request('GET', '/api/v1/events?type=message.sent&workspace=team&limit=1');
    expect(one.body.data.map((e: any) => e.data.messageId)).toEqual([sent.team[2]]);
    const all = await gw.request('GET', '/api/v1/events?workspace=team&limit=100');
    const names = new Set(all.body.data.map((e: any) => e.event));
    expect(names).toEqual(new Set(['message.received', 'message.sent', 'session.started']));
    expect(all.body.data.every((e: any) => e.data.workspace === 'team')).toBe(true);
    expect(all.body.data[0]).toMatchObject({ event: 'message.sent', data: { messageId: sent.team[2] } });
  });

  it('a key sees only its workspaces: no workspace filter gives its own events only; another workspace is 403', async () => {
    const mine = await gw.request('GET', '/api/v1/events?limit=100', { key: teamKey });
    expect(mine.status).toBe(200);
    expect(mine.body.data.length).toBeGreaterThan(0);
    expect(mine.body.data.every((e: any) => e.data.workspace === 'team')).toBe(true);
    const theirs = await gw.request('GET', '/api/v1/events?workspace=other', { key: teamKey });
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.code).toBe('workspace_forbidden');
    // The admin key (every workspace) merges them, newest first.
    const merged = await gw.request('GET', '/api/v1/events?type=message.sent&limit=6');
    expect(merged.body.data.map((e: any) => e.data.messageId)).toEqual([
      sent.other[2],
      sent.team[2],
      sent.other[1],
      sent.team[1],
      sent.other[0],
      sent.team[0],
    ]);
  });

  it('a workspace without events answers an empty list', async () => {
    const res = await gw.request('GET', '/api/v1/events?workspace=quiet');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [] });
  });

  it('an event published again (outbox replay) is listed once, in its first place', async () => {
    const before = (await gw.request('GET', '/api/v1/events?workspace=team&limit=100')).body.data;
    const oldest = before[before.length - 1];
    await gw.gateway.ctx.events.publish({ ...oldest, workspace: 'team' });
    const after = (await gw.request('GET', '/api/v1/events?workspace=team&limit=100')).body.data;
    expect(after).toEqual(before);
  });

  it(`keeps the newest ${EVENT_LOG_CAP} per workspace`, async () => {
    const bus = gw.gateway.ctx.events;
    for (let i = 0; i < EVENT_LOG_CAP + 5; i++)
      await bus.emit('channel.disconnected', 'quiet', { workspace: 'quiet', channel: 'telegram', n: i });
    const res = await gw.request('GET', `/api/v1/events?workspace=quiet&limit=${EVENT_LOG_CAP}`);
    expect(res.body.data).toHaveLength(EVENT_LOG_CAP);
    expect(res.body.data[0].data.n).toBe(EVENT_LOG_CAP + 4);
    expect(res.body.data[EVENT_LOG_CAP - 1].data.n).toBe(5);
  }, 120_000);

  it.each([
    ['type=message.snet', 'type', /unknown event 'message.snet'; valid: message.received, message.sent/],
    ['limit=0', 'limit', /./],
    [`limit=${EVENT_LOG_CAP + 1}`, 'limit', /./],
    ['limit=abc', 'limit', /./],
    ['workspace=Bad%20Name', 'workspace', /./],
    ['since=yesterday', undefined, /./],
  ])('?%s → 400 validation_error', async (query, field, message) => {
    const res = await gw.request('GET', `/api/v1/events?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    if (field) expect(res.body.error.field ?? res.body.error.message).toContain(field);
    expect(res.body.error.message).toMatch(message);
  });

  it('an unknown workspace is 404; a key without webhooks:read is 403; no key is 401', async () => {
    const unknown = await gw.request('GET', '/api/v1/events?workspace=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const noPerm = await gw.createKey({ workspaces: ['team'], permissions: ['messages:write'] });
    const forbidden = await gw.request('GET', '/api/v1/events', { key: noPerm });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({
      code: 'missing_permission',
      message: expect.stringContaining('webhooks:read'),
    });
    expect((await gw.request('GET', '/api/v1/events', { key: null })).status).toBe(401);
  });
});
