/**
 * The `messages` queue: one BullMQ job per message (job id = messageId). The worker runs the
 * agent, writes every event to the message's Redis Stream, records the turn in the session,
 * reports to the onMessageFinished hooks and announces message.sent / error.agent.
 *
 * Per-session order: each message took a sequence number in its session at enqueue. A job whose
 * predecessor has not finished parks itself (moveToDelayed + DelayedError) and is promoted by
 * the predecessor when it finishes, so one session's messages run one at a time in arrival order
 * without holding a worker slot, while other sessions run in parallel.
 */
import { DelayedError, Job, Queue, WaitingError, Worker } from 'bullmq';
import type { GatewayContext, FinishedMessage } from '../server/context';
import { createBlockingClient } from '../server/redis';
import { UpstreamError, type Agent, type AgentEvent, type AgentResult } from '../server/agent/types';
import { costUSD } from '../server/agent/pricing';
import type { MessageFailure, MessageResult } from '../server/store/messages';
import type { Turn } from '../server/store/sessions';
import type { Workspace } from '../server/store/workspaces';
import type { MessageJobData } from '../server/messages/service';

export const MESSAGES_QUEUE = 'messages';
/** BullMQ key prefix: hash-tagged so each queue's keys stay in one Redis Cluster slot. */
const PREFIX = '{oc:messages}';
/** A parked job is promoted by its predecessor; this is only the safety net if that is lost. */
const PARK_MS = 30_000;
/** Events one message may have on their way to Redis before its agent waits. */
const MAX_UNWRITTEN_EVENTS = 256;

export function createMessagesQueue(redisUrl: string): Queue<MessageJobData> {
  return new Queue<MessageJobData>(MESSAGES_QUEUE, {
    connection: createBlockingClient(redisUrl, 'openclaw-messages-queue'),
    prefix: PREFIX,
    defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } },
  });
}

class MessageTimeout extends Error {}

type Deps = Pick<GatewayContext, 'config' | 'stores' | 'events' | 'clock' | 'log' | 'onMessageFinished'>;

/** How a failed run is reported: code, a message safe to show, and the status a sync reply gets. */
function failureOf(err: unknown, timeoutMs: number): MessageFailure {
  if (err instanceof UpstreamError) return { code: 'upstream_error', message: err.message, status: 502 };
  if (err instanceof MessageTimeout) return { code: 'timeout', message: `the agent did not finish within ${timeoutMs} ms (messages.timeoutMs)`, status: 504 };
  return { code: 'agent_error', message: 'the agent failed unexpectedly; the gateway logged the details', status: 500 };
}

export class MessageProcessor {
  constructor(private readonly ctx: Deps, private readonly agent: Agent, private readonly queue: Queue<MessageJobData>) {}

  private get retentionMs(): number {
    return this.ctx.config.messages.retentionHours * 3_600_000;
  }

  /** `shutdown` aborts when this process stops for good before the job finished: the job is handed back. */
  async process(job: Job<MessageJobData>, token?: string, shutdown?: AbortSignal): Promise<void> {
    const d = job.data;
    const { sessions, workspaces } = this.ctx.stores;
    const [{ gate, history }, workspace] = await Promise.all([
      sessions.gate(d.sessionId, d.seq, this.ctx.config.sessions.historyLimit),
      workspaces.get(d.workspace),
    ]);
    if (gate === 'wait') {
      await job.moveToDelayed(Date.now() + PARK_MS, token);
      // The predecessor may have finished while we parked: then nobody else will promote us.
      if (await sessions.isTurn(d.sessionId, d.seq)) await job.promote().catch(() => undefined);
      throw new DelayedError();
    }
    if (gate === 'finished') return; // a re-run of a job that already finished (stalled worker): never run twice
    if ((await this.run(d, workspace, history, shutdown)) === 'interrupted') {
      // The process stops before the answer finished: back to the queue for another worker (no attempt used).
      await job.moveToWait(token);
      throw new WaitingError();
    }
  }

  /** 'interrupted': the shutdown signal stopped the agent; nothing was recorded. */
  private async run(d: MessageJobData, workspace: Workspace | null, history: Turn[], shutdown?: AbortSignal): Promise<'finished' | 'interrupted'> {
    const { stores, config, clock } = this.ctx;
    // Not awaited: it goes out on the data connection before the events, which are awaited below.
    stores.messages.markRunning(d.messageId).catch((err: unknown) => this.ctx.log.warn({ err, messageId: d.messageId }, 'marking a message running failed'));

    // Events emitted in the same turn of the event loop go to Redis together (one round trip,
    // still one stream entry each): a model streaming fast costs few commands.
    let lastAppend: Promise<unknown> = Promise.resolve();
    let pending: string[] = [];
    let unwritten = 0; // handed to Redis, not yet confirmed
    const flush = () => {
      if (!pending.length) return;
      const batch = pending;
      pending = [];
      unwritten += batch.length;
      lastAppend = stores.messages.appendEvents(d.messageId, batch).finally(() => (unwritten -= batch.length));
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
    const abort = new AbortController();
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
      if (failure.code === 'agent_error' && !shutdown?.aborted) this.ctx.log.error({ err, messageId: d.messageId }, 'agent failed');
    } finally {
      clearTimeout(timer);
      shutdown?.removeEventListener('abort', interrupt);
    }
    flush();
    await lastAppend.catch((err) => this.ctx.log.warn({ err, messageId: d.messageId }, 'writing a message event failed'));
    if (!result && shutdown?.aborted) return 'interrupted';
    const finishedAt = clock.now();
    const latencyMs = Math.max(0, finishedAt - d.receivedAt);
    if (result) await this.succeed(d, result, latencyMs, finishedAt);
    else await this.fail(d, failure!, latencyMs, finishedAt);
    return 'finished';
  }

