/** `client.schedules`: cron-driven messages (list, get, create, update, delete, run now). */
import type { RequestOptions, Transport } from '../http.js';
import { PagePromise } from '../pagination.js';
import type {
  CreateScheduleParams,
  ListSchedulesParams,
  Schedule,
  ScheduleDetail,
  ScheduleList,
  ScheduleRunAccepted,
  UpdateScheduleParams,
} from '../types.js';

const path = (id: string) => `/schedules/${encodeURIComponent(id)}`;

/** `client.schedules`: messages the gateway sends to an agent on a cron schedule. */
export class Schedules {
  /** @internal */
  constructor(private readonly http: Transport) {}

  /** Schedules of the workspaces this key can see (`GET /schedules`): `await` for one page, `for await` for all. */
  list(params: ListSchedulesParams = {}, opts: RequestOptions = {}): PagePromise<Schedule, ScheduleList> {
    return new PagePromise(params.offset ?? 0, (offset) =>
      this.http.json('GET', '/schedules', { ...opts, query: { ...params, offset } }),
    );
  }

  /** A schedule with its last run, recent runs and next ticks (`GET /schedules/{id}`). */
  get(scheduleId: string, opts: RequestOptions = {}): Promise<ScheduleDetail> {
    return this.http.json('GET', path(scheduleId), opts);
  }

  /** Creates a schedule (`POST /schedules`, 201); e.g. `{ cron: '0 9 * * 1-5', timezone: 'America/New_York', … }`. */
  create(params: CreateScheduleParams, opts: RequestOptions = {}): Promise<Schedule> {
    return this.http.json('POST', '/schedules', { ...opts, body: params });
  }

  /** Changes only the fields given (`PATCH /schedules/{id}`). */
  update(scheduleId: string, params: UpdateScheduleParams, opts: RequestOptions = {}): Promise<Schedule> {
    return this.http.json('PATCH', path(scheduleId), { ...opts, body: params });
  }

  /** Deletes a schedule and stops its ticks (`DELETE /schedules/{id}`). */
  async delete(scheduleId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.json('DELETE', path(scheduleId), opts);
  }

  /** Runs a schedule now (`POST /schedules/{id}/run`, 202): follow `messageId` with `messages.wait` or `messages.resume`. */
  run(scheduleId: string, opts: RequestOptions = {}): Promise<ScheduleRunAccepted> {
    return this.http.json('POST', `${path(scheduleId)}/run`, opts);
  }
}
