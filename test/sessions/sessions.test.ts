/**
 * Session endpoints and lifecycle: list with filters, pagination and total; the contract's session
 * object; history pages (offset counts back from the newest); deleting one or a workspace's;
 * idle sessions ending (lazily on the next message and by the sweep); scopes and bad input.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { API, captureEvents, offline } from '../messages/helpers';
import type { DomainEvent } from '../../server/events';

const T0 = Date.parse('2026-04-30T10:00:00Z');

describe('sessions', () => {
  let gw: TestGateway;
  let events: DomainEvent[];
  let now = T0;
  const clock = { now: () => now };
  beforeAll(async () => {
    gw = await startTestGateway({
      clock,
      config: { workspaces: [{ id: 'team' }, { id: 'ops' }], sessions: { idleMinutes: 30 } },
    });
    events = captureEvents(gw);
  });
  afterAll(async () => {
    await gw.close();
  });
  const send = async (workspace: string, userId: string, message: string, extra: Record<string, unknown> = {}) => {
    const res = await gw.request('POST', `${API}/messages`, { body: { workspace, userId, message, ...extra } });
    expect(res.status).toBe(200);
    return res.body;
  };
  const ended = () => events.filter((e) => e.event === 'session.ended');

  let alice: string;
  let bob: string;
  let opsUser: string;
  let aliceTokens = 0;

  it('keeps the contract object: counts, tokens, activity times', async () => {
    now = T0;
    const a1 = await send('team', 'alice', 'first question');
    now = T0 + 60_000;
    const a2 = await send('team', 'alice', 'second question');
    now = T0 + 120_000;
    const a3 = await send('team', 'alice', 'third question');
    alice = a1.sessionId;
    aliceTokens = a1.tokensUsed + a2.tokensUsed + a3.tokensUsed;
    expect(new Set([a1.sessionId, a2.sessionId, a3.sessionId]).size).toBe(1);
    now = T0 + 180_000;
    bob = (await send('team', 'bob', 'hello')).sessionId;
    now = T0 + 240_000;
    opsUser = (await send('ops', 'alice', 'ops question')).sessionId;

    const res = await gw.request('GET', `${API}/sessions/${alice}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: alice,
      workspace: 'team',
      userId: 'alice',
      createdAt: '2026-04-30T10:00:00.000Z',
      lastActiveAt: '2026-04-30T10:02:00.000Z',
      messageCount: 6,
      tokensUsed: aliceTokens,
      channel: 'api',
    });
  });

  it('lists sessions most recently active first, with workspace and userId filters, limit/offset and total', async () => {
    const all = await gw.request('GET', `${API}/sessions`);
    expect(all.body).toEqual({ data: expect.any(Array), total: 3, limit: 20, offset: 0 });
    expect(all.body.data.map((s: any) => s.id)).toEqual([opsUser, bob, alice]);
    expect(all.body.data[2]).toEqual((await gw.request('GET', `${API}/sessions/${alice}`)).body);

    const team = await gw.request('GET', `${API}/sessions?workspace=team`);
    expect(team.body.data.map((s: any) => s.id)).toEqual([bob, alice]);
    expect(team.body.total).toBe(2);
    const aliceAll = await gw.request('GET', `${API}/sessions?userId=alice`);
    expect(aliceAll.body.data.map((s: any) => s.id)).toEqual([opsUser, alice]);
    const aliceTeam = await gw.request('GET', `${API}/sessions?workspace=team&userId=alice`);
    expect(aliceTeam.body.data.map((s: any) => s.id)).toEqual([alice]);

    const page = await gw.request('GET', `${API}/sessions?limit=1&offset=1`);
    expect(page.body).toEqual({ data: [expect.objectContaining({ id: bob })], total: 3, limit: 1, offset: 1 });
    const past = await gw.request('GET', `${API}/sessions?offset=5`);
    expect(past.body).toEqual({ data: [], total: 3, limit: 20, offset: 5 });
  });

  it('history: chronological pages, offset counting back from the newest turn', async () => {
    const full = await gw.request('GET', `${API}/sessions/${alice}/history`);
    expect(full.status).toBe(200);
    expect(full.body.total).toBe(6);
    expect(full.body.data.map((t: any) => [t.role, t.content])).toEqual([
      ['user', 'first question'],
      ['assistant', offline('first question', 1)],
      ['user', 'second question'],
      ['assistant', offline('second question', 2)],
      ['user', 'third question'],
      ['assistant', offline('third question', 3)],
    ]);
    expect(full.body.data[0]).toEqual({
      role: 'user',
      content: 'first question',
      createdAt: '2026-04-30T10:00:00.000Z',
      tokens: 2,
      tools: [],
      messageId: expect.stringMatching(/^msg_/),
    });
    expect(full.body.data[1].tokens).toBe(full.body.data[1].content.split(' ').length);

    const newest = await gw.request('GET', `${API}/sessions/${alice}/history?limit=2&offset=0`);
    expect(newest.body).toEqual({ sessionId: alice, data: full.body.data.slice(4, 6), total: 6, limit: 2, offset: 0 });
    const middle = await gw.request('GET', `${API}/sessions/${alice}/history?limit=2&offset=2`);
    expect(middle.body.data).toEqual(full.body.data.slice(2, 4));
    const oldest = await gw.request('GET', `${API}/sessions/${alice}/history?limit=4&offset=4`);
    expect(oldest.body.data).toEqual(full.body.data.slice(0, 2));
    const beyond = await gw.request('GET', `${API}/sessions/${alice}/history?offset=6`);
    expect(beyond.body.data).toEqual([]);
  });

  it('scopes: other workspaces’ sessions read as 404 and are not listed; permissions are checked', async () => {
    const opsOnly = await gw.createKey({ workspaces: ['ops'] });
    const listed = await gw.request('GET', `${API}/sessions`, { key: opsOnly });
    expect(listed.body.data.map((s: any) => s.id)).toEqual([opsUser]);
    expect(listed.body.total).toBe(1);
    for (const path of [`/sessions/${alice}`, `/sessions/${alice}/history`]) {
      const res = await gw.request('GET', API + path, { key: opsOnly });
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'not_found', message: `session '${alice}' not found` });
    }
    expect((await gw.request('DELETE', `${API}/sessions/${alice}`, { key: opsOnly })).status).toBe(404);
    expect((await gw.request('GET', `${API}/sessions?workspace=team`, { key: opsOnly })).status).toBe(403);
    expect((await gw.request('DELETE', `${API}/sessions?workspace=team`, { key: opsOnly })).status).toBe(403);

    const sessionsOnly = await gw.createKey({ permissions: ['sessions:read'] });
    expect((await gw.request('GET', `${API}/sessions/${alice}`, { key: sessionsOnly })).status).toBe(200);
    const noHistory = await gw.request('GET', `${API}/sessions/${alice}/history`, { key: sessionsOnly });
    expect(noHistory.status).toBe(403);
    expect(noHistory.body.error.code).toBe('missing_permission');
    expect((await gw.request('DELETE', `${API}/sessions/${alice}`, { key: sessionsOnly })).status).toBe(403);
    const historyOnly = await gw.createKey({ permissions: ['messages:read'] });
    expect((await gw.request('GET', `${API}/sessions`, { key: historyOnly })).status).toBe(403);
  });

  it.each([
    ['limit 0', '/sessions?limit=0', 'querystring limit'],
    ['limit over 200', '/sessions?limit=201', 'querystring limit'],
    ['limit not a number', '/sessions?limit=ten', 'querystring limit'],
    ['negative offset', '/sessions?offset=-1', 'querystring offset'],
    ['bad workspace id', '/sessions?workspace=Not%20Valid', 'querystring workspace'],
    ['history limit 0', '/sessions/abc/history?limit=0', 'querystring limit'],
    ['bad session id', '/sessions/bad%20id', 'params sessionId'],
  ])('bad input: %s → 400', async (_n, path, where) => {
    const res = await gw.request('GET', API + path);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.message.startsWith(where)).toBe(true);
  });

  it('404s: unknown session, unknown workspace filter', async () => {
    expect((await gw.request('GET', `${API}/sessions/sess_unknown`)).status).toBe(404);
    expect((await gw.request('GET', `${API}/sessions/sess_unknown/history`)).status).toBe(404);
    expect((await gw.request('DELETE', `${API}/sessions/sess_unknown`)).status).toBe(404);
    expect((await gw.request('GET', `${API}/sessions?workspace=ghost`)).status).toBe(404);
    expect((await gw.request('DELETE', `${API}/sessions?workspace=ghost`)).status).toBe(404);
    const missing = await gw.request('DELETE', `${API}/sessions`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('workspace');
  });

  it('an idle session ends (once) when the user writes again, and a new one starts', async () => {
    events.splice(0);
    now = T0 + 240_000 + 31 * 60_000; // 31 minutes after bob's last message
    const next = await send('team', 'bob', 'back again');
    expect(next.sessionId).not.toBe(bob);
    expect(next.response).toContain('(turn 1 of this session');
    expect(ended()).toEqual([
      expect.objectContaining({
        workspace: 'team',
        data: expect.objectContaining({ sessionId: bob, reason: 'idle', userId: 'bob', messageCount: 2 }),
      }),
    ]);
    const started = events.filter((e) => e.event === 'session.started');
    expect(started.map((e) => e.data.sessionId)).toEqual([next.sessionId]);
    // The ended session keeps its history and can still be read.
    expect((await gw.request('GET', `${API}/sessions/${bob}/history`)).body.total).toBe(2);
    // The sweep does not announce it again, but ends the other idle sessions once.
    expect(await gw.gateway.ctx.messages.sweepIdle()).toBe(2); // alice's team and ops sessions
    expect(await gw.gateway.ctx.messages.sweepIdle()).toBe(0);
    expect(ended().map((e) => [e.data.sessionId, e.data.reason])).toEqual([
      [bob, 'idle'],
      [alice, 'idle'],
      [opsUser, 'idle'],
    ]);
  });

  it('a given sessionId that had ended is used again (and announced as started)', async () => {
    events.splice(0);
    const res = await send('team', 'alice', 'resume the old one', { sessionId: alice });
    expect(res.sessionId).toBe(alice);
    expect(res.response).toContain('(turn 4 of this session');
    expect(events.filter((e) => e.event === 'session.started').map((e) => e.data.sessionId)).toEqual([alice]);
  });

  it('DELETE /sessions/{id}: gone, announced, and the user’s next message starts afresh', async () => {
    events.splice(0);
    const current = (await send('team', 'carol', 'hi')).sessionId;
    const del = await gw.request('DELETE', `${API}/sessions/${current}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await gw.request('GET', `${API}/sessions/${current}`)).status).toBe(404);
    expect((await gw.request('GET', `${API}/sessions/${current}/history`)).status).toBe(404);
    expect(ended()).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ sessionId: current, reason: 'deleted', messageCount: 2 }),
      }),
    ]);
    const next = await send('team', 'carol', 'hi again');
    expect(next.sessionId).not.toBe(current);
    expect(next.response).toContain('(turn 1 of this session');
    const list = await gw.request('GET', `${API}/sessions?workspace=team&userId=carol`);
    expect(list.body.data.map((s: any) => s.id)).toEqual([next.sessionId]);
  });

  it('DELETE /sessions?workspace= clears that workspace only', async () => {
    events.splice(0);
    const before = (await gw.request('GET', `${API}/sessions?workspace=team`)).body.total;
    const res = await gw.request('DELETE', `${API}/sessions?workspace=team`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ workspace: 'team', deleted: before });
    expect((await gw.request('GET', `${API}/sessions?workspace=team`)).body).toEqual({
      data: [],
      total: 0,
      limit: 20,
      offset: 0,
    });
    expect((await gw.request('GET', `${API}/sessions?workspace=ops`)).body.total).toBe(1);
    expect(ended()).toHaveLength(before);
    expect(ended().every((e) => e.data.reason === 'deleted' && e.workspace === 'team')).toBe(true);
  });

  it('the idle window’s edge: exactly idleMinutes after the last message continues the session, 1 ms more starts a new one', async () => {
    expect((await gw.request('POST', `${API}/workspaces`, { body: { id: 'edge' } })).status).toBe(201);
    events.splice(0);
    now = T0 + 10 * 3_600_000;
    const first = (await send('edge', 'erin', 'one')).sessionId;
    now += 30 * 60_000;
    expect((await send('edge', 'erin', 'two')).sessionId).toBe(first);
    now += 30 * 60_000 + 1;
    const third = (await send('edge', 'erin', 'three')).sessionId;
    expect(third).not.toBe(first);
    expect(ended().map((e) => [e.data.sessionId, e.data.reason])).toEqual([[first, 'idle']]);
    // A session that ended while recent (a sweep on a gateway whose clock runs ahead) is not
    // continued, and the next message does not put it back among the active ones.
    await gw.gateway.ctx.stores.sessions.end({ workspace: 'edge', id: third });
    const fourth = (await send('edge', 'erin', 'four')).sessionId;
    expect(fourth).not.toBe(third);
    expect(await gw.gateway.ctx.redis.zscore('oc:{sessidle}:active', `edge/${third}`)).toBeNull();
    expect(await gw.gateway.ctx.redis.zscore('oc:{sessidle}:active', `edge/${fourth}`)).not.toBeNull();
  });

  it('deleting a workspace ends and removes its sessions (reason workspace_deleted)', async () => {
    events.splice(0);
    expect((await gw.request('POST', `${API}/workspaces`, { body: { id: 'temp' } })).status).toBe(201);
    const s = (await send('temp', 'dora', 'short-lived')).sessionId;
    expect((await gw.request('DELETE', `${API}/workspaces/temp`)).status).toBe(204);
    expect((await gw.request('GET', `${API}/sessions/${s}`)).status).toBe(404);
    expect(ended()).toEqual([
      expect.objectContaining({
        workspace: 'temp',
        data: expect.objectContaining({ sessionId: s, reason: 'workspace_deleted' }),
      }),
    ]);
  });
});
