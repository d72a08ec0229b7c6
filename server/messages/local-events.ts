/**
 * In-process handover of a message's events, for when the worker running it lives in the same
 * process as the request waiting for it (the default `openclaw start`). The worker still writes
 * every event to the message's Redis Stream first — that stream stays the durable record that
 * other processes, resumes and replays read — and hands each batch here only once Redis has
 * confirmed it (with the entry ids Redis gave it), so a local reader sees exactly what a Redis
 * reader would, minus the XREAD round trip and its wake-ups.
 *
 * A local reader falls back to the Redis stream (from the last entry it took) whenever the local
 * path cannot be sure to give it everything: the run ends without a final event here (parked,
 * handed back at shutdown, failed, finished by another process), the reader fell behind
 * (backpressure), it attached after the run had already delivered entries, or no worker of this
 * process took the message within CLAIM_GRACE_MS (another process's worker did, or the queue is
 * long).
 */
import type { StreamEntry } from './follower';

/** How long a fresh message's reader waits for this process's worker to take it before reading Redis instead. */
export const CLAIM_GRACE_MS = 100;

export interface LocalWatcher {
  /** This process's worker started running the message. */
  claimed(): void;
  /** Entries confirmed written to the stream, in order. */
  entries(entries: StreamEntry[]): void;
  /** The local run ended without handing over a final event: read the rest from Redis. */
  released(): void;
}

interface Run {
  /** Entries handed over so far (a watcher arriving later missed them: it reads Redis). */
  delivered: number;
}

export class LocalEvents {
  private readonly runs = new Map<string, Run>();
  private readonly watchers = new Map<string, Set<LocalWatcher>>();

  /** The worker starts running a message. */
  claim(messageId: string): void {
    this.runs.set(messageId, { delivered: 0 });
    for (const w of this.watchers.get(messageId) ?? []) w.claimed();
  }

  /** Entries Redis confirmed; a final entry (it carries the outcome) ends the run. */
  deliver(messageId: string, entries: StreamEntry[]): void {
    const run = this.runs.get(messageId);
    if (!run) return;
    run.delivered += entries.length;
    for (const w of [...(this.watchers.get(messageId) ?? [])]) w.entries(entries);
    if (entries[entries.length - 1]?.outcome !== undefined) this.runs.delete(messageId);
  }

  /** The run ended (any way); watchers still waiting read on from Redis. */
  release(messageId: string): void {
    if (!this.runs.delete(messageId)) return;
    for (const w of [...(this.watchers.get(messageId) ?? [])]) w.released();
  }

  /**
   * Watches a message. `state`: 'unclaimed' (no local run yet), 'claimed' (running here, nothing
   * handed over yet) or 'missed' (running here, entries already handed over: read Redis).
   */
  watch(messageId: string, w: LocalWatcher): { state: 'unclaimed' | 'claimed' | 'missed'; unwatch: () => void } {
    let set = this.watchers.get(messageId);
    if (!set) this.watchers.set(messageId, (set = new Set()));
    set.add(w);
    const run = this.runs.get(messageId);
    const unwatch = () => {
      const s = this.watchers.get(messageId);
      if (!s?.delete(w) || s.size) return;
      this.watchers.delete(messageId);
    };
    return { state: !run ? 'unclaimed' : run.delivered ? 'missed' : 'claimed', unwatch };
  }
}
