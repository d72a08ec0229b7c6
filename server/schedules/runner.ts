/**
 * Runs the `schedules` queue's jobs: one BullMQ job scheduler per enabled schedule (id = `<workspace>/<schedule id>`,
 * pattern = cron, tz = timezone). BullMQ keeps exactly one pending job per scheduler, with the
 * deterministic id `repeat:<workspace>/<scheduleId>:<tickMillis>`, so however many gateways share the Redis,
 * each tick is one job and runs once. A worker submits the schedule's message through the
 * normal pipeline (ctx.messages), waits for the answer, records the run and emits
 * `schedule.completed` or `schedule.failed`.
 *
 * Missed ticks: while no worker runs, the one pending job just waits; the first worker back
 * runs it once (late) and BullMQ schedules the next tick from the current time, so a long
 * outage costs one catch-up run, never one per missed tick.
 */
import type { Job, Queue } from 'bullmq';
import type { GatewayContext } from '../context';
import { ApiError } from '../errors';
import { messageInput, type ScheduleJobData } from './service';
import { EXCERPT_CHARS, scheduleRef, type Schedule, type ScheduleRun } from './store';
import type { MessageResult } from '../messages/store';

export const SCHEDULES_QUEUE = 'schedules';

const errorOf = (err: unknown): { code: string; message: string } =>
  err instanceof ApiError
    ? { code: err.code, message: err.message }
    : { code: 'run_failed', message: (err as Error)?.message ?? String(err) };

/** A tick's time: BullMQ sets prevMillis on scheduler jobs; the job id ends with it too. */
function tickOf(job: Job<ScheduleJobData>): number {
  const fromOpts = (job.opts as { prevMillis?: number }).prevMillis;
  if (typeof fromOpts === 'number') return fromOpts;
  return Number(String(job.id).split(':').pop());
}

