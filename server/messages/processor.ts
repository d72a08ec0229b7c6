/**
 * The `messages` queue's processor: one BullMQ job per message (job id = messageId). It runs the
 * agent, writes every event to the message's Redis Stream, records the turn in the session,
 * reports to the onMessageFinished hooks and announces message.sent / error.agent.
 *
 * Per-session order: each message took a sequence number in its session at enqueue. A job whose
 * predecessor has not finished parks itself (moveToDelayed + DelayedError) and is promoted by
 * the predecessor when it finishes, so one session's messages run one at a time in arrival order
 * without holding a worker slot, while other sessions run in parallel.
 *
 * Every message ends: the outcome, its final stream event and the message.sent / error.agent
 * event (the outbox) are written by one script; the event is then published and the session
 * advanced. Whoever finds a message finished but its session not advanced (a re-run after a
 * crash, the failed-job handler, the repair sweep in server/messages/repair.ts) completes it the
 * same way, so a crash at any step loses nothing. A job that fails for any reason (stall limit,
 * an exception outside the agent) is concluded as `worker_failed`.
 */
import { DelayedError, Job, Queue, WaitingError } from 'bullmq';
import { eventTimestamp, type DomainEvent, type EventName } from '../events';
import { newId } from '../ids';
import { failpoint } from '../failpoints';
import type { GatewayContext, FinishedMessage } from '../context';
import { UpstreamError, type Agent, type AgentEvent, type AgentResult } from '../agent/types';
import { costUSD } from '../agent/pricing';
import { WITHOUT_CALLBACK } from '../webhooks/callbacks';
import { failure, type MessageFailure, type MessageResult, type Outcome } from './store';
import type { Turn } from '../store/sessions';
import type { Workspace } from '../store/workspaces';
import type { MessageJobData } from './service';

/** A parked job is promoted by its predecessor; this is only the safety net if that is lost. */
const PARK_MS = 30_000;
/** Events one message may have on their way to Redis before its agent waits. */
const MAX_UNWRITTEN_EVENTS = 256;

class MessageTimeout extends Error {}

type Deps = Pick<
  GatewayContext,
  'config' | 'stores' | 'events' | 'clock' | 'log' | 'onMessageFinished' | 'localEvents'
>;

/** How a failed run is reported: code, a message safe to show, and the status a sync reply gets. */
function failureOf(err: unknown, timeoutMs: number): MessageFailure {
  if (err instanceof UpstreamError) return failure('upstream_error', err.message);
  if (err instanceof MessageTimeout)
    return failure('timeout', `the agent did not finish within ${timeoutMs} ms (messages.timeoutMs)`);
  return failure('agent_error', 'the agent failed unexpectedly; the gateway logged the details');
}

/** A message whose job failed outside the agent (stall limit, an exception, a lost job): never answered. */
export const workerFailure = (reason: string): MessageFailure =>
  failure('worker_failed', `the message could not be processed (${reason}); send it again`);

/** How a message ends: what finishMessage writes, in one batch. */
interface Finish {
  /** Records the session turn (a successful answer only); started in the finish's tick. */
  record: (() => Promise<void>) | null;
  finished: Omit<FinishedMessage, 'messageId' | 'workspace' | 'userId' | 'sessionId'>;
  /** Not the first run: the hooks may have run already (checked against the record). */
  hooksMayHaveRun: boolean;
  /** The run's events not yet written: the finish script appends them before the final event. */
  events: string[];
  outcome: Outcome;
  finalEventJson: string;
  event: EventName;
  data: Record<string, unknown>;
}

/** What concluding a message needs to know of it: its job data, or as much as its record holds. */
export type MessageRef = Omit<MessageJobData, 'message' | 'context'>;

export class MessageProcessor {
  constructor(
    private readonly ctx: Deps,
    private readonly agent: Agent,
    private readonly queue: Queue<MessageJobData>,
  ) {}

  private get retentionMs(): number {
    return this.ctx.config.messages.retentionHours * 3_600_000;
  }

  /** `shutdown` aborts when this process stops for good before the job finished: the job is handed back. */
  async process(job: Job<MessageJobData>, token?: string, shutdown?: AbortSignal): Promise<void> {
    const d = job.data;
    // Readers in this process take the events from this run in memory until it ends (local-events.ts).
    this.ctx.localEvents?.claim(d.messageId);
    try {
      await this.processJob(job, token, shutdown);
    } finally {
      this.ctx.localEvents?.release(d.messageId);
    }
  }

