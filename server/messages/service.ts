/**
 * MessageService (ctx.messages): the one way in for a message, from HTTP or from inside the
 * gateway (schedules). submit() resolves the session, takes the message's place in its session,
 * stores a record and enqueues the BullMQ job; wait()/follow() read the message's event stream,
 * which the worker writes (possibly in another process). Nothing here depends on the worker
 * running in this process.
 */
import type { Queue } from 'bullmq';
import type { GatewayCore } from '../core';
import { ApiError, notFound } from '../errors';
import { toApiError } from '../error-mapping';
import { newId } from '../ids';
import { failpoint } from '../failpoints';
import type { IdempotencyClaim } from '../store/idempotency';
import { eventStreamKey, parseOutcome, type MessageRecord, type MessageStatus, type Outcome } from './store';
import type { SessionKey, SessionRecord } from '../store/sessions';
import { StreamFollower, compareIds, type StreamEntry } from './follower';
import { CLAIM_GRACE_MS } from './local-events';
import { sessionEventData } from './events';

export interface SubmitInput {
  workspace: string;
  userId: string;
  message: string;
  sessionId?: string;
  context?: { timezone?: string; language?: string };
  /** Where the message came from: `api` (default), `schedule`, … Sessions are per channel. */
  channel?: string;
  idempotency?: IdempotencyClaim;
  /** Runs once the message has its id, before anything is stored or queued (registers its callback); a throw refuses the message. */
  onAccepted?: (messageId: string) => Promise<void>;
  /** A callback target is registered for it (callbackUrl): without one its finish skips the lookup. */
  callback?: boolean;
  /**
   * The caller's own admission of the message (the stream endpoint's stream slot), already on its
   * way: it runs alongside the first round trip, and a rejection refuses the message before
   * anything is stored.
   */
  admission?: Promise<unknown>;
}

export interface Submitted {
  messageId: string;
  sessionId: string;
  status: MessageStatus;
  /** True when an Idempotency-Key matched an earlier message: nothing new was enqueued. */
  replayed: boolean;
}

/** What a messages job carries: everything the worker needs, so it depends on nothing in-process. */
export interface MessageJobData {
  messageId: string;
  workspace: string;
  userId: string;
  sessionId: string;
  channel: string;
  seq: number;
  message: string;
  context?: { timezone?: string; language?: string };
  /** Epoch ms (ctx.clock) when the gateway received it: latencyMs counts from here. */
  receivedAt: number;
  /** Sent without a callbackUrl: its finishing event need not look one up (absent on older jobs: looked up). */
  noCallback?: true;
}

export interface Following {
  /** Stop following (the message itself goes on). */
  stop(): void;
  /** After onEvent returned false: deliver again from the next event (the Redis stream kept them). */
  resume(): void;
  /** Resolves after the final event (done or error) was delivered. */
  finished: Promise<void>;
}

/** A final event's data line starts like this: cheap to spot without parsing tokens. */
export const isFinalEvent = (data: string) => data.startsWith('{"type":"done"') || data.startsWith('{"type":"error"');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A submit that failed after the message took its place: the error (as the API would answer it) with the message's id. */
function placedButUnconfirmed(err: unknown, messageId: string): ApiError {
  const api = toApiError(err as Error);
  const said =
    `${api.message.replace(/[;.]?\s*retry shortly$/, '')}. Message ${messageId} may have been queued all the same: ` +
    `GET /api/v1/messages/${messageId} shows what became of it (error worker_failed if it never was; 404 if it was never stored). ` +
    'Resend it with the same Idempotency-Key, or without one only once that shows it did not run';
  return new ApiError(api.code, said, api.headers, { ...api.details, messageId });
}

type Deps = Pick<GatewayCore, 'config' | 'stores' | 'events' | 'clock' | 'redis' | 'redisUrl' | 'log' | 'localEvents'>;

export class MessageService {
  private readonly follower: StreamFollower;

  constructor(
    private readonly ctx: Deps,
    private readonly queue: Queue<MessageJobData>,
  ) {
    this.follower = new StreamFollower(ctx.redisUrl, ctx.redis, { lanes: ctx.config.messages.followerConnections });
  }

