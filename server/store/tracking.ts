/**
 * Client-side caches kept exact by Redis itself (CLIENT TRACKING, broadcast mode): Redis tells
 * this process about every write to a key under the tracked prefixes, whoever made it, and the
 * cached value is dropped. So a revoked API key or a changed webhook subscription list is seen
 * by every gateway process at once, while the hot path (every request authenticates, every
 * message looks up its workspace and the webhook version) skips the read.
 *
 * Two connections of its own: `sub` subscribes to `__redis__:invalidate` (RESP2), `tracker`
 * turns on tracking with REDIRECT to `sub`. Caching is on only while both are connected and set
 * up; any disconnect clears every cache and turns caching off until both are back, so a missed
 * invalidation can never leave a stale value. A read races an invalidation safely: its value is
 * cached only when no invalidation arrived between its start and its answer (a generation count).
 *
 * On a Redis Cluster tracking is per node, and the keys live on many: no caching there (every
 * read goes to Redis, as without this module). Stores that write a tracked key also drop it
 * locally at once (invalidate()), not waiting for the notification's round trip.
 */
import type Redis from 'ioredis';
import { createBlockingClient, isCluster, type RedisTarget } from '../redis';

/** Most entries one cache holds; past it the cache starts over (a flood of distinct keys cannot grow memory). */
const MAX_ENTRIES = 10_000;
const RETRY_MS = 1000;

export class Tracking {
  private readonly caches = new Set<TrackedCache<unknown>>();
  private sub: Redis | null = null;
  private tracker: Redis | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  /** Bumped by every invalidation and every loss of the connections. */
  gen = 0;
  on = false;

  constructor(
    private readonly target: RedisTarget,
    private readonly prefixes: string[],
  ) {}

  /** Opens the connections (a gateway at start; one-shot CLI contexts never cache). */
  start(): void {
    if (!isCluster(this.target) && !this.closed && !this.sub) void this.connect();
  }

  /** A cache of values read from keys under `prefixes`; `dropAll`: any write under them drops every entry (values built from several keys). */
  cache<T>(prefixes: string[], dropAll = false): TrackedCache<T> {
    const c = new TrackedCache<T>(this, prefixes, dropAll);
    this.caches.add(c);
    return c;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const sub = (this.sub = createBlockingClient(this.target, 'openclaw-tracking-sub'));
    const tracker = (this.tracker = createBlockingClient(this.target, 'openclaw-tracking'));
    const lost = () => this.lost();
    for (const c of [sub, tracker]) {
      c.on('error', () => undefined); // the data client reports connection problems
      c.once('close', lost);
    }
    sub.on('message', (_channel: string, keys: string | string[] | null) => this.invalidated(keys));
    let id: number;
    try {
      id = await sub.client('ID');
      await sub.subscribe('__redis__:invalidate');
    } catch {
      return this.lost();
    }
    try {
      await tracker.call(
        'CLIENT',
        'TRACKING',
        'ON',
        'REDIRECT',
        String(id),
        'BCAST',
        ...this.prefixes.flatMap((p) => ['PREFIX', p]),
      );
    } catch (err) {
      // A Redis without tracking (before 6.0) or that refuses it: no caching, as on a cluster.
      if (err instanceof Error && /ERR/.test(err.message)) this.closed = true;
      return this.lost();
    }
    if (this.sub === sub && !this.closed) this.on = true;
  }

  private lost(): void {
    this.on = false;
    this.flush();
    for (const c of [this.sub, this.tracker]) c?.disconnect();
    this.sub = this.tracker = null;
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, RETRY_MS);
    this.retry.unref();
  }

  private invalidated(keys: string | string[] | null): void {
    this.gen++;
    if (keys === null) return this.flush(); // FLUSHALL / FLUSHDB
    for (const key of Array.isArray(keys) ? keys : [keys]) for (const c of this.caches) c.written(key);
  }

  private flush(): void {
    this.gen++;
    for (const c of this.caches) c.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.on = false;
    clearTimeout(this.retry);
    const conns = [this.sub, this.tracker];
    this.sub = this.tracker = null;
    for (const c of conns) {
      c?.removeAllListeners('close');
      await c?.quit().catch(() => c.disconnect());
    }
  }
}

/** One cache: values by Redis key name (the key whose writes drop it). */
export class TrackedCache<T> {
  private readonly map = new Map<string, T>();

  constructor(
    private readonly tracking: Tracking,
    private readonly prefixes: string[],
    private readonly dropAll: boolean,
  ) {}

  /** A key under this cache's prefix was written (here or in another process). */
  written(key: string): void {
    if (!this.prefixes.some((p) => key.startsWith(p))) return;
    if (this.dropAll) this.clear();
    else this.map.delete(key);
  }

  get(key: string): T | undefined {
    return this.tracking.on ? this.map.get(key) : undefined;
  }

  /**
   * Reads through the cache: `load` runs on a miss and its value is kept only if tracking was on
   * and nothing was invalidated meanwhile; `keep` decides which values are worth keeping.
   */
  async read(key: string, load: () => Promise<T>, keep: (v: T) => boolean = () => true): Promise<T> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const gen = this.tracking.gen;
    const on = this.tracking.on;
    const v = await load();
    if (on && this.tracking.on && gen === this.tracking.gen && keep(v)) this.set(key, v);
    return v;
  }

  /** Where a read starts: pass it to keep() with the value read. */
  mark(): { gen: number; on: boolean } {
    return { gen: this.tracking.gen, on: this.tracking.on };
  }

  /** Keeps a value read since `mark` (see read()). */
  keep(key: string, v: T, mark: { gen: number; on: boolean }): void {
    if (mark.on && this.tracking.on && mark.gen === this.tracking.gen) this.set(key, v);
  }

  private set(key: string, v: T): void {
    if (this.map.size >= MAX_ENTRIES) this.map.clear();
    this.map.set(key, v);
  }

  /** Drops what this process just wrote, without waiting for Redis's notification. */
  invalidate(key: string): void {
    this.written(key);
  }

  clear(): void {
    this.map.clear();
  }
}
