/**
 * Schedules as the API and the config see them: validation, the stored record and the BullMQ
 * job scheduler kept in step (queues/schedules.ts runs the ticks). Routes and config sync call
 * this service; nothing here depends on the HTTP side.
 */
import type { Queue } from 'bullmq';
import type { GatewayContext } from './context';
import { ApiError, apiError, conflict, notFound } from './errors';
import { CronError, checkCron, nextRuns } from './cron';
import { newId } from './ids';
import type { ScheduleConfig } from './config-schema';
import type { SubmitInput } from './messages/service';
import type { Schedule, ScheduleDefinition, ScheduleRun } from './store/schedules';

export const NEXT_RUNS_SHOWN = 5;

export interface ScheduleView extends Schedule {
  /** The next tick (ISO), null when disabled. */
  nextRunAt: string | null;
  nextRuns: string[];
}

/** Data of a `tick` job (from the job scheduler) or a `manual` job (POST /schedules/{id}/run). */
export interface ScheduleJobData {
  scheduleId: string;
  runId?: string;
  messageId?: string;
  sessionId?: string;
  requestedAt?: string;
}

export type ScheduleInput = Omit<ScheduleDefinition, 'sessionId' | 'enabled'> & { id?: string; sessionId?: string | null; enabled?: boolean };
export type SchedulePatch = Partial<Omit<ScheduleDefinition, 'sessionId'>> & { sessionId?: string | null };

const invalid = (field: string, message: string) => new ApiError(400, 'validation_error', message, {}, { field });

/** Finished jobs kept for inspection; the run history lives in the schedule store. */
const KEEP = { count: 100 };

export class ScheduleService {
  constructor(private readonly ctx: GatewayContext, private readonly queue: Queue<ScheduleJobData>) {}

  private get store() {
    return this.ctx.stores.schedules;
  }

  /** Checks a whole definition; 400 naming the field at fault. Returns it with the cron normalised. */
  async validate(d: ScheduleDefinition): Promise<ScheduleDefinition> {
    let cron: string;
    try {
      cron = checkCron(d.cron, d.timezone);
    } catch (err) {
      if (err instanceof CronError) throw invalid(err.field, err.message);
      throw err;
    }
    const max = this.ctx.config.messages.maxChars;
    if (d.message.length > max) throw invalid('message', `message: must be at most ${max} characters (messages.maxChars)`);
    if (!(await this.ctx.stores.workspaces.exists(d.workspace))) throw invalid('workspace', `workspace: unknown workspace '${d.workspace}'`);
    if (d.deliver && !this.ctx.config.channels[d.deliver.channel]) {
      throw invalid('deliver.channel', `deliver.channel: '${d.deliver.channel}' is not configured (channels.${d.deliver.channel} in openclaw.json, docs/channels.md)`);
    }
    return { ...d, cron };
  }

  view(s: Schedule): ScheduleView {
    const upcoming = s.enabled ? nextRuns(s.cron, s.timezone, this.ctx.clock.now(), NEXT_RUNS_SHOWN).map((t) => new Date(t).toISOString()) : [];
    return { ...s, nextRunAt: upcoming[0] ?? null, nextRuns: upcoming };
  }

  async get(id: string): Promise<Schedule | null> {
    return this.store.get(id);
  }

  async list(): Promise<Schedule[]> {
    return this.store.list();
  }

  /**
   * Limits on API schedules (config ones are the operator's): at most limits.schedulesPerWorkspace
   * per workspace (409), and no two ticks closer than limits.scheduleMinIntervalSeconds (400).
   */
  private async checkLimits(d: ScheduleDefinition, movingIn: boolean): Promise<void> {
    const { schedulesPerWorkspace, scheduleMinIntervalSeconds } = this.ctx.config.limits;
    const ticks = nextRuns(d.cron, d.timezone, this.ctx.clock.now(), 16);
    const gap = Math.min(...ticks.slice(1).map((t, i) => t - ticks[i]));
    if (gap < scheduleMinIntervalSeconds * 1000) {
      throw apiError('schedule_too_frequent', `cron: '${d.cron}' fires every ${gap / 1000} s; schedules run at most once every ${scheduleMinIntervalSeconds} s (limits.scheduleMinIntervalSeconds)`, {}, { field: 'cron' });
    }
    if (!movingIn) return;
    const held = (await this.store.list()).filter((s) => s.source === 'api' && s.workspace === d.workspace).length;
    if (held >= schedulesPerWorkspace) {
      throw apiError('schedule_limit_reached', `workspace '${d.workspace}' already has ${held} schedules (limits.schedulesPerWorkspace is ${schedulesPerWorkspace}); delete one first`);
    }
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
    await this.checkLimits(d, true);
    const created = await this.store.create(id, d);
    if (!created) throw conflict(`schedule '${id}' already exists`, 'already_exists');
    if (createdBy) await this.store.setOwner(id, createdBy);
    await this.arm(id, d);
    return { ...created, createdBy };
  }

