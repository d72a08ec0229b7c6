/**
 * Schedules as the API and the config see them: validation, the stored record and the BullMQ
 * job scheduler kept in step (runner.ts runs the ticks). Routes and config sync call
 * this service; nothing here depends on the HTTP side.
 */
import type { Queue } from 'bullmq';
import type { GatewayCore } from '../core';
import type { MessageService } from '../messages/service';
import { ApiError, ConfigError, conflict, invalidField, notFound } from '../errors';
import { CronError, checkCron, nextRuns } from './cron';
import { newId } from '../ids';
import type { ScheduleConfig } from '../config-schema';
import type { SubmitInput } from '../messages/service';
import {
  scheduleRef,
  type Refusal,
  type Schedule,
  type ScheduleDefinition,
  type ScheduleKey,
  type ScheduleRun,
} from './store';

export const NEXT_RUNS_SHOWN = 5;

export interface ScheduleView extends Schedule {
  /** The next tick (ISO), null when disabled. */
  nextRunAt: string | null;
  nextRuns: string[];
}

/** Data of a `tick` job (from the job scheduler) or a `manual` job (POST /schedules/{id}/run). */
export interface ScheduleJobData {
  scheduleId: string;
  /** The schedule's workspace (absent in jobs queued before ids were per workspace). */
  workspace?: string;
  runId?: string;
  messageId?: string;
  sessionId?: string;
  requestedAt?: string;
}

export type ScheduleInput = Omit<ScheduleDefinition, 'sessionId' | 'enabled'> & {
  id?: string;
  sessionId?: string | null;
  enabled?: boolean;
};
export type SchedulePatch = Partial<Omit<ScheduleDefinition, 'sessionId'>> & { sessionId?: string | null };

/** Finished jobs kept for inspection; the run history lives in the schedule store. */
const KEEP = { count: 100 };

export class ScheduleService {
  constructor(
    private readonly ctx: GatewayCore & { messages: MessageService },
    private readonly queue: Queue<ScheduleJobData>,
  ) {}

  private get store() {
    return this.ctx.stores.schedules;
  }

  /** Checks a whole definition; 400 naming the field at fault. Returns it with the cron normalised. */
  async validate(d: ScheduleDefinition): Promise<ScheduleDefinition> {
    let cron: string;
    try {
      cron = checkCron(d.cron, d.timezone);
    } catch (err) {
      if (err instanceof CronError) throw invalidField(err.field, err.reason);
      throw err;
    }
    const max = this.ctx.config.messages.maxChars;
    if (d.message.length > max) throw invalidField('message', `must be at most ${max} characters (messages.maxChars)`);
    if (!(await this.ctx.stores.workspaces.exists(d.workspace)))
      throw invalidField('workspace', `unknown workspace '${d.workspace}'`);
    if (d.deliver && !this.ctx.config.channels[d.deliver.channel]) {
      throw invalidField(
        'deliver.channel',
        `'${d.deliver.channel}' is not configured (channels.${d.deliver.channel} in openclaw.json, docs/channels.md)`,
      );
    }
    return { ...d, cron };
  }

  view(s: Schedule): ScheduleView {
    const upcoming = s.enabled
      ? nextRuns(s.cron, s.timezone, this.ctx.clock.now(), NEXT_RUNS_SHOWN).map((t) => new Date(t).toISOString())
      : [];
    return { ...s, nextRunAt: upcoming[0] ?? null, nextRuns: upcoming };
  }

  async get(key: ScheduleKey): Promise<Schedule | null> {
    return this.store.get(key);
  }

  async list(): Promise<Schedule[]> {
    return this.store.list();
  }

