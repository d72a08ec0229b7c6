/**
 * Follows many message event streams over a few dedicated connections ("lanes"): each lane runs
 * one blocking XREAD over every stream it follows, so a thousand open SSE responses cost a
 * handful of Redis connections, not a thousand. A new follower wakes its lane's blocked XREAD by
 * appending to the lane's own wake stream, which the XREAD includes: race-free, because the lane
 * reads the wake stream from the last entry it saw.
 *
 * The shared data client is never used for blocking reads (it is shared: a block would stall
 * every request behind it).
 *
 * On a Redis Cluster a multi-stream XREAD must keep to one slot, so lanes are per slot there: a
 * follow() joins (or opens) the lane of its stream's slot, whose wake stream carries the same hash
 * tag, and a lane closes when its last follower stops. Streams of different messages mostly sit
 * in different slots, so a cluster costs about one blocking connection per followed message
 * (docs/deploy.md gives the sizing); one Redis keeps the fixed, few lanes.
 *
 * Backpressure: a follower whose reader is full takes only part of a batch and is paused; the
 * lane leaves it out of its reads (the Redis stream keeps the entries) until resume(), then reads
 * on from the last entry it took. A stalled client costs no gateway memory beyond its socket buffer.
 *
 * Redis keys: oc:follow:{<laneId>}:wake → stream (MAXLEN 1), the lane's wake-up bell;
 * on a cluster oc:follow:{<tag of the lane's slot>}:wake:<laneId>.
 */
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import calculateSlot from 'cluster-key-slot';
import { createBlockingClient, isCluster, type RedisTarget } from '../redis';
import { EVENT_FIELD, OUTCOME_FIELD } from './store';

export interface StreamEntry {
  /** The stream entry id, `<ms>-<seq>`: the SSE `id:`. */
  id: string;
  /** The event JSON. */
  data: string;
  /** The final entry's Outcome JSON (see messages/store.ts). */
  outcome?: string;
}

/** Takes entries in order; returns how many it took (fewer than given: pause until resume()). */
export type Deliver = (entries: StreamEntry[]) => number;

export interface Followed {
  /** Stop following (idempotent). */
  stop: () => void;
  /** Deliver again after a pause, from the entry after the last one taken. */
  resume: () => void;
}

interface Subscription {
  key: string;
  lastId: string;
  paused: boolean;
  deliver: Deliver;
}

type XReadReply = Array<[string, Array<[string, string[]]>]> | null;

/** Orders stream ids `<ms>-<seq>` (a bare `<ms>` means `<ms>-0`). */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0; // the common case while following: no parsing
  const ai = a.indexOf('-');
  const bi = b.indexOf('-');
  const am = ai < 0 ? a : a.slice(0, ai);
  const bm = bi < 0 ? b : b.slice(0, bi);
  return Number(am) - Number(bm) || Number(ai < 0 ? '0' : a.slice(ai + 1)) - Number(bi < 0 ? '0' : b.slice(bi + 1));
}

const STREAM_ID = /^\d{1,15}(-\d{1,15})?$/;
export const isStreamId = (s: string) => STREAM_ID.test(s);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Entries per stream per read. Small enough that one read over many long streams stays a few MB
 * (the reply is parsed at once; 50 streams × 1000 entries made ~30 MB of garbage per read), large
 * enough that a fast reader needs few round trips.
 */
const READ_COUNT = 200;

class Lane {
  readonly subs = new Map<string, Set<Subscription>>();
  private readonly conn: Redis;
  private readonly wakeKey: string;
  private wakeLast = '0';
  private expirySetAt = 0;
  private reading = false;
  private closed = false;
  private idle: (() => void) | null = null;
  private loop: Promise<void>;

  /** `slotTag`: on a cluster, the hash tag of the slot this lane reads (its wake stream joins it). */
  constructor(
    url: RedisTarget,
    private readonly data: Redis,
    private readonly blockMs: number,
    slotTag?: string,
  ) {
    const laneId = randomBytes(8).toString('hex');
    this.wakeKey = slotTag === undefined ? `oc:follow:{${laneId}}:wake` : `oc:follow:{${slotTag}}:wake:${laneId}`;
    this.conn = createBlockingClient(url, 'openclaw-follow');
    this.conn.on('error', () => undefined); // reconnects by itself; reads retry below
    this.loop = this.run();
  }

  get size(): number {
    let n = 0;
    for (const s of this.subs.values()) n += s.size;
    return n;
  }

  add(sub: Subscription): void {
    let set = this.subs.get(sub.key);
    if (!set) this.subs.set(sub.key, (set = new Set()));
    set.add(sub);
    this.wake();
  }

  /** Makes the blocked (or idle) read start over with the current followers. */
  wake(): void {
    if (this.idle) {
      const wake = this.idle;
      this.idle = null;
      wake();
    } else if (this.reading) {
      this.data.xadd(this.wakeKey, 'MAXLEN', '1', '*', 'w', '1').catch(() => undefined);
      // The bell outlives a crashed process by at most an hour; refreshed at most once a minute.
      const now = Date.now();
      if (now - this.expirySetAt > 60_000) {
        this.expirySetAt = now;
        this.data.pexpire(this.wakeKey, 3_600_000).catch(() => undefined);
      }
    }
  }