export class ScheduleRunner {
  /** Set when this process shuts down: runs still waiting are left to another worker (below). */
  closing = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly queue: Queue<ScheduleJobData>,
  ) {}

  private now = () => new Date(this.ctx.clock.now()).toISOString();

  /** The job's schedule. Jobs queued before ids were per workspace carry no workspace: found by id. */
  private async scheduleOf(data: ScheduleJobData): Promise<Schedule | null> {
    const { schedules, workspaces } = this.ctx.stores;
    if (data.workspace !== undefined) return schedules.get({ workspace: data.workspace, id: data.scheduleId });
    const found = await schedules.findIn(data.scheduleId, await workspaces.ids());
    return found.length === 1 ? schedules.get({ workspace: found[0], id: data.scheduleId }) : null;
  }

  async process(job: Job<ScheduleJobData>): Promise<void> {
    const { schedules } = this.ctx.stores;
    const s = await this.scheduleOf(job.data);
    if (job.name === 'manual') {
      if (!s) return; // deleted while running: nothing left to record
      const run = (await schedules.runs(s)).find((r) => r.runId === job.data.runId);
      if (run && run.status !== 'running') return; // retried after it already finished
      await this.follow(
        s,
        run ?? this.started(job.data.runId!, 'manual', job.data.requestedAt!, job.data.messageId!, job.data.sessionId!),
      );
      return;
    }
    const schedulerId =
      job.data.workspace !== undefined
        ? scheduleRef({ workspace: job.data.workspace, id: job.data.scheduleId })
        : job.data.scheduleId;
    if (!s || !s.enabled) {
      // The schedule went away (or was disabled) after this tick was queued: stop its ticks.
      if (!s) await this.queue.removeJobScheduler(schedulerId);
      return;
    }
    // A tick of a scheduler armed before ids were per workspace: run it, but tick from the new one.
    if (job.data.workspace === undefined && (await this.queue.removeJobScheduler(schedulerId)))
      await this.ctx.schedules.arm(s, s);
    const runId = String(job.id);
    const scheduledFor = new Date(tickOf(job)).toISOString();
    const previous = (await schedules.runs(s)).find((r) => r.runId === runId);
    if (previous && previous.status !== 'running') return; // retried after it already finished
    let submitted;
    try {
      // Keyed by the tick: a run retried after a crash follows the message it already sent.
      submitted = await this.ctx.messages.submit({
        ...messageInput(s),
        idempotency: { scope: `sched:${scheduleRef(s)}`, key: runId, fingerprint: runId },
      });
    } catch (err) {
      await this.finish(
        s,
        { ...this.started(runId, 'schedule', scheduledFor, null, null), status: 'failed', error: errorOf(err) },
        null,
      );
      return;
    }
    const run = previous ?? this.started(runId, 'schedule', scheduledFor, submitted.messageId, submitted.sessionId);
    await schedules.recordRun(s, run);
    await this.follow(s, run);
  }

  private started(
    runId: string,
    trigger: ScheduleRun['trigger'],
    scheduledFor: string,
    messageId: string | null,
    sessionId: string | null,
  ): ScheduleRun {
    return {
      runId,
      trigger,
      scheduledFor,
      startedAt: this.now(),
      finishedAt: null,
      status: 'running',
      messageId,
      sessionId,
      responseExcerpt: null,
      error: null,
    };
  }

  /** Waits for the run's message, then records and announces the outcome. */
  private async follow(s: Schedule, run: ScheduleRun): Promise<void> {
    const timeoutMs = this.ctx.config.messages.timeoutMs;
    let finished;
    try {
      finished = await this.ctx.messages.wait(run.messageId!, timeoutMs);
    } catch (err) {
      if (this.closing) return;
      await this.finish(s, { ...run, status: 'failed', error: errorOf(err) }, null);
      return;
    }
    // Shutting down mid-run is not a failure: the job stalls and a worker (here after a restart,
    // or another process) picks it up again and follows the same message (idempotent submit).
    if (!finished && this.closing) return;
    if (!finished) {
      await this.finish(
        s,
        {
          ...run,
          status: 'failed',
          error: { code: 'timeout', message: `no answer within ${timeoutMs} ms (messages.timeoutMs)` },
        },
        null,
      );
    } else if (finished.status === 'done' && finished.result) {
      const { result } = finished;
      await this.finish(
        s,
        {
          ...run,
          status: 'completed',
          sessionId: result.sessionId,
          responseExcerpt: result.response.slice(0, EXCERPT_CHARS),
        },
        result,
      );
    } else {
      const failure = 'error' in finished ? finished.error : null;
      const error = failure
        ? { code: failure.code, message: failure.message }
        : { code: 'run_failed', message: 'the message failed' };
      await this.finish(s, { ...run, status: 'failed', error }, null);
    }
  }

  private async finish(s: Schedule, run: ScheduleRun, result: MessageResult | null): Promise<void> {
    const done: ScheduleRun = { ...run, finishedAt: this.now() };
    // `deliver`: the answer is posted to a chat too (retried on the channels queue, shown on the run).
    if (done.status === 'completed' && s.deliver && result) done.delivery = this.ctx.channels.plan(s.deliver);
    await this.ctx.stores.schedules.recordRun(s, done);
    if (done.delivery?.status === 'pending')
      await this.ctx.channels.outbox.deliver(s, done.runId, s.deliver!, result!.response);
    const base = {
      scheduleId: s.id,
      runId: done.runId,
      trigger: done.trigger,
      scheduledFor: done.scheduledFor,
      workspace: s.workspace,
      userId: s.userId,
    };
    if (done.status === 'completed') {
      // The message's reply (messageId, response, tokensUsed, …) beside the schedule's fields.
      await this.ctx.events.emit('schedule.completed', s.workspace, { ...result, ...base });
    } else {
      await this.ctx.events.emit('schedule.failed', s.workspace, {
        ...base,
        messageId: done.messageId,
        sessionId: done.sessionId,
        error: done.error,
      });
    }
  }
}