  /**
   * No two ticks of an API schedule closer than limits.scheduleMinIntervalSeconds (400). The
   * other limit, limits.schedulesPerWorkspace, is checked by the store in the same step as the
   * write (refused() turns its answer into the 409).
   */
  private checkFrequency(d: ScheduleDefinition): void {
    const { scheduleMinIntervalSeconds } = this.ctx.config.limits;
    const ticks = nextRuns(d.cron, d.timezone, this.ctx.clock.now(), 16);
    const gap = Math.min(...ticks.slice(1).map((t, i) => t - ticks[i]));
    if (gap < scheduleMinIntervalSeconds * 1000) {
      throw new ApiError(
        'schedule_too_frequent',
        `cron: '${d.cron}' fires every ${gap / 1000} s; schedules run at most once every ${scheduleMinIntervalSeconds} s (limits.scheduleMinIntervalSeconds)`,
        {},
        { field: 'cron' },
      );
    }
  }

  private refused(r: Refusal, id: string, workspace: string): ApiError {
    if (r.refused === 'taken')
      return conflict(`schedule '${id}' already exists in workspace '${workspace}'`, 'already_exists');
    const cap = this.ctx.config.limits.schedulesPerWorkspace;
    return new ApiError(
      'schedule_limit_reached',
      `workspace '${workspace}' already has ${r.held} schedules (limits.schedulesPerWorkspace is ${cap}); delete one first`,
    );
  }

  async create(input: ScheduleInput, createdBy: string | null = null): Promise<Schedule> {
    const id = input.id ?? newId('sch', 16);
    const d = await this.validate({
      workspace: input.workspace,
      userId: input.userId,
      message: input.message,
      cron: input.cron,
      timezone: input.timezone,
      sessionId: input.sessionId ?? null,
      enabled: input.enabled ?? true,
      deliver: input.deliver ?? null,
    });
    this.checkFrequency(d);
    const created = await this.store.create(id, d, this.ctx.config.limits.schedulesPerWorkspace, createdBy);
    if ('refused' in created) throw this.refused(created, id, d.workspace);
    await this.arm(created, d);
    return created;
  }

  /** 409 when declared in the config. */
  writable(s: Schedule): Schedule {
    if (s.source === 'config')
      throw conflict(`schedule '${s.id}' is declared in openclaw.json and is read-only through the API`, 'read_only');
    return s;
  }

  async update(current: Schedule, patch: SchedulePatch): Promise<Schedule> {
    const d = await this.validate({
      workspace: patch.workspace ?? current.workspace,
      userId: patch.userId ?? current.userId,
      message: patch.message ?? current.message,
      cron: patch.cron ?? current.cron,
      timezone: patch.timezone ?? current.timezone,
      sessionId: patch.sessionId === undefined ? current.sessionId : patch.sessionId,
      enabled: patch.enabled ?? current.enabled,
      deliver: patch.deliver === undefined ? current.deliver : patch.deliver,
    });
    if (current.source === 'api') this.checkFrequency(d);
    if (d.workspace !== current.workspace) {
      // Another workspace is another name (<ws>/<id>): the record moves, and so does its job scheduler.
      const moved = await this.store.move(current, d, this.ctx.config.limits.schedulesPerWorkspace);
      if (!moved) throw notFound('schedule', current.id);
      if ('refused' in moved) throw this.refused(moved, current.id, d.workspace);
      await this.queue.removeJobScheduler(scheduleRef(current));
      await this.arm(moved, d);
      return moved;
    }
    const updated = await this.store.update(current, d);
    if (!updated) throw notFound('schedule', current.id);
    // Only timing changes re-arm BullMQ: re-arming drops a pending (possibly overdue) tick.
    if (d.cron !== current.cron || d.timezone !== current.timezone || d.enabled !== current.enabled)
      await this.arm(current, d);
    return updated;
  }

  async delete(key: ScheduleKey): Promise<boolean> {
    await this.queue.removeJobScheduler(scheduleRef(key));
    return this.store.delete(key);
  }

