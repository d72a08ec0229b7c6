/**
 * The recent-events log behind GET /events: every domain event exactly as a subscription
 * receives it (the payload bytes), so Zapier's performList and Make's sample data show real
 * events. Kept as long as the delivery log (webhooks.retentionDays) and at most the newest
 * EVENT_LOG_CAP per workspace and per workspace + event name (the endpoint reads at most that
 * many), so a busy gateway's log stays a few hundred entries per workspace.
 *
 * Redis keys (one workspace's keys share the hash tag {ev:<workspace>}: one script writes both;
 * workspaces spread over the cluster's slots). Gateway-wide events use the workspace `*`:
 *   oc:{ev:<ws>}:all        → sorted set, member = payload JSON, score = ms when first recorded
 *   oc:{ev:<ws>}:t:<event>  → the same, one event name only
 * ZADD NX: an event published again (an outbox replay) keeps its place and is never listed twice.
 */
import type Redis from 'ioredis';
import { LuaScript } from './lua';

export const EVENT_LOG_CAP = 100;
export const GATEWAY_WIDE = '*';

const R = {
  all: (ws: string) => `oc:{ev:${ws}}:all`,
  byType: (ws: string, event: string) => `oc:{ev:${ws}}:t:${event}`,
};

/**
 * KEYS: all, byType. ARGV: now ms, payload, cutoff ms, cap, ttl seconds.
 * Adds the payload to both sets (unless there), drops entries past the retention and the cap.
 */
const RECORD = new LuaScript(`
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], 'NX', ARGV[1], ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[3])
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(tonumber(ARGV[4]) + 1))
  redis.call('EXPIRE', KEYS[i], ARGV[5])
end
`);

export interface LoggedEvent {
  /** When it was recorded (ms): the order of the log. */
  at: number;
  /** The payload as sent to subscriptions. */
  payload: string;
}

export class EventLogStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => number,
  ) {}

  async record(workspace: string | null, event: string, payload: string, retentionSec: number): Promise<void> {
    const ws = workspace ?? GATEWAY_WIDE;
    const now = this.now();
    await RECORD.run(
      this.redis,
      [R.all(ws), R.byType(ws, event)],
      [now, payload, now - retentionSec * 1000, EVENT_LOG_CAP, retentionSec],
    );
  }

  /** The newest `limit` events of one workspace (`*`: gateway-wide ones), optionally of one name, within the retention. */
  async recent(
    workspace: string,
    event: string | undefined,
    limit: number,
    retentionSec: number,
  ): Promise<LoggedEvent[]> {
    const key = event ? R.byType(workspace, event) : R.all(workspace);
    const cutoff = this.now() - retentionSec * 1000;
    const flat = await this.redis.zrevrangebyscore(key, '+inf', cutoff, 'WITHSCORES', 'LIMIT', 0, limit);
    const out: LoggedEvent[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ payload: flat[i], at: Number(flat[i + 1]) });
    return out;
  }
}