  private async succeed(d: MessageJobData, r: AgentResult, latencyMs: number, finishedAt: number): Promise<void> {
    const { stores, config, events } = this.ctx;
    const tokensUsed = r.tokensIn + r.tokensOut;
    const cost = costUSD(config, r.model, r.tokensIn, r.tokensOut);
    const at = new Date(finishedAt).toISOString();
    const turns: Turn[] = [
      { role: 'user', content: d.message, createdAt: new Date(d.receivedAt).toISOString(), tokens: r.tokensIn, tools: [], messageId: d.messageId },
      { role: 'assistant', content: r.response, createdAt: at, tokens: r.tokensOut, tools: r.toolsInvoked, messageId: d.messageId },
    ];
    await this.report(d, stores.sessions.record(this.sessionOf(d), d.seq, turns, tokensUsed), { status: 'done', model: r.model, provider: r.provider, tokensIn: r.tokensIn, tokensOut: r.tokensOut, costUSD: cost, latencyMs, finishedAt, toolsInvoked: r.toolsInvoked });
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
    await stores.messages.finish(d.messageId, { status: 'done', result }, JSON.stringify({ type: 'done', ...doneFields }), this.retentionMs);
    await Promise.all([this.next(d), events.emit('message.sent', d.workspace, {
      messageId: d.messageId,
      workspace: d.workspace,
      userId: d.userId,
      channel: d.channel,
      response: r.response,
      tokensUsed,
      latencyMs,
      sessionId: d.sessionId,
    })]);
  }

  private async fail(d: MessageJobData, f: MessageFailure, latencyMs: number, finishedAt: number): Promise<void> {
    const { stores, events } = this.ctx;
    await this.report(d, Promise.resolve(), { status: 'error', model: this.agent.defaultModel, provider: '', tokensIn: 0, tokensOut: 0, costUSD: null, latencyMs, finishedAt, toolsInvoked: [] });
    await stores.messages.finish(d.messageId, { status: 'error', error: f }, JSON.stringify({ type: 'error', code: f.code, message: f.message }), this.retentionMs);
    await Promise.all([this.next(d), events.emit('error.agent', d.workspace, {
      messageId: d.messageId,
      workspace: d.workspace,
      userId: d.userId,
      channel: d.channel,
      sessionId: d.sessionId,
      code: f.code,
      message: f.message,
    })]);
  }

  private sessionOf(d: MessageJobData) {
    return { id: d.sessionId, workspace: d.workspace, userId: d.userId };
  }

  /** This message is completely finished (done event written): the session's next one may run. */
  private async next(d: MessageJobData): Promise<void> {
    const next = await this.ctx.stores.sessions.advance(d.sessionId, d.seq);
    if (next) {
      const job = await Job.fromId(this.queue, next);
      // Not delayed yet: that job re-checks its turn right after parking and promotes itself.
      await job?.promote().catch(() => undefined);
    }
  }

  /**
   * onMessageFinished hooks, exactly once per message even if its job runs again; `recorded` (the
   * turn being written to the session) runs alongside the claim, and both finish before the hooks.
   */
  private async report(d: MessageJobData, recorded: Promise<void>, m: Omit<FinishedMessage, 'messageId' | 'workspace' | 'userId' | 'sessionId'>): Promise<void> {
    const hooks = this.ctx.onMessageFinished;
    const [claimed] = await Promise.all([hooks.length ? this.ctx.stores.messages.claimHooks(d.messageId) : false, recorded]);
    if (!claimed) return;
    const finished: FinishedMessage = { messageId: d.messageId, workspace: d.workspace, userId: d.userId, sessionId: d.sessionId, ...m };
    for (const hook of hooks) {
      await hook(finished).catch((err: unknown) => this.ctx.log.error({ err, messageId: d.messageId }, 'a message-finished hook failed'));
    }
  }
}

export function startMessagesWorker(ctx: Deps & Pick<GatewayContext, 'redisUrl'>, agent: Agent, queue: Queue<MessageJobData>): Worker<MessageJobData> {
  const processor = new MessageProcessor(ctx, agent, queue);
  // Three parameters: BullMQ then hands each job an abort signal (worker.cancelAllJobs at shutdown).
  const worker = new Worker<MessageJobData>(MESSAGES_QUEUE, (job, token, signal) => processor.process(job, token, signal), {
    connection: createBlockingClient(ctx.redisUrl, 'openclaw-messages-worker'),
    prefix: PREFIX,
    concurrency: ctx.config.workers.concurrency,
  });
  worker.on('error', (err) => ctx.log.warn({ err: { message: err.message } }, 'messages worker error'));
  return worker;
}
