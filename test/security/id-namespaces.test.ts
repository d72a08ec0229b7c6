/**
 * Client-chosen session and schedule ids are per workspace (docs/security.md): two tenants can
 * each have a session `standup` and a schedule `daily`, fully independent, and neither learns
 * that the other uses the id (no 409 oracle). Routes that take only an id look in the key's own
 * workspaces; a key covering several that use the id says which with `?workspace=`.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { API, eventually, offline } from '../messages/helpers';

describe('session and schedule ids are per workspace', () => {
  let gw: TestGateway;
  let keyA: string;
  let keyB: string;
  const PERMS = [
    'messages:write',
    'messages:read',
    'sessions:read',
    'sessions:delete',
    'schedules:read',
    'schedules:write',
  ] as const;

  beforeAll(async () => {
    gw = await startTestGateway();
    for (const id of ['tenant-a', 'tenant-b'])
      expect((await gw.request('POST', `${API}/workspaces`, { body: { id } })).status).toBe(201);
    keyA = await gw.createKey({ workspaces: ['tenant-a'], permissions: [...PERMS] });
    keyB = await gw.createKey({ workspaces: ['tenant-b'], permissions: [...PERMS] });
  });
  afterAll(async () => {
    await gw.close();
  });

  const send = (key: string, workspace: string, message: string, sessionId = 'standup') =>
    gw.request('POST', `${API}/messages`, { key, body: { workspace, userId: 'bot', message, sessionId } });
  const daily = (key: string, workspace: string, message: string) =>
    gw.request('POST', `${API}/schedules`, {
      key,
      body: { id: 'daily', workspace, userId: 'bot', message, cron: '0 9 * * *', timezone: 'UTC' },
    });

  it('tenant B creates session `standup` while A has one: no 409, and each sees only its own history, concurrently', async () => {
    expect((await send(keyA, 'tenant-a', 'a-first')).status).toBe(200);
    // B's first message with A's id is an ordinary new session, not `409 session_conflict`.
    const bFirst = await send(keyB, 'tenant-b', 'b-first');
    expect([bFirst.status, bFirst.body.sessionId, bFirst.body.response]).toEqual([
      200,
      'standup',
      offline('b-first', 1),
    ]);

    // Both tenants write into their `standup` at the same time.
    const rounds = await Promise.all(
      [1, 2, 3].flatMap((i) => [send(keyA, 'tenant-a', `a-${i}`), send(keyB, 'tenant-b', `b-${i}`)]),
    );
    expect(rounds.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);

    for (const [key, ws, own, other] of [
      [keyA, 'tenant-a', 'a-', 'b-'],
      [keyB, 'tenant-b', 'b-', 'a-'],
    ] as const) {
      const session = await gw.request('GET', `${API}/sessions/standup`, { key });
      expect(session.status).toBe(200);
      expect(session.body).toMatchObject({ id: 'standup', workspace: ws, messageCount: 8 });
      const hist = await gw.request('GET', `${API}/sessions/standup/history?limit=20`, { key });
      expect(hist.body.total).toBe(8);
      const userTurns = hist.body.data
        .filter((t: { role: string }) => t.role === 'user')
        .map((t: { content: string }) => t.content);
      expect(userTurns[0]).toBe(`${own}first`);
      expect(userTurns.slice(1).sort()).toEqual([1, 2, 3].map((i) => `${own}${i}`));
      expect(userTurns.some((c: string) => c.startsWith(other))).toBe(false);
      const list = await gw.request('GET', `${API}/sessions`, { key });
      expect(list.body.data.map((s: { id: string; workspace: string }) => [s.id, s.workspace])).toEqual([
        ['standup', ws],
      ]);
    }
  });

  it('an operator key covering both: `?workspace=` picks one; without it the id is 400 ambiguous_id in the one shape', async () => {
    const ambiguous = await gw.request('GET', `${API}/sessions/standup`);
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body).toEqual({
      error: {
        code: 'ambiguous_id',
        field: 'workspace',
        message:
          "session 'standup' exists in several workspaces this key covers (tenant-a, tenant-b); say which with ?workspace=",
      },
    });
    expect((await gw.request('GET', `${API}/sessions/standup/history`)).body.error.code).toBe('ambiguous_id');
    expect((await gw.request('DELETE', `${API}/sessions/standup`)).body.error.code).toBe('ambiguous_id');
    const picked = await gw.request('GET', `${API}/sessions/standup?workspace=tenant-b`);
    expect([picked.status, picked.body.workspace]).toEqual([200, 'tenant-b']);
  });

  it('a tenant naming another workspace gets 403 as for lists; an id only the other tenant uses is a plain 404', async () => {
    const forbidden = await gw.request('GET', `${API}/sessions/standup?workspace=tenant-b`, { key: keyA });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({
      error: { code: 'workspace_forbidden', message: "this API key has no access to workspace 'tenant-b'" },
    });
    expect((await send(keyB, 'tenant-b', 'only b', 'b-only')).status).toBe(200);
    const unknown = await gw.request('GET', `${API}/sessions/b-only`, { key: keyA });
    const never = await gw.request('GET', `${API}/sessions/never-used`, { key: keyA });
    expect([unknown.status, unknown.body]).toEqual([
      404,
      { error: { code: 'not_found', message: "session 'b-only' not found" } },
    ]);
    expect([never.status, never.body]).toEqual([
      404,
      { error: { code: 'not_found', message: "session 'never-used' not found" } },
    ]);
  });

  it('deleting A’s `standup` leaves B’s whole', async () => {
    expect((await gw.request('DELETE', `${API}/sessions/standup`, { key: keyA })).status).toBe(204);
    expect((await gw.request('GET', `${API}/sessions/standup`, { key: keyA })).status).toBe(404);
    const b = await gw.request('GET', `${API}/sessions/standup/history`, { key: keyB });
    expect([b.status, b.body.total]).toEqual([200, 8]);
  });

  it('schedule `daily` in both workspaces: no 409 for B, each runs and records only its own', async () => {
    const a = await daily(keyA, 'tenant-a', 'report for A');
    const b = await daily(keyB, 'tenant-b', 'report for B');
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body.workspace, b.body.workspace]).toEqual(['tenant-a', 'tenant-b']);
    // The same id twice in one workspace is still taken.
    const again = await daily(keyA, 'tenant-a', 'x');
    expect([again.status, again.body]).toEqual([
      409,
      { error: { code: 'already_exists', message: "schedule 'daily' already exists in workspace 'tenant-a'" } },
    ]);

    const runs = await Promise.all(
      [keyA, keyB, keyA, keyB].map((key) => gw.request('POST', `${API}/schedules/daily/run`, { key })),
    );
    expect(runs.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    for (const [key, message, mine] of [
      [keyA, 'report for A', [runs[0], runs[2]]],
      [keyB, 'report for B', [runs[1], runs[3]]],
    ] as const) {
      const detail = await eventually(async () => {
        const d = await gw.request('GET', `${API}/schedules/daily`, { key });
        return (
          d.body.recentRuns?.length === 2 &&
          d.body.recentRuns.every((r: { status: string }) => r.status === 'completed') &&
          d.body
        );
      }, 20000);
      expect(detail.message).toBe(message);
      expect(detail.runCount).toBe(2);
      expect(detail.recentRuns.map((r: { runId: string }) => r.runId).sort()).toEqual(
        mine.map((r) => r.body.runId).sort(),
      );
      expect(
        detail.recentRuns.every((r: { responseExcerpt: string }) => r.responseExcerpt.includes(`You said: ${message}`)),
      ).toBe(true);
    }
  });

  it('the operator key: `?workspace=` for schedules too; PATCH and DELETE of A’s `daily` leave B’s', async () => {
    expect((await gw.request('GET', `${API}/schedules/daily`)).body.error).toMatchObject({
      code: 'ambiguous_id',
      field: 'workspace',
    });
    const patched = await gw.request('PATCH', `${API}/schedules/daily?workspace=tenant-a`, {
      body: { message: 'changed A' },
    });
    expect([patched.status, patched.body.workspace, patched.body.message]).toEqual([200, 'tenant-a', 'changed A']);
    expect((await gw.request('DELETE', `${API}/schedules/daily`, { key: keyA })).status).toBe(204);
    const b = await gw.request('GET', `${API}/schedules/daily`, { key: keyB });
    expect([b.status, b.body.message, b.body.runCount]).toEqual([200, 'report for B', 2]);
    const all = await gw.request('GET', `${API}/schedules`);
    expect(all.body.data.map((s: { id: string; workspace: string }) => `${s.workspace}/${s.id}`)).toEqual([
      'tenant-b/daily',
    ]);
    const jobSchedulers = await gw.gateway.ctx.queues.get('schedules')!.getJobSchedulers();
    expect(jobSchedulers.map((s) => s.key)).toEqual(['tenant-b/daily']);
  });

  it('generated ids (sess_…, sch_…) work through the id-only routes', async () => {
    const msg = await gw.request('POST', `${API}/messages`, {
      key: keyA,
      body: { workspace: 'tenant-a', userId: 'gen', message: 'hello' },
    });
    expect(msg.body.sessionId).toMatch(/^sess_/);
    expect((await gw.request('GET', `${API}/sessions/${msg.body.sessionId}`)).body).toMatchObject({
      workspace: 'tenant-a',
      messageCount: 2,
    });
    const sch = await gw.request('POST', `${API}/schedules`, {
      key: keyA,
      body: { workspace: 'tenant-a', userId: 'gen', message: 'm', cron: '0 9 * * *', timezone: 'UTC' },
    });
    expect(sch.body.id).toMatch(/^sch_/);
    expect((await gw.request('GET', `${API}/schedules/${sch.body.id}`)).status).toBe(200);
    expect((await gw.request('DELETE', `${API}/schedules/${sch.body.id}`, { key: keyA })).status).toBe(204);
  });
});
