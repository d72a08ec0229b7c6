/**
 * The repair sweep: nothing may wedge a session. Every session where a message took a place is on
 * a work list (sessions store, `busy`); every SWEEP_MS one worker process (a Redis lock decides
 * which) looks at those not looked at for GRACE_MS and asks whether the message whose turn it is
 * still has a live job. When it does not (its job failed, was removed or was never added), the
 * message is concluded as `worker_failed` — or, if it had finished, its event is published and the
 * session advanced — so the session's next message runs.
 */
import { Job, type Queue } from 'bullmq';
import type { GatewayContext } from '../context';
import type { MessageRecord } from './store';
import type { SessionKey } from '../store/sessions';
import type { MessageJobData } from './service';
import type { MessageProcessor, MessageRef } from './processor';

export const SWEEP_MS = 5_000;
/** Longer than a submit takes between taking a place and adding its job. */
const GRACE_MS = 10_000;
const LOCK_KEY = 'oc:{msgrepair}:lock';
/** States in which BullMQ will still run the job. */
const ALIVE = new Set(['active', 'wait', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

type Deps = Pick<GatewayContext, 'stores' | 'redis' | 'clock' | 'log'>;

const refOf = (r: MessageRecord): MessageRef => ({
  messageId: r.id,
  workspace: r.workspace,
  userId: r.userId,
  sessionId: r.sessionId,
  channel: r.channel,
  seq: r.seq,
  receivedAt: Date.parse(r.createdAt),
});

/** Why the job will not finish the message, in words for the client (no internals). */
function reasonOf(state: string, failedReason: string | undefined): string {
  if (failedReason && /stalled/i.test(failedReason)) return 'the workers running it stopped, repeatedly';
  if (state === 'failed') return 'an internal error; the gateway logged it';
  return 'its job was lost';
}

export class MessageRepair {
  private running = false;

  constructor(
    private readonly ctx: Deps,
    private readonly queue: Queue<MessageJobData>,
    private readonly processor: MessageProcessor,
  ) {}

  /** One pass (unless one is still running, or another process holds the lock); returns how many messages it concluded or released. */
  async sweep(): Promise<number> {
    const { stores, redis, clock } = this.ctx;
    if (this.running || (await redis.set(LOCK_KEY, '1', 'PX', SWEEP_MS - 500, 'NX')) !== 'OK') return 0;
    this.running = true;
    try {
      let repaired = 0;
      for (const key of await stores.sessions.busy(clock.now() - GRACE_MS, 500))
        repaired += await this.repairSession(key);
      return repaired;
    } finally {
      this.running = false;
    }
  }

  private async repairSession(session: SessionKey): Promise<number> {
    const { sessions, messages } = this.ctx.stores;
    const { workspace, id: sessionId } = session;
    for (let repaired = 0; ; repaired++) {
      const head = await sessions.head(session);
      if (!head.pending) {
        await sessions.unbusy(session);
        return repaired;
      }
      if (!head.messageId) {
        await this.processor.next({ workspace, sessionId, seq: head.seq }); // a place nobody holds: skip it
        continue;
      }
      const job = await Job.fromId<MessageJobData>(this.queue, head.messageId);
      const state = job ? await job.getState() : 'missing';
      if (ALIVE.has(state)) {
        await sessions.touchBusy(session);
        return repaired;
      }
      // Read after the job's state: a job that completed meanwhile shows here as finished.
      const record = await messages.get(head.messageId);
      this.ctx.log.warn(
        { messageId: head.messageId, workspace, sessionId, state, reason: job?.failedReason },
        'repairing a message whose job will not finish it',
      );
      if (!record)
        await this.processor.next({ workspace, sessionId, seq: head.seq }); // never stored: only its place to release
      else await this.processor.abandon(refOf(record), reasonOf(state, job?.failedReason));
    }
  }
}
