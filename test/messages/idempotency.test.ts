/**
 * Idempotency-Key: the same key from the same API key returns the first message's result (or
 * follows it while it runs) and never runs the agent twice; a different body is 422; keys are
 * per API key; the stream endpoint replays the same message.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { API, captureFinished, offline, sse } from './helpers';
import type { FinishedMessage } from '../../server/context';

describe('Idempotency-Key', () => {
  let gw: TestGateway;
  let finished: FinishedMessage[];
  beforeAll(async () => {
    gw = await startTestGateway({ config: { workspaces: [{ id: 'team' }] } });
    finished = captureFinished(gw);
  });
  afterAll(async () => {
    await gw.close();
  });
  const body = { workspace: 'team', userId: 'ci', message: 'Deployment finished' };
  const send = (b: unknown, key: string, apiKey?: string) =>
    gw.request('POST', `${API}/messages`, { body: b, headers: { 'idempotency-key': key }, key: apiKey });
  const runsOf = (messageId: string) => finished.filter((f) => f.messageId === messageId).length;

  it('a retry gets the first result, marked as a replay, and the agent ran once', async () => {
    const first = await send(body, 'deploy-123');
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await send(body, 'deploy-123');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(runsOf(first.body.messageId)).toBe(1);
    const hist = await gw.request('GET', `${API}/sessions/${first.body.sessionId}/history`);
    expect(hist.body.total).toBe(2);
  });

  it('concurrent requests with one key run one message and all get its result', async () => {
    const replies = await Promise.all(Array.from({ length: 8 }, () => send({ ...body, userId: 'racer' }, 'race-key')));
    expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
    const ids = new Set(replies.map((r) => r.body.messageId));
    expect(ids.size).toBe(1);
    expect(replies.every((r) => r.body.response === offline('Deployment finished', 1))).toBe(true);
    expect(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    expect(runsOf([...ids][0])).toBe(1);
  });

  it('the same key with a different body is 422 idempotency_key_reused, and runs nothing', async () => {
    await send(body, 'reused');
    const before = finished.length;
    const other = await send({ ...body, message: 'Something else' }, 'reused');
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    const asyncToo = await send({ ...body, async: true }, 'reused');
    expect(asyncToo.status).toBe(422);
    expect(finished.length).toBe(before);
  });

  it('keys are per API key: another key with the same Idempotency-Key sends its own message', async () => {
    const a = await send(body, 'shared-name');
    const otherKey = await gw.createKey();
    const b = await send(body, 'shared-name', otherKey);
    expect(b.status).toBe(200);
    expect(b.body.messageId).not.toBe(a.body.messageId);
  });

  it('async: a replay returns the same message id and its current status', async () => {
    const first = await send({ ...body, userId: 'asyncer', async: true }, 'async-key');
    expect(first.status).toBe(202);
    const again = await send({ ...body, userId: 'asyncer', async: true }, 'async-key');
    expect(again.status).toBe(202);
    expect(again.body.messageId).toBe(first.body.messageId);
    expect(['queued', 'running', 'done']).toContain(again.body.status);
  });

  it('the stream endpoint replays the same message’s events', async () => {
    const first = await sse(gw, 'POST', `${API}/messages/stream`, {
      body: { ...body, userId: 'stream-idem' },
      headers: { 'idempotency-key': 'stream-key' },
    });
    const again = await sse(gw, 'POST', `${API}/messages/stream`, {
      body: { ...body, userId: 'stream-idem' },
      headers: { 'idempotency-key': 'stream-key' },
    });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.events).toEqual(first.events);
    expect(runsOf(first.events.at(-1)!.data.messageId)).toBe(1);
  });

  it('a send that fails after the message took its place names it, and a retry with the key returns it, never a second one', async () => {
    // BullMQ's add fails after the session place, the record and message.received are written: the
    // outcome is unknown to the client, as when Redis dies between running the add and answering it.
    const wait = '{oc:messages}:messages:wait';
    await gw.gateway.ctx.redis.set(wait, 'not a list');
    const failed = await send({ ...body, userId: 'unconfirmed', async: true }, 'unconfirmed-key');
    await gw.gateway.ctx.redis.del(wait);
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('internal_error');
    const { messageId } = failed.body.error;
    expect(messageId).toMatch(/^msg_/);
    expect(failed.body.error.message).toContain(`GET /api/v1/messages/${messageId}`);

    const again = await send({ ...body, userId: 'unconfirmed', async: true }, 'unconfirmed-key');
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.messageId).toBe(messageId);
    expect((await gw.request('GET', `${API}/messages/${messageId}`)).body.messageId).toBe(messageId);
    // A failure before the message took a place frees the key: the retry sends it.
    const unknown = await send({ ...body, workspace: 'nope' }, 'before-place');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.messageId).toBeUndefined();
    // The key was claimed alongside the workspace check and freed: another body may use it.
    const sent = await send({ ...body, userId: 'unconfirmed' }, 'before-place');
    expect(sent.status).toBe(200);
    expect(sent.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a job whose record was never written (its create failed, its add went through) is answered, with the whole record', async () => {
    // The record and the job go out together; here the add alone landed. The worker writes the record from the job.
    const { ctx } = gw.gateway;
    const sessionId = (await send({ ...body, userId: 'norecord' }, 'norecord-first')).body.sessionId;
    const messageId = 'msg_RecordNeverWritten';
    const seq = (await ctx.stores.sessions.enqueue(
      { workspace: 'team', id: sessionId, userId: 'norecord' },
      messageId,
    ))!;
    const receivedAt = Date.now();
    const job = { messageId, workspace: 'team', userId: 'norecord', sessionId, channel: 'api', seq, receivedAt };
    await ctx.queues.get('messages')!.add('message', { ...job, message: 'no record' }, { jobId: messageId });
    const record = await ctx.messages.wait(messageId, 10_000);
    expect(record).toEqual(
      expect.objectContaining({
        id: messageId,
        workspace: 'team',
        userId: 'norecord',
        sessionId,
        channel: 'api',
        seq: 2,
        status: 'done',
        createdAt: new Date(receivedAt).toISOString(),
      }),
    );
    expect(record!.result!.response).toBe(offline('no record', 2));
    expect(runsOf(messageId)).toBe(1);
  });

  it('rejects a malformed key', async () => {
    for (const bad of ['has space', 'x'.repeat(256)]) {
      const res = await send(body, bad);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_idempotency_key');
    }
  });
});