  remove(sub: Subscription): void {
    const set = this.subs.get(sub.key);
    if (!set) return;
    set.delete(sub);
    if (!set.size) this.subs.delete(sub.key);
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const keys = [this.wakeKey];
      const ids = [this.wakeLast];
      for (const [key, set] of this.subs) {
        let min: string | null = null;
        for (const s of set) if (!s.paused && (min === null || compareIds(s.lastId, min) < 0)) min = s.lastId;
        if (min === null) continue; // every reader of this stream is full: leave the entries in Redis
        keys.push(key);
        ids.push(min);
      }
      if (keys.length === 1) {
        await new Promise<void>((resolve) => (this.idle = resolve));
        continue;
      }
      let reply: XReadReply;
      this.reading = true;
      try {
        reply = await this.conn.xread('COUNT', READ_COUNT, 'BLOCK', this.blockMs, 'STREAMS', ...keys, ...ids);
      } catch {
        if (!this.closed) await sleep(100);
        continue;
      } finally {
        this.reading = false;
      }
      if (reply) this.dispatch(reply, new Map(keys.map((k, i) => [k, ids[i]])));
    }
  }

  /** `readFrom`: the id each key was read after. A follower added during the read that wants
   * older entries is skipped here and served by the next read, so it never misses any. */
  private dispatch(reply: NonNullable<XReadReply>, readFrom: Map<string, string>): void {
    for (const [key, raw] of reply) {
      if (key === this.wakeKey) {
        this.wakeLast = raw[raw.length - 1][0];
        continue;
      }
      const set = this.subs.get(key);
      if (!set) continue;
      const entries: StreamEntry[] = raw.map(([id, fields]) => {
        const o = fields.indexOf(OUTCOME_FIELD);
        return { id, data: fields[fields.indexOf(EVENT_FIELD) + 1], ...(o >= 0 ? { outcome: fields[o + 1] } : {}) };
      });
      const from = readFrom.get(key)!;
      for (const sub of [...set]) {
        if (sub.paused || compareIds(sub.lastId, from) < 0) continue;
        const fresh = entries.filter((e) => compareIds(e.id, sub.lastId) > 0);
        if (!fresh.length) continue;
        const taken = sub.deliver(fresh);
        if (taken > 0) sub.lastId = fresh[Math.min(taken, fresh.length) - 1].id;
        if (taken < fresh.length) sub.paused = true;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idle?.();
    this.conn.disconnect();
    await this.loop.catch(() => undefined);
    await this.data.del(this.wakeKey).catch(() => undefined);
  }
}

/** What decides a key's cluster slot: the text inside its first non-empty {…}, else the whole key. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

export class StreamFollower {
  private lanes: Lane[] | null = null;
  /** Cluster only: the open lane of each slot that has followers. */
  private readonly slotLanes = new Map<number, Lane>();
  private readonly perSlot: boolean;

  constructor(
    private readonly url: RedisTarget,
    private readonly data: Redis,
    private readonly opts: { lanes: number; blockMs?: number },
  ) {
    this.perSlot = isCluster(url);
  }

  /**
   * Delivers the entries of stream `key` after `afterId` ('0' = from the start), in order, until
   * stop(). When `deliver` takes fewer entries than given, delivery pauses until resume().
   * Connections open on first use.
   */
  follow(key: string, afterId: string, deliver: Deliver): Followed {
    const lane = this.perSlot ? this.slotLane(key) : this.leastBusyLane();
    const sub: Subscription = { key, lastId: afterId, paused: false, deliver };
    lane.add(sub);
    return {
      stop: () => {
        lane.remove(sub);
        if (this.perSlot && lane.size === 0 && this.slotLanes.get(calculateSlot(key)) === lane) {
          this.slotLanes.delete(calculateSlot(key));
          void lane.close();
        }
      },
      resume: () => {
        if (!sub.paused) return;
        sub.paused = false;
        lane.wake();
      },
    };
  }

  private leastBusyLane(): Lane {
    this.lanes ??= Array.from(
      { length: this.opts.lanes },
      () => new Lane(this.url, this.data, this.opts.blockMs ?? 5000),
    );
    return this.lanes.reduce((a, b) => (b.size < a.size ? b : a));
  }

  private slotLane(key: string): Lane {
    const slot = calculateSlot(key);
    let lane = this.slotLanes.get(slot);
    if (!lane)
      this.slotLanes.set(slot, (lane = new Lane(this.url, this.data, this.opts.blockMs ?? 5000, hashTag(key))));
    return lane;
  }

  async close(): Promise<void> {
    const lanes = [...(this.lanes ?? []), ...this.slotLanes.values()];
    this.lanes = null;
    this.slotLanes.clear();
    await Promise.all(lanes.map((l) => l.close()));
  }
}