  private async processJob(job: Job<MessageJobData>, token?: string, shutdown?: AbortSignal): Promise<void> {
    const d = job.data;
    const { sessions, workspaces, messages } = this.ctx.stores;
    // The record's status rides along (a read, harmless whatever the gate says): a message
    // finished by a run that died before advancing its session is completed, never run again.
    const [{ gate, history }, workspace, status] = await Promise.all([
      sessions.gate({ workspace: d.workspace, id: d.sessionId }, d.seq, this.ctx.config.sessions.historyLimit),
      workspaces.get(d.workspace),
      messages.status(d.messageId),
    ]);
    if (gate === 'wait') {
      await job.moveToDelayed(Date.now() + PARK_MS, token);
      // The predecessor may have finished while we parked: then nobody else will promote us.
      if (await sessions.isTurn({ workspace: d.workspace, id: d.sessionId }, d.seq))
        await job.promote().catch(() => undefined);
      throw new DelayedError();
    }
    if (gate === 'finished') return; // a re-run of a job that already finished (stalled worker): never run twice
    if (status === 'done' || status === 'error') return this.complete(d);
    // Counting the attempt goes alongside the agent's start, not before it: its answer is awaited
    // before the run writes anything (run()).
    if ((await this.run(d, workspace, history, this.start(d), shutdown)) === 'interrupted') {
      // The process stops before the answer finished: back to the queue for another worker (no
      // attempt used; its run starts with a `restart` event like any re-run).
      await job.moveToWait(token);
      throw new WaitingError();
    }
  }

  /** The run's attempt number, 0 when the message already finished (MessageStore.start). */
  private async start(d: MessageJobData): Promise<number> {
    const { messages } = this.ctx.stores;
    const attempt = await messages.start(d.messageId);
    if (attempt >= 0) return attempt;
    // No record: the submit's create failed while its job was added (they go out together). The
    // job carries all the record holds.
    const { messageId: id, workspace, userId, sessionId, channel, seq } = d;
    const createdAt = new Date(d.receivedAt).toISOString();
    await messages.create({ id, workspace, userId, sessionId, channel, seq, createdAt }, this.retentionMs);
    return messages.start(d.messageId);
  }

