/**
 * The `channels` queue: every answer that goes out to a chat is a BullMQ job, so a platform that
 * is briefly away costs a retry, not the answer.
 *
 *   reply    job id `reply-<messageId>`: follows the message (typing indicator meanwhile) and
 *            sends its answer to the chat it came from.
 *   deliver  job id `deliver-<workspace>/<scheduleId>-<runId>`: posts a schedule run's answer where the
 *            schedule's `deliver` says, and records the delivery on the run.
 *   notice   job id `notice-<channel>-<deliveryId>`: a message from the gateway itself to the chat
 *            a message came from, in place of an answer (the message was too long to run).
 *
 * Long answers go out in parts (the platform's limit); the parts already sent are remembered in
 * the job's data, so a retry never repeats them. A refused send with the platform's auth error
 * turns the channel's health to disconnected; any successful call turns it back.
 */
import { UnrecoverableError, type Job, type Queue, type Worker } from 'bullmq';
import { createQueue, createWorker } from '../../queues/factory';
import type { GatewayCore } from '../core';
import type { MessageService } from '../messages/service';
import type { RedisTarget } from '../redis';
import { scheduleRef, type ScheduleKey } from '../schedules/store';
import type { ChannelName, Deliver, RunDelivery } from './schema';
import type { ChannelStatus } from './status';
import { ChannelSendError, type ChannelAdapter, type ReplyTarget } from './types';
import { splitText } from './text';

export const CHANNELS_QUEUE = 'channels';
/** Attempts per send: 1 s, 2 s, 4 s, 8 s, 16 s, 32 s between them. */
export const SEND_ATTEMPTS = 7;
const BACKOFF_MS = 1000;
/** Telegram's typing indicator lasts 5 s: refreshed a little sooner while the agent works. */
const TYPING_EVERY_MS = 4500;
const KEEP = { age: 24 * 3600, count: 1000 };

interface ReplyJob {
  kind: 'reply';
  channel: ChannelName;
  messageId: string;
  to: ReplyTarget;
  platformMessageId?: string;
  /** Parts already sent (a retry starts after them). */
  sent?: number;
}
interface DeliverJob {
  kind: 'deliver';
  channel: ChannelName;
  to: string;
  text: string;
  scheduleId: string;
  /** The schedule's workspace: schedule ids are per workspace. */
  workspace: string;
  runId: string;
  sent?: number;
}
interface NoticeJob {
  kind: 'notice';
  channel: ChannelName;
  to: ReplyTarget;
  text: string;
  sent?: number;
}
export type ChannelJob = ReplyJob | DeliverJob | NoticeJob;

export function createChannelsQueue(redis: RedisTarget): Queue<ChannelJob> {
  return createQueue<ChannelJob>(CHANNELS_QUEUE, redis, {
    defaultJobOptions: {
      attempts: SEND_ATTEMPTS,
      backoff: { type: 'exponential', delay: BACKOFF_MS },
      removeOnComplete: KEEP,
      removeOnFail: KEEP,
    },
  });
}

/** Adds outbound jobs (any process). */
export class Outbox {
  constructor(private readonly queue: Queue<ChannelJob>) {}

  async reply(channel: ChannelName, messageId: string, to: ReplyTarget, platformMessageId?: string): Promise<void> {
    const data: ReplyJob = {
      kind: 'reply',
      channel,
      messageId,
      to,
      ...(platformMessageId ? { platformMessageId } : {}),
    };
    await this.queue.add('reply', data, { jobId: `reply-${messageId}` });
  }

  /** `deliveryId`: the platform's id of the message this answers (a retried delivery gets one notice). */
  async notice(channel: ChannelName, deliveryId: string, to: ReplyTarget, text: string): Promise<void> {
    const data: NoticeJob = { kind: 'notice', channel, to, text };
    await this.queue.add('notice', data, { jobId: `notice-${channel}-${deliveryId}`.replace(/:/g, '.') });
  }

  async deliver(schedule: ScheduleKey, runId: string, deliver: Deliver, text: string): Promise<void> {
    const data: DeliverJob = {
      kind: 'deliver',
      channel: deliver.channel,
      to: deliver.to,
      text,
      scheduleId: schedule.id,
      workspace: schedule.workspace,
      runId,
    };
    await this.queue.add('deliver', data, { jobId: `deliver-${scheduleRef(schedule)}-${runId}`.replace(/:/g, '.') });
  }
}