  /**
   * Run now: the message is submitted here (so the reply carries its messageId) and a `manual`
   * job follows it to the end on a worker, which records the run and emits the event.
   */
  async runNow(s: Schedule): Promise<ScheduleRun> {
    const runId = newId('run', 16);
    const at = new Date(this.ctx.clock.now()).toISOString();
    if (!(await this.ctx.stores.workspaces.exists(s.workspace)))
      throw invalidField('workspace', `unknown workspace '${s.workspace}'`);
    const submitted = await this.ctx.messages.submit(messageInput(s));
    const run: ScheduleRun = {
      runId,
      trigger: 'manual',
      scheduledFor: at,
      startedAt: at,
      finishedAt: null,
      status: 'running',
      messageId: submitted.messageId,
      sessionId: submitted.sessionId,
      responseExcerpt: null,
      error: null,
    };
    await this.store.recordRun(s, run);
    await this.queue.add(
      'manual',
      {
        scheduleId: s.id,
        workspace: s.workspace,
        runId,
        messageId: submitted.messageId,
        sessionId: submitted.sessionId,
        requestedAt: at,
      },
      { jobId: runId, removeOnComplete: KEEP, removeOnFail: KEEP },
    );
    return run;
  }

  /** Puts the BullMQ job scheduler in step with the definition: upsert when enabled, remove when not. */
  async arm(key: ScheduleKey, d: ScheduleDefinition): Promise<void> {
    const schedulerId = scheduleRef(key);
    if (!d.enabled) {
      await this.queue.removeJobScheduler(schedulerId);
      return;
    }
    await this.queue.upsertJobScheduler(
      schedulerId,
      { pattern: d.cron, tz: d.timezone },
      {
        name: 'tick',
        data: { scheduleId: key.id, workspace: key.workspace },
        opts: { attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP },
      },
    );
  }

  /**
   * Moves schedules stored before ids were per workspace to their workspace's keys (one atomic
   * script), then their job schedulers from `<id>` to `<ws>/<id>`. Ticks already queued by an old
   * scheduler still run (runner.ts finds their schedule by id).
   */
  async migrateLegacy(): Promise<number> {
    const moved = await this.store.migrateLegacy();
    for (const key of moved) {
      const s = await this.store.get(key);
      await this.queue.removeJobScheduler(key.id);
      if (s) await this.arm(s, s);
    }
    return moved.length;
  }

  /**
   * Makes config-declared schedules exist as declared. A schedule whose definition is unchanged
   * is left alone, so a tick missed while the gateway was down still runs (once) on restart.
   * Config schedules removed from the file are deleted. Throws naming `schedules[i].field`.
   */
  async syncConfig(list: ScheduleConfig[]): Promise<void> {
    const wanted = new Set<string>();
    for (const [i, c] of list.entries()) {
      const ref = scheduleRef(c);
      if (wanted.has(ref))
        throw new ConfigError(
          `invalid configuration: schedules[${i}].id: '${c.id}' is declared twice in workspace '${c.workspace}'`,
        );
      wanted.add(ref);
      let d: ScheduleDefinition;
      try {
        d = await this.validate({ ...c, sessionId: c.sessionId ?? null, deliver: c.deliver ?? null });
      } catch (err) {
        throw new ConfigError(`invalid configuration: schedules[${i}].${(err as Error).message}`);
      }
      const existing = await this.store.get(c);
      if (existing && existing.source !== 'config')
        throw new ConfigError(
          `invalid configuration: schedules[${i}].id: '${c.id}' is already used by a schedule made through the API in workspace '${c.workspace}'`,
        );
      const changed = await this.store.syncConfig(c.id, d);
      const missing = d.enabled && !(await this.queue.getJobScheduler(ref));
      if (changed || missing) await this.arm(c, d);
    }
    for (const s of await this.store.list()) {
      if (s.source === 'config' && !wanted.has(scheduleRef(s))) await this.delete(s);
    }
  }

  /** Drops the API schedules of a deleted workspace. */
  async deleteWorkspace(workspace: string): Promise<void> {
    for (const s of await this.store.list()) {
      if (s.workspace === workspace && s.source === 'api') await this.delete(s);
    }
  }
}

/** What a run sends: the schedule's message, in its session, with its time zone as context. */
export function messageInput(s: Schedule): SubmitInput {
  return {
    workspace: s.workspace,
    userId: s.userId,
    message: s.message,
    ...(s.sessionId ? { sessionId: s.sessionId } : {}),
    context: { timezone: s.timezone },
    channel: 'schedule',
  };
}