  /**
   * 'interrupted': the shutdown signal stopped the agent; nothing was recorded. `started` is the
   * run's attempt number (start()), still on its way: nothing is written before it is known.
   */
  private async run(
    d: MessageJobData,
    workspace: Workspace | null,
    history: Turn[],
    started: Promise<number>,
    shutdown?: AbortSignal,
  ): Promise<'finished' | 'interrupted'> {
    const { stores, config, clock } = this.ctx;
    const abort = new AbortController();
    let attempt = -1;
    let cancelled = false; // the agent was stopped for one of the two reasons below, not by its own failure
    const cancel = () => {
      cancelled = true;
      abort.abort();
    };
    // 0: another run finished the message since the gate (stop this one); a failure to count
    // stops it too, and the job runs again.
    const ready = started.then(
      (n) => {
        attempt = n;
        if (n === 0) cancel();
      },
      (err: unknown) => {
        cancel();
        throw err;
      },
    );
    ready.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
    // Another worker's run died part-way: the first event written tells stream readers to drop what it had sent.
    let restartDue = true;
    const withRestart = (events: string[]): string[] => {
      if (!restartDue) return events;
      restartDue = false;
      return attempt > 1 ? [JSON.stringify({ type: 'restart', attempt }), ...events] : events;
    };

    // Events emitted in the same turn of the event loop go to Redis together (one round trip,
    // still one stream entry each): a model streaming fast costs few commands.
    let lastAppend: Promise<unknown> = Promise.resolve();
    let appendFailed = null as Error | null; // set from a callback: not narrowed to null
    let pending: string[] = [];
    let unwritten = 0; // handed to Redis, not yet confirmed
    const flush = () => {
      if (!pending.length) return;
      const emitted = pending;
      pending = [];
      unwritten += emitted.length;
      // Chained on `ready`: batches stay in order, and the first one carries the restart event.
      let batch = emitted;
      lastAppend = ready
        .then(() => stores.messages.appendEvents(d.messageId, (batch = withRestart(emitted))))
        .then((ids) =>
          this.ctx.localEvents?.deliver(
            d.messageId,
            ids.map((id, i) => ({ id, data: batch[i] })),
          ),
        )
        .catch((err: unknown) => (appendFailed ??= err instanceof Error ? err : new Error(String(err))))
        .finally(() => (unwritten -= emitted.length));
    };
    const emit = (e: AgentEvent): Promise<void> | undefined => {
      if (!pending.length) setImmediate(flush);
      pending.push(JSON.stringify(e));
      if (unwritten + pending.length < MAX_UNWRITTEN_EVENTS) return undefined;
      // Backpressure towards the model: a fast one would outrun Redis and pile events up in
      // memory; it waits here until Redis has taken what it sent (appends are in order).
      flush();
      return lastAppend.then(
        () => undefined,
        () => undefined,
      );
    };
    const interrupt = () => abort.abort();
    shutdown?.addEventListener('abort', interrupt, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let result: AgentResult | null = null;
    let failure: MessageFailure | null = null;
    try {
      if (!workspace) throw new Error(`workspace '${d.workspace}' no longer exists`);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(new MessageTimeout());
        }, config.messages.timeoutMs);
      });
      result = await Promise.race([
        this.agent.run(
          {
            messageId: d.messageId,
            workspace,
            userId: d.userId,
            sessionId: d.sessionId,
            message: d.message,
            history: history.map((t) => ({ role: t.role, content: t.content })),
            context: d.context,
            signal: abort.signal,
          },
          emit,
        ),
        timeout,
      ]);
    } catch (err) {
      failure = failureOf(err, config.messages.timeoutMs);
      if (failure.code === 'agent_error' && !shutdown?.aborted && !cancelled)
        this.ctx.log.error({ err, messageId: d.messageId }, 'agent failed');
    } finally {
      clearTimeout(timer);
      shutdown?.removeEventListener('abort', interrupt);
    }
    // The events not yet sent travel with the finish (one script, one round trip less); taken
    // before awaiting, so the scheduled flush finds nothing and every earlier batch is awaited.
    let last = pending;
    pending = [];
    await lastAppend;
    await ready; // a failure to count the attempt fails the job: it runs again
    if (attempt === 0) {
      await this.complete(d); // another run finished it meanwhile: this one writes nothing
      return 'finished';
    }
    last = withRestart(last);
    if (!result && shutdown?.aborted) {
      pending = last;
      flush();
      await lastAppend;
      return 'interrupted';
    }
    // Readers would miss part of the answer: run it again (they get a `restart` event) rather than finish with a gap.
    if (appendFailed) throw appendFailed;
    const finishedAt = clock.now();
    const latencyMs = Math.max(0, finishedAt - d.receivedAt);
    // A first attempt follows no earlier run: its finished hooks cannot have run yet.
    const firstRun = attempt === 1;
    if (result) await this.succeed(d, result, latencyMs, finishedAt, firstRun, last);
    else await this.fail(d, failure!, latencyMs, finishedAt, firstRun, last);
    return 'finished';
  }

  private async succeed(
    d: MessageJobData,
    r: AgentResult,
    latencyMs: number,
    finishedAt: number,
    firstRun: boolean,
    events: string[],
  ): Promise<void> {
    const { stores, config } = this.ctx;
    const tokensUsed = r.tokensIn + r.tokensOut;
    const cost = costUSD(config, r.model, r.tokensIn, r.tokensOut);
    const at = new Date(finishedAt).toISOString();
    const turns: Turn[] = [
      {
        role: 'user',
        content: d.message,
        createdAt: new Date(d.receivedAt).toISOString(),
        tokens: r.tokensIn,
        tools: [],
        messageId: d.messageId,
      },
      {
        role: 'assistant',
        content: r.response,
        createdAt: at,
        tokens: r.tokensOut,
        tools: r.toolsInvoked,
        messageId: d.messageId,
      },
    ];
    const result: MessageResult = {
      messageId: d.messageId,
      response: r.response,
      tokensUsed,
      latencyMs,
      sessionId: d.sessionId,
      toolsInvoked: r.toolsInvoked,
      finishReason: r.finishReason,
      model: r.model,
      tokensIn: r.tokensIn,
      tokensOut: r.tokensOut,
      costUSD: cost,
    };
    const { response: _response, ...doneFields } = result;
    const finished = {
      status: 'done',
      model: r.model,
      provider: r.provider,
      tokensIn: r.tokensIn,
      tokensOut: r.tokensOut,
      costUSD: cost,
      latencyMs,
      finishedAt,
      toolsInvoked: r.toolsInvoked,
    } as const;
    await this.finishMessage(d, {
      record: () => stores.sessions.record(this.sessionOf(d), d.seq, turns, tokensUsed),
      finished,
      hooksMayHaveRun: !firstRun,
      events,
      outcome: { status: 'done', result },
      finalEventJson: JSON.stringify({ type: 'done', ...doneFields }),
      event: 'message.sent',
      data: {
        messageId: d.messageId,
        workspace: d.workspace,
        userId: d.userId,
        channel: d.channel,
        response: r.response,
        tokensUsed,
        latencyMs,
        sessionId: d.sessionId,
      },
    });
  }

  private async fail(
    d: MessageRef,
    f: MessageFailure,
    latencyMs: number,
    finishedAt: number,
    firstRun = false,
    events: string[] = [],
  ): Promise<void> {
    await this.finishMessage(d, {
      record: null,
      finished: {
        status: 'error',
        model: this.agent.defaultModel,
        provider: '',
        tokensIn: 0,
        tokensOut: 0,
        costUSD: null,
        latencyMs,
        finishedAt,
        toolsInvoked: [],
      },
      hooksMayHaveRun: !firstRun,
      events,
      outcome: { status: 'error', error: f },
      finalEventJson: JSON.stringify({ type: 'error', code: f.code, message: f.message }),
      event: 'error.agent',
      data: {
        messageId: d.messageId,
        workspace: d.workspace,
        userId: d.userId,
        channel: d.channel,
        sessionId: d.sessionId,
        code: f.code,
        message: f.message,
      },
    });
  }

  /**
   * Ends a message whose job failed or was lost (no outcome yet): an error outcome, error.agent,
   * and its session moves on. For a message that did finish, completes what its run left undone.
   */
  async abandon(d: MessageRef, reason: string): Promise<void> {
    const finishedAt = this.ctx.clock.now();
    await this.fail(d, workerFailure(reason), Math.max(0, finishedAt - d.receivedAt), finishedAt);
  }

  /**
   * The finish, in one round trip: the session turn, the finished hooks (stats) and then the
   * outcome + final event + outbox event (one script) are sent together in one tick, without
   * waiting for each other's replies, and Redis runs them in the order the connection carries: once
   * the final event is visible, the turn and the stats row are committed before it (on a
   * cluster they go to their own nodes in the same tick; local waiters get the final event only
   * after all of them answered). Then the event goes out and the session moves on.
   */
  private async finishMessage(d: MessageRef, f: Finish): Promise<void> {
    const announce: DomainEvent = {
      id: newId('evt'),
      event: f.event,
      timestamp: eventTimestamp(this.ctx.clock.now()),
      workspace: d.workspace,
      data: f.data,
    };
    if (d.noCallback) WITHOUT_CALLBACK.add(announce);
    // A re-run or a repair: the hooks run only when the earlier run did not get to them.
    const skipHooks = f.hooksMayHaveRun && (await this.ctx.stores.messages.hooksRan(d.messageId));
    const recorded = f.record?.();
    const hooks = skipHooks ? [] : this.runHooks(d, f.finished);
    const finishing = this.ctx.stores.messages.finish(
      d.messageId,
      f.outcome,
      f.finalEventJson,
      announce,
      this.retentionMs,
      f.events,
    );
    const [ids] = await Promise.all([finishing, recorded, ...hooks]);
    if (!ids) return this.complete(d); // another run or the repair got there first
    const n = f.events.length;
    this.ctx.localEvents?.deliver(d.messageId, [
      ...f.events.map((data, i) => ({ id: ids[i], data })),
      { id: ids[n], data: f.finalEventJson, outcome: JSON.stringify(f.outcome) },
    ]);
    failpoint('message.finished'); // the fault suite dies here: the outbox must still deliver
    await this.ctx.events.publish(announce);
    await this.next(d);
  }

  /**
   * A finished message whose session may not have moved on: publish its recorded event again
   * (the same id: receivers see one event) and advance. Safe to repeat.
   */
  async complete(d: Pick<MessageRef, 'messageId' | 'workspace' | 'sessionId' | 'seq'>): Promise<void> {
    const announce = await this.ctx.stores.messages.announcement(d.messageId);
    if (announce) await this.ctx.events.publish(announce);
    await this.next(d);
  }

  private sessionOf(d: MessageRef) {
    return { id: d.sessionId, workspace: d.workspace, userId: d.userId };
  }

  /** This message is completely finished (done event written): the session's next one may run. */
  async next(d: Pick<MessageRef, 'workspace' | 'sessionId' | 'seq'>): Promise<void> {
    const next = await this.ctx.stores.sessions.advance({ workspace: d.workspace, id: d.sessionId }, d.seq);
    if (next) {
      const job = await Job.fromId(this.queue, next);
      // Not delayed yet: that job re-checks its turn right after parking and promotes itself.
      await job?.promote().catch(() => undefined);
    }
  }

  /**
   * The onMessageFinished hooks, started in the caller's tick (so their commands join the
   * finish's batch). Until the outcome is stored (which marks them run) a run that dies has them
   * run again by the next one; they count each message once (stats are idempotent per message id).
   */
  private runHooks(
    d: MessageRef,
    m: Omit<FinishedMessage, 'messageId' | 'workspace' | 'userId' | 'sessionId'>,
  ): Array<Promise<void>> {
    const finished: FinishedMessage = {
      messageId: d.messageId,
      workspace: d.workspace,
      userId: d.userId,
      sessionId: d.sessionId,
      ...m,
    };
    return this.ctx.onMessageFinished.map((hook) =>
      hook(finished).catch((err: unknown) =>
        this.ctx.log.error({ err, messageId: d.messageId }, 'a message-finished hook failed'),
      ),
    );
  }
}