  private get retentionMs(): number {
    return this.ctx.config.messages.retentionHours * 3_600_000;
  }

  async submit(input: SubmitInput): Promise<Submitted> {
    const { stores, events, clock } = this.ctx;
    const channel = input.channel ?? 'api';
    const messageId = newId('msg');
    // The user's current session and the Idempotency-Key's claim go with the workspace check: one
    // round trip, not three.
    const refused = (input.admission ?? Promise.resolve()).then(
      () => null,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    const [exists, currentId, first] = await Promise.all([
      stores.workspaces.exists(input.workspace),
      input.sessionId === undefined ? stores.sessions.currentId(input.workspace, channel, input.userId) : null,
      input.idempotency ? stores.idempotency.claim(input.idempotency, messageId) : null,
    ]);
    const refusal = await refused;
    if (refusal || !exists) {
      // Nothing was stored: a claim made alongside is freed (a retry racing this one within that
      // round trip finds no message and is told so; either way this one is refused).
      if (input.idempotency && !first) await stores.idempotency.release(input.idempotency).catch(() => undefined);
      throw refusal ?? notFound('workspace', input.workspace);
    }
    if (first && input.idempotency) return this.replay(first, input.idempotency);
    // Once the message has a place in its session it will be concluded one way or another (run, or
    // concluded by the repair sweep when its job never arrived), even if this request fails.
    let placed = false;
    try {
      await input.onAccepted?.(messageId);
      const receivedAt = clock.now();
      const { sessionId, seq } = await this.takePlace(input, channel, messageId, receivedAt, currentId);
      placed = true;
      failpoint('message.placed'); // the fault suite dies here: the repair sweep must release the place
      const data: MessageJobData = {
        messageId,
        workspace: input.workspace,
        userId: input.userId,
        sessionId,
        channel,
        seq,
        message: input.message,
        ...(input.context ? { context: input.context } : {}),
        receivedAt,
        ...(input.callback ? {} : { noCallback: true as const }),
      };
      // The record, message.received and the job go out together (one round trip, not two). A
      // worker that finds no record writes it from the job (processor.ts), and the record never
      // overwrites what a started run wrote; if any of the three fails the request gets the error
      // below, naming the message.
      await Promise.all([
        stores.messages.create(
          {
            id: messageId,
            workspace: input.workspace,
            userId: input.userId,
            sessionId,
            channel,
            seq,
            createdAt: new Date(receivedAt).toISOString(),
          },
          this.retentionMs,
        ),
        events.emit('message.received', input.workspace, {
          messageId,
          workspace: input.workspace,
          userId: input.userId,
          channel,
          sessionId,
          message: input.message,
        }),
        this.queue.add('message', data, { jobId: messageId }),
      ]);
      return { messageId, sessionId, status: 'queued', replayed: false };
    } catch (err) {
      if (!placed) {
        if (input.idempotency) await stores.idempotency.release(input.idempotency).catch(() => undefined);
        throw err;
      }
      // The outcome is unknown here (Redis may have queued the job and lost only its answer): the
      // Idempotency-Key stays claimed, so a retry with it returns this message, never a second one,
      // and the error names the message so a client without a key can look it up.
      throw placedButUnconfirmed(err, messageId);
    }
  }

  /** The message's session and its place (seq) in it. */
  private async takePlace(
    input: SubmitInput,
    channel: string,
    messageId: string,
    receivedAt: number,
    currentId: string | null,
  ): Promise<{ sessionId: string; seq: number }> {
    const { sessions } = this.ctx.stores;
    // The usual case, the user's current session still live: the place in one round trip.
    if (input.sessionId === undefined && currentId) {
      const activeSince = receivedAt - this.ctx.config.sessions.idleMinutes * 60_000;
      const ref = { workspace: input.workspace, id: currentId, userId: input.userId };
      const seq = await sessions.enqueueIfLive(ref, messageId, activeSince);
      if (seq !== null) return { sessionId: currentId, seq };
    }
    const session = await this.resolveSession(input.workspace, input.userId, channel, input.sessionId, currentId);
    const seq = await sessions.enqueue(session, messageId);
    if (seq === null)
      throw new ApiError(
        'session_deleted',
        `session '${session.id}' was deleted while this message arrived; send it again`,
      );
    return { sessionId: session.id, seq };
  }

  /** The first message sent with this Idempotency-Key (it may still be being enqueued). */
  private async replay(first: { messageId: string; fingerprint: string }, claim: IdempotencyClaim): Promise<Submitted> {
    if (first.fingerprint !== claim.fingerprint) {
      throw new ApiError(
        'idempotency_key_reused',
        'this Idempotency-Key was already used with a different request body; use a new key',
      );
    }
    for (let i = 0; i < 100; i++) {
      const rec = await this.get(first.messageId);
      if (rec) return { messageId: rec.id, sessionId: rec.sessionId, status: rec.status, replayed: true };
      await sleep(20);
    }
    throw new ApiError(
      'idempotency_result_unavailable',
      `the message first sent with this Idempotency-Key (${first.messageId}) is no longer stored`,
    );
  }

  /** The session a message goes to: the given id (created when new), else the user's current one. */
  private async resolveSession(
    workspace: string,
    userId: string,
    channel: string,
    sessionId: string | undefined,
    knownCurrentId: string | null,
  ): Promise<SessionRecord> {
    const { sessions } = this.ctx.stores;
    if (sessionId !== undefined) {
      const { session, created } = await sessions.create({ id: sessionId, workspace, userId, channel });
      // Ids are per workspace (another workspace's `standup` is another session): only another
      // user of this workspace can hold it.
      if (!created && session.userId !== userId) {
        throw new ApiError(
          'session_conflict',
          `sessionId '${sessionId}' belongs to another user of workspace '${workspace}'; use another id`,
        );
      }
      if (created || (await sessions.reopen(session))) await this.announce('session.started', session);
      return session;
    }
    const idleMs = this.ctx.config.sessions.idleMinutes * 60_000;
    for (let attempt = 0; ; attempt++) {
      const currentId = attempt === 0 ? knownCurrentId : await sessions.currentId(workspace, channel, userId);
      const current = currentId ? await sessions.get({ workspace, id: currentId }) : null;
      if (current && !current.endedAt && this.ctx.clock.now() - Date.parse(current.lastActiveAt) <= idleMs)
        return current;
      const { session } = await sessions.create({ id: newId('sess'), workspace, userId, channel });
      const winner = await sessions.swapCurrent(workspace, channel, userId, currentId, session.id);
      if (winner !== session.id) {
        await sessions.delete(session); // another request started the new session first: use theirs
        continue;
      }
      if (current) await this.endSession(current, 'idle');
      await this.announce('session.started', session);
      return session;
    }
  }

  private async announce(event: 'session.started', s: SessionRecord): Promise<void> {
    await this.ctx.events.emit(event, s.workspace, sessionEventData(s));
  }

  /** Ends a session for idleness: announced once, whichever gateway or sweep notices first. */
  async endSession(key: SessionKey, reason: 'idle'): Promise<void> {
    const { sessions } = this.ctx.stores;
    if (!(await sessions.end(key))) return;
    const s = await sessions.get(key);
    if (s) await this.ctx.events.emit('session.ended', s.workspace, { ...sessionEventData(s), reason });
  }

  /** Ends every session idle for longer than sessions.idleMinutes (run periodically by workers). */
  async sweepIdle(): Promise<number> {
    const before = this.ctx.clock.now() - this.ctx.config.sessions.idleMinutes * 60_000;
    let ended = 0;
    for (;;) {
      const keys = await this.ctx.stores.sessions.idle(before, 200);
      for (const key of keys) {
        await this.endSession(key, 'idle');
        ended++;
      }
      if (keys.length < 200) return ended;
    }
  }

  /** Deletes one session and announces its end. */
  async deleteSession(key: SessionKey): Promise<SessionRecord | null> {
    const s = await this.ctx.stores.sessions.delete(key);
    if (s) await this.ctx.events.emit('session.ended', s.workspace, { ...sessionEventData(s), reason: 'deleted' });
    return s;
  }

  /** Deletes every session of a workspace (DELETE /sessions?workspace=, workspace deletion); returns how many. */
  async deleteWorkspaceSessions(workspace: string, reason: 'deleted' | 'workspace_deleted'): Promise<number> {
    const list = await this.ctx.stores.sessions.deleteWorkspace(workspace);
    for (const s of list) await this.ctx.events.emit('session.ended', s.workspace, { ...sessionEventData(s), reason });
    return list.length;
  }

  async get(messageId: string): Promise<MessageRecord | null> {
    return this.ctx.stores.messages.get(messageId);
  }

  /**
   * Delivers the message's events after `afterId` ('0': all of them) until the final one. When
   * onEvent returns false (its reader is full), delivery pauses until resume() (backpressure).
   * `fresh`: the message was just submitted by this process (not a replay): when this process
   * runs workers, its events are taken in memory from the local run (local-events.ts).
   */
  follow(
    messageId: string,
    afterId: string,
    onEvent: (e: StreamEntry) => boolean | void,
    opts: { fresh?: boolean } = {},
  ): Following {
    const local = this.ctx.localEvents;
    if (!local || !opts.fresh || afterId !== '0') return this.followRedis(messageId, afterId, onEvent);
    let resolveFinished: () => void = () => undefined;
    const finished = new Promise<void>((r) => (resolveFinished = r));
    let lastId = afterId;
    let redis: Following | null = null;
    let over = false; // stopped, or the final event delivered
    let paused = false;
    let grace: NodeJS.Timeout | undefined;
    const toRedis = () => {
      clearTimeout(grace);
      watching.unwatch();
      if (redis || over) return;
      redis = this.followRedis(messageId, lastId, onEvent);
      void redis.finished.then(resolveFinished);
    };
    const watching = local.watch(messageId, {
      claimed: () => clearTimeout(grace),
      entries: (entries) => {
        for (const e of entries) {
          if (over || paused || redis) return;
          if (compareIds(e.id, lastId) <= 0) continue;
          lastId = e.id;
          const more = onEvent(e);
          if (isFinalEvent(e.data)) {
            over = true;
            watching.unwatch();
            resolveFinished();
          } else if (more === false) paused = true; // the rest comes from Redis on resume()
        }
      },
      released: toRedis,
    });
    if (watching.state === 'missed') toRedis();
    else if (watching.state === 'unclaimed') grace = setTimeout(toRedis, CLAIM_GRACE_MS);
    return {
      stop: () => {
        over = true;
        clearTimeout(grace);
        watching.unwatch();
        redis?.stop();
      },
      resume: () => {
        if (redis) return redis.resume();
        if (!paused) return;
        paused = false;
        toRedis();
      },
      finished,
    };
  }

  private followRedis(messageId: string, afterId: string, onEvent: (e: StreamEntry) => boolean | void): Following {
    let resolveFinished: () => void = () => undefined;
    const finished = new Promise<void>((r) => (resolveFinished = r));
    const followed = this.follower.follow(eventStreamKey(messageId), afterId, (entries) => {
      for (let i = 0; i < entries.length; i++) {
        const more = onEvent(entries[i]);
        if (isFinalEvent(entries[i].data)) {
          followed.stop();
          resolveFinished();
          return entries.length;
        }
        if (more === false) return i + 1;
      }
      return entries.length;
    });
    return { stop: followed.stop, resume: followed.resume, finished };
  }

  /** The message's record once finished (done or error); null when still unfinished after timeoutMs. */
  async wait(messageId: string, timeoutMs: number): Promise<MessageRecord | null> {
    return (await this.outcome(messageId, timeoutMs)) ? this.get(messageId) : null;
  }

  /** How the message ended, read from its final event (no extra round trip); null after timeoutMs or once `cancelled` settles. */
  async outcome(
    messageId: string,
    timeoutMs: number,
    cancelled?: Promise<unknown>,
    fresh = false,
  ): Promise<Outcome | null> {
    let outcome: Outcome | null = null;
    const following = this.follow(
      messageId,
      '0',
      (e) => {
        if (e.outcome) outcome = parseOutcome(e.outcome);
      },
      { fresh },
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    try {
      await Promise.race([following.finished, timedOut, ...(cancelled ? [cancelled] : [])]);
    } finally {
      clearTimeout(timer);
      following.stop();
    }
    return outcome;
  }

  async close(): Promise<void> {
    await this.follower.close();
  }
}
