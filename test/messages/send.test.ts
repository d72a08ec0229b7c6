/**
 * POST /api/v1/messages (whole answer and "async": true), GET /api/v1/messages/{id}: the exact
 * reply fields, sessions picked and continued, the domain events and finished hooks, and every
 * bad input rejected with nothing written.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis } from '../helpers/redis';
import { API, captureEvents, captureFinished, eventually, offline } from './helpers';
import type { DomainEvent } from '../../server/events';
import type { FinishedMessage } from '../../server/context';

const RESULT_KEYS = [
  'messageId',
  'response',
  'tokensUsed',
  'latencyMs',
  'sessionId',
  'toolsInvoked',
  'finishReason',
  'model',
  'tokensIn',
  'tokensOut',
  'costUSD',
].sort();

describe('sending messages', () => {
  let gw: TestGateway;
  let events: DomainEvent[];
  let finished: FinishedMessage[];
  const redis = rawRedis();
  beforeAll(async () => {
    gw = await startTestGateway({
      config: { workspaces: [{ id: 'team' }, { id: 'other' }], messages: { maxChars: 50 } },
    });
    events = captureEvents(gw);
    finished = captureFinished(gw);
  });
  afterAll(async () => {
    await gw.close();
    await redis.quit();
  });
  const send = (body: unknown, o: { key?: string; headers?: Record<string, string> } = {}) =>
    gw.request('POST', `${API}/messages`, { body, ...o });

  it('answers with exactly the contract fields plus model, tokensIn, tokensOut, costUSD', async () => {
    const res = await send({
      workspace: 'team',
      userId: 'api-user',
      message: 'Summarize the latest GitHub activity',
      context: { timezone: 'America/New_York', language: 'en' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(RESULT_KEYS);
    const b = res.body;
    expect(b.messageId).toMatch(/^msg_[A-Za-z0-9]+$/);
    expect(b.sessionId).toMatch(/^sess_[A-Za-z0-9]+$/);
    expect(b.response).toBe(offline('Summarize the latest GitHub activity', 1));
    expect(b.model).toBe('offline');
    expect(b.finishReason).toBe('stop');
    expect(b.toolsInvoked).toEqual([]);
    expect(b.tokensOut).toBe(b.response.split(/\s+/).length);
    expect(b.tokensIn).toBe(5);
    expect(b.tokensUsed).toBe(b.tokensIn + b.tokensOut);
    expect(b.costUSD).toBe(0);
    expect(Number.isInteger(b.latencyMs) && b.latencyMs >= 0).toBe(true);

    // Stored: GET returns the same object with its status.
    const got = await gw.request('GET', `${API}/messages/${b.messageId}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      ...b,
      status: 'done',
      workspace: 'team',
      userId: 'api-user',
      channel: 'api',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    // It was a BullMQ job with the message id as job id (removed on completion), and its events
    // are in a Redis Stream that expires with messages.retentionHours.
    const ttl = await redis.pttl(`oc:msg:{${b.messageId}}:ev`);
    expect(ttl).toBeGreaterThan(23 * 3600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600_000);
    const entries = await redis.xrange(`oc:msg:{${b.messageId}}:ev`, '-', '+');
    expect(entries.map(([, f]) => JSON.parse(f[1]).type)).toEqual([...Array(b.tokensOut).fill('token'), 'done']);
  });

  it('continues the user’s current session, and starts one per user and workspace', async () => {
    const first = await send({ workspace: 'team', userId: 'alice', message: 'one' });
    const second = await send({ workspace: 'team', userId: 'alice', message: 'two' });
    expect(second.body.sessionId).toBe(first.body.sessionId);
    expect(second.body.response).toBe(offline('two', 2)); // the agent saw the earlier turn
    const bob = await send({ workspace: 'team', userId: 'bob', message: 'one' });
    const elsewhere = await send({ workspace: 'other', userId: 'alice', message: 'one' });
    expect(new Set([first.body.sessionId, bob.body.sessionId, elsewhere.body.sessionId]).size).toBe(3);

    const s = await gw.request('GET', `${API}/sessions/${first.body.sessionId}`);
    expect(s.body).toEqual({
      id: first.body.sessionId,
      workspace: 'team',
      userId: 'alice',
      createdAt: expect.any(String),
      lastActiveAt: expect.any(String),
      messageCount: 4,
      tokensUsed: first.body.tokensUsed + second.body.tokensUsed,
      channel: 'api',
    });
  });

  it('creates a given unknown sessionId with that id, and continues it', async () => {
    const a = await send({ workspace: 'team', userId: 'carol', message: 'hi', sessionId: 'ticket-42:chat.1' });
    expect(a.status).toBe(200);
    expect(a.body.sessionId).toBe('ticket-42:chat.1');
    const b = await send({ workspace: 'team', userId: 'carol', message: 'again', sessionId: 'ticket-42:chat.1' });
    expect(b.body.response).toBe(offline('again', 2));
    // Another user of the workspace cannot write into it.
    const other = await send({ workspace: 'team', userId: 'mallory', message: 'x', sessionId: 'ticket-42:chat.1' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('session_conflict');
    // Ids are per workspace: another workspace's 'ticket-42:chat.1' is another session.
    const otherWs = await send({ workspace: 'other', userId: 'carol', message: 'x', sessionId: 'ticket-42:chat.1' });
    expect([otherWs.status, otherWs.body.sessionId, otherWs.body.response]).toEqual([
      200,
      'ticket-42:chat.1',
      offline('x', 1),
    ]);
    const hist = await gw.request('GET', `${API}/sessions/ticket-42:chat.1/history?workspace=team`);
    expect(hist.body.total).toBe(4);
    const otherHist = await gw.request('GET', `${API}/sessions/ticket-42:chat.1/history?workspace=other`);
    expect(otherHist.body.total).toBe(2);
  });

  it('answers 202 at once with "async": true, then GET shows the status and the full result', async () => {
    const res = await send({ workspace: 'team', userId: 'dave', message: 'long job', async: true });
    expect(res.status).toBe(202);
    expect(Object.keys(res.body).sort()).toEqual(['messageId', 'sessionId', 'status']);
    expect(res.body.status).toBe('queued');
    const done = await eventually(async () => {
      const g = await gw.request('GET', `${API}/messages/${res.body.messageId}`);
      expect(['queued', 'running', 'done']).toContain(g.body.status);
      return g.body.status === 'done' ? g.body : undefined;
    });
    expect(done).toMatchObject({
      messageId: res.body.messageId,
      sessionId: res.body.sessionId,
      response: offline('long job', 1),
      finishReason: 'stop',
      model: 'offline',
    });
    expect(done.tokensUsed).toBe(done.tokensIn + done.tokensOut);
  });

  it('announces message.received, session.started and message.sent with the contract payloads, and reports once to finished hooks', async () => {
    events.splice(0);
    finished.splice(0);
    const res = await send({ workspace: 'team', userId: 'telegram:123456789', message: 'Here?' });
    const sent = await eventually(() =>
      events.find((e) => e.event === 'message.sent' && e.data.messageId === res.body.messageId),
    );
    const mine = events.filter((e) => e.data.userId === 'telegram:123456789');
    expect(mine.map((e) => e.event)).toEqual(['session.started', 'message.received', 'message.sent']);
    expect(mine.every((e) => e.workspace === 'team')).toBe(true);
    expect(mine[0].data).toEqual({
      sessionId: res.body.sessionId,
      workspace: 'team',
      userId: 'telegram:123456789',
      channel: 'api',
      createdAt: expect.any(String),
      lastActiveAt: expect.any(String),
      messageCount: 0,
      tokensUsed: 0,
    });
    expect(mine[1].data).toEqual({
      messageId: res.body.messageId,
      workspace: 'team',
      userId: 'telegram:123456789',
      channel: 'api',
      sessionId: res.body.sessionId,
      message: 'Here?',
    });
    expect(sent.data).toEqual({
      messageId: res.body.messageId,
      workspace: 'team',
      userId: 'telegram:123456789',
      channel: 'api',
      response: res.body.response,
      tokensUsed: res.body.tokensUsed,
      latencyMs: res.body.latencyMs,
      sessionId: res.body.sessionId,
    });
    expect(finished).toEqual([
      {
        messageId: res.body.messageId,
        workspace: 'team',
        userId: 'telegram:123456789',
        sessionId: res.body.sessionId,
        status: 'done',
        model: 'offline',
        provider: 'offline',
        tokensIn: res.body.tokensIn,
        tokensOut: res.body.tokensOut,
        costUSD: 0,
        latencyMs: res.body.latencyMs,
        finishedAt: expect.any(Number),
        toolsInvoked: [],
      },
    ]);
  });

  describe('bad input', () => {
    const valid = { workspace: 'team', userId: 'bad-input-user', message: 'hello' };
    const cases: Array<[string, unknown, string]> = [
      ['missing workspace', { userId: 'u', message: 'm' }, 'workspace'],
      ['missing userId', { workspace: 'team', message: 'm' }, 'userId'],
      ['missing message', { workspace: 'team', userId: 'u' }, 'message'],
      ['empty userId', { ...valid, userId: '' }, 'userId'],
      ['userId over 256 chars', { ...valid, userId: 'u'.repeat(257) }, 'userId'],
      ['numeric userId', { ...valid, userId: 42 }, 'userId'],
      ['empty message', { ...valid, message: '' }, 'message'],
      ['blank message', { ...valid, message: '  \n ' }, 'message'],
      ['message over messages.maxChars', { ...valid, message: 'x'.repeat(51) }, 'message'],
      ['message not a string', { ...valid, message: ['hi'] }, 'message'],
      ['workspace not a string', { ...valid, workspace: 7 }, 'workspace'],
      ['unknown top-level field', { ...valid, priority: 'high' }, 'priority'],
      ['unknown IANA time zone', { ...valid, context: { timezone: 'Mars/Olympus_Mons' } }, 'context.timezone'],
      ['offset instead of a zone', { ...valid, context: { timezone: '+05:00' } }, 'context.timezone'],
      ['bad BCP 47 tag', { ...valid, context: { language: 'english please' } }, 'context.language'],
      ['unknown context field', { ...valid, context: { locale: 'en' } }, 'context.locale'],
      ['context not an object', { ...valid, context: 'en' }, 'context'],
      ['sessionId with bad characters', { ...valid, sessionId: 'bad id!' }, 'sessionId'],
      ['sessionId too long', { ...valid, sessionId: 's'.repeat(129) }, 'sessionId'],
      ['async not a boolean', { ...valid, async: 'yes' }, 'async'],
    ];
    it.each(cases)('%s → 400 naming the field', async (_name, body, field) => {
      const res = await send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'validation_error', message: expect.stringContaining(field), field } });
    });

    it('rejects a body that is not a JSON object', async () => {
      expect(
        (
          await gw.request('POST', `${API}/messages`, {
            rawBody: '[1]',
            headers: { 'content-type': 'application/json' },
          })
        ).status,
      ).toBe(400);
      const broken = await gw.request('POST', `${API}/messages`, {
        rawBody: '{"workspace":',
        headers: { 'content-type': 'application/json' },
      });
      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('invalid_json');
    });

    it('accepts valid zones and tags', async () => {
      const res = await send({ ...valid, userId: 'zones', context: { timezone: 'Asia/Kolkata', language: 'pt-BR' } });
      expect(res.status).toBe(200);
    });

    it('unknown workspace → 404; workspace outside the key → 403; missing permission → 403; bad keys → 401', async () => {
      const unknown = await send({ ...valid, workspace: 'nope' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toEqual({ code: 'not_found', message: "workspace 'nope' not found" });

      const teamOnly = await gw.createKey({ workspaces: ['team'] });
      const outside = await send({ ...valid, workspace: 'other' }, { key: teamOnly });
      expect(outside.status).toBe(403);
      expect(outside.body.error.code).toBe('workspace_forbidden');
      // Out of scope wins over unknown: no probing for workspace names.
      expect((await send({ ...valid, workspace: 'nope' }, { key: teamOnly })).status).toBe(403);

      const readOnly = await gw.createKey({ permissions: ['messages:read', 'sessions:read'] });
      const noWrite = await send(valid, { key: readOnly });
      expect(noWrite.status).toBe(403);
      expect(noWrite.body.error.code).toBe('missing_permission');

      expect((await send(valid, { key: null as never })).status).toBe(401);
      const revoked = await gw.createKey();
      const rec = await gw.gateway.ctx.stores.keys.verify(revoked);
      await gw.gateway.ctx.stores.keys.revoke(rec!.id);
      const r = await send(valid, { key: revoked });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('invalid_api_key');
    });

    it('wrote nothing for any rejected request', async () => {
      const list = await gw.request('GET', `${API}/sessions?userId=bad-input-user&workspace=team`);
      expect(list.body).toEqual({ data: [], total: 0, limit: 20, offset: 0 });
      expect(events.filter((e) => e.data.userId === 'bad-input-user')).toEqual([]);
    });
  });

  describe('GET /messages/{id}', () => {
    it('404 for an unknown id, 400 for a malformed one', async () => {
      const res = await gw.request('GET', `${API}/messages/msg_doesnotexist`);
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'not_found', message: "message 'msg_doesnotexist' not found" });
      expect((await gw.request('GET', `${API}/messages/not-a-message`)).status).toBe(400);
    });

    it('is only visible to keys covering its workspace; the sender may read it with messages:write', async () => {
      const res = await send({ workspace: 'team', userId: 'visibility', message: 'secret plans' });
      const otherKey = await gw.createKey({ workspaces: ['other'] });
      const hidden = await gw.request('GET', `${API}/messages/${res.body.messageId}`, { key: otherKey });
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.message).toBe(`message '${res.body.messageId}' not found`);
      const writer = await gw.createKey({ workspaces: ['team'], permissions: ['messages:write'] });
      expect((await gw.request('GET', `${API}/messages/${res.body.messageId}`, { key: writer })).status).toBe(200);
      const statsOnly = await gw.createKey({ permissions: ['stats:read'] });
      const denied = await gw.request('GET', `${API}/messages/${res.body.messageId}`, { key: statsOnly });
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('missing_permission');
    });
  });
});