type Deps = Pick<GatewayCore, 'config' | 'stores' | 'log' | 'clock'> & { messages: MessageService };

export class ChannelSender {
  constructor(
    private readonly ctx: Deps,
    private readonly adapters: Map<ChannelName, ChannelAdapter>,
    private readonly status: ChannelStatus,
  ) {}

  async process(job: Job<ChannelJob>): Promise<void> {
    const adapter = this.adapters.get(job.data.channel);
    const d = job.data;
    try {
      if (!adapter) throw new UnrecoverableError(`channel '${d.channel}' is not configured on this gateway`);
      const text = d.kind === 'reply' ? await this.answerOf(d, adapter) : d.text;
      if (text === null) return;
      const to: ReplyTarget = d.kind === 'deliver' ? { chatId: d.to } : d.to;
      const parts = splitText(text, adapter.maxChars);
      for (let i = d.sent ?? 0; i < parts.length; i++) {
        await this.send(adapter, to, parts[i]);
        await job.updateData({ ...d, sent: i + 1 });
      }
      if (d.kind === 'deliver')
        await this.recordDelivery(d, {
          status: 'delivered',
          attempts: job.attemptsMade + 1,
          deliveredAt: new Date(this.ctx.clock.now()).toISOString(),
          error: null,
        });
    } catch (err) {
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const error = {
        code: err instanceof ChannelSendError ? `channel_${err.kind}` : 'channel_error',
        message: (err as Error).message,
      };
      this.ctx.log.warn(
        { channel: d.channel, kind: d.kind, jobId: job.id, attempt: job.attemptsMade + 1, last, err: error },
        'channel send failed',
      );
      if (d.kind === 'deliver')
        await this.recordDelivery(d, {
          status: last ? 'failed' : 'pending',
          attempts: job.attemptsMade + 1,
          deliveredAt: null,
          error,
        });
      throw err;
    }
  }

  private async send(adapter: ChannelAdapter, to: ReplyTarget, text: string): Promise<void> {
    try {
      await adapter.sendPart(to, text);
      this.status.up(adapter.name);
    } catch (err) {
      if (err instanceof ChannelSendError && (err.kind === 'auth' || err.kind === 'network'))
        this.status.down(adapter.name, err.message);
      // A chat that does not exist or refuses the bot will not accept a retry either.
      if (err instanceof ChannelSendError && err.kind === 'rejected') throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  /** Waits for the message's answer, showing "typing…" meanwhile; null when it never ended. */
  private async answerOf(d: ReplyJob, adapter: ChannelAdapter): Promise<string | null> {
    const typing = () => adapter.typing?.(d.to, d.platformMessageId).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    if (adapter.typing && !d.sent) {
      void typing();
      if (adapter.name === 'telegram') timer = setInterval(() => void typing(), TYPING_EVERY_MS);
    }
    try {
      const rec = await this.ctx.messages.wait(d.messageId, this.ctx.config.messages.timeoutMs + 30_000);
      if (!rec) {
        this.ctx.log.warn(
          { channel: d.channel, messageId: d.messageId },
          'channel reply: the message did not finish; nothing sent',
        );
        return null;
      }
      if (rec.status === 'done' && rec.result) return rec.result.response || '(empty answer)';
      const code = rec.error?.code ?? 'error';
      return `Sorry, I could not answer this message (${code}).`;
    } finally {
      clearInterval(timer);
    }
  }

  /** Writes the delivery's state onto the schedule run it belongs to. */
  private async recordDelivery(d: DeliverJob, state: Omit<RunDelivery, 'channel' | 'to'>): Promise<void> {
    const { schedules } = this.ctx.stores;
    const schedule = { workspace: d.workspace, id: d.scheduleId };
    const run = (await schedules.runs(schedule)).find((r) => r.runId === d.runId);
    if (!run) return;
    const delivery: RunDelivery = { channel: d.channel, to: d.to, ...state };
    await schedules.recordRun(schedule, { ...run, delivery });
  }
}

export function startChannelsWorker(
  ctx: Pick<GatewayCore, 'redisUrl' | 'config' | 'log'>,
  sender: ChannelSender,
): Worker<ChannelJob> {
  return createWorker<ChannelJob>(CHANNELS_QUEUE, ctx.redisUrl, (job) => sender.process(job), {
    // A reply job mostly waits for its message: many wait at once.
    concurrency: ctx.config.workers.concurrency,
    onError: (err) => ctx.log.warn({ err: { message: err.message } }, 'channels worker error'),
  });
}