  /** 404 when unknown, 409 when declared in the config. */
  async writable(id: string): Promise<Schedule> {
    const s = await this.store.get(id);
    if (!s) throw notFound('schedule', id);
    if (s.source === 'config') throw conflict(`schedule '${id}' is declared in openclaw.json and is read-only through the API`, 'read_only');
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
    if (current.source === 'api') await this.checkLimits(d, d.workspace !== current.workspace);
    const updated = await this.store.update(current.id, d);
    if (!updated) throw notFound('schedule', current.id);
    // Only timing changes re-arm BullMQ: re-arming drops a pending (possibly overdue) tick.
    if (d.cron !== current.cron || d.timezone !== current.timezone || d.enabled !== current.enabled) await this.arm(current.id, d);
    return updated;
  }

  async delete(id: string): Promise<boolean> {
    await this.queue.removeJobScheduler(id);
    return this.store.delete(id);
  }

  /**
   * Run now: the message is submitted here (so the reply carries its messageId) and a `manual`
   * job follows it to the end on a worker, which records the run and emits the event.
   */
  async runNow(s: Schedule): Promise<ScheduleRun> {
    const runId = newId('run', 16);
    const at = new Date(this.ctx.clock.now()).toISOString();
    if (!(await this.ctx.stores.workspaces.exists(s.workspace))) throw invalid('workspace', `workspace: unknown workspace '${s.workspace}'`);
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
    await this.store.recordRun(s.id, run);
    await this.queue.add(
      'manual',
      { scheduleId: s.id, runId, messageId: submitted.messageId, sessionId: submitted.sessionId, requestedAt: at },
      { jobId: runId, removeOnComplete: KEEP, removeOnFail: KEEP },
    );
    return run;
  }

  /** Puts the BullMQ job scheduler in step with the definition: upsert when enabled, remove when not. */
  async arm(id: string, d: ScheduleDefinition): Promise<void> {
    if (!d.enabled) {
      await this.queue.removeJobScheduler(id);
      return;
    }
    await this.queue.upsertJobScheduler(
      id,
      { pattern: d.cron, tz: d.timezone },
      { name: 'tick', data: { scheduleId: id }, opts: { attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP } },
    );
  }

  /**
   * Makes config-declared schedules exist as declared. A schedule whose definition is unchanged
   * is left alone, so a tick missed while the gateway was down still runs (once) on restart.
   * Config schedules removed from the file are deleted. Throws naming `schedules[i].field`.
   */
  async syncConfig(list: ScheduleConfig[]): Promise<void> {
    const wanted = new Set<string>();
    for (const [i, c] of list.entries()) {
      if (wanted.has(c.id)) throw new Error(`invalid configuration: schedules[${i}].id: '${c.id}' is declared twice`);
      wanted.add(c.id);
      let d: ScheduleDefinition;
      try {
        d = await this.validate({ ...c, sessionId: c.sessionId ?? null, deliver: c.deliver ?? null });
      } catch (err) {
        throw new Error(`invalid configuration: schedules[${i}].${(err as Error).message}`);
      }
      const existing = await this.store.get(c.id);
      if (existing && existing.source !== 'config') throw new Error(`invalid configuration: schedules[${i}].id: '${c.id}' is already used by a schedule made through the API`);
      const changed = await this.store.syncConfig(c.id, d);
      const missing = d.enabled && !(await this.queue.getJobScheduler(c.id));
      if (changed || missing) await this.arm(c.id, d);
    }
    for (const s of await this.store.list()) {
      if (s.source === 'config' && !wanted.has(s.id)) await this.delete(s.id);
    }
  }

  /** Drops the API schedules of a deleted workspace. */
  async deleteWorkspace(workspace: string): Promise<void> {
    for (const s of await this.store.list()) {
      if (s.workspace === workspace && s.source === 'api') await this.delete(s.id);
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
