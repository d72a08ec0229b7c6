/**
 * Graceful stop (ctx.shutdown). On SIGTERM/SIGINT the gateway drains: new requests get 503
 * `shutting_down`, while open streams, waiting requests and running jobs (each registered with
 * track()) get up to `shutdown.graceMs` to finish. When the grace period is over, each one still
 * running is told to wrap up at once: streams end with a resumable `shutting_down` error, waiting
 * requests answer 503 with their message id, jobs go back to the queue for another worker.
 * docs/messages.md describes what a client sees.
 */

/** How long wrapped-up work gets to settle after the grace period (writing the last event, handing a job back). */
export const WRAP_UP_MS = 1500;

/** Resolves true when `work` settled within `ms`, false when it did not (it is left to run). */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface DrainReport {
  /** Tracked work that finished by itself during the grace period. */
  finished: number;
  /** Work still running when the grace period ended (told to wrap up). */
  cut: number;
  /** Work that had not settled WRAP_UP_MS after being told to wrap up (left behind). */
  stuck: number;
}

export class Shutdown {
  /** True from the first moment of a stop: new requests are refused. */
  draining = false;
  /** True once the grace period is over: whatever is tracked from now on is wrapped up at once. */
  over = false;
  private readonly inflight = new Map<Promise<void>, (() => void) | undefined>();
  private readonly beginHooks: Array<() => void> = [];
  private changed: (() => void) | null = null;
  private finished = 0;
  private hurried = false;

  /** Runs when the drain begins (e.g. a worker stops taking new jobs and tracks the ones it runs). */
  onDrain(hook: () => void): void {
    if (this.draining) hook();
    else this.beginHooks.push(hook);
  }

  /**
   * Counts `work` as in flight until it settles: the drain waits for it, up to the grace period;
   * `wrapUp` is called if it is still running when the grace period ends.
   */
  track<T>(work: Promise<T>, wrapUp?: () => void): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.set(settled, wrapUp);
    void settled.then(() => {
      this.inflight.delete(settled);
      if (!this.over) this.finished++;
      this.changed?.();
    });
    if (this.over) wrapUp?.();
    return work;
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  /** Begins draining (idempotent): refuses new work and runs the onDrain hooks. */
  begin(): void {
    if (this.draining) return;
    this.draining = true;
    for (const hook of this.beginHooks.splice(0)) hook();
  }

  /** Waits for tracked work up to `graceMs`, then wraps up what is left and waits WRAP_UP_MS more. */
  async drain(graceMs: number): Promise<DrainReport> {
    this.begin();
    const finishedBefore = this.finished;
    await this.idle(graceMs, true);
    this.over = true;
    const cut = this.inflight.size;
    for (const wrapUp of [...this.inflight.values()]) {
      try {
        wrapUp?.();
      } catch {
        /* one failing wrap-up must not keep the others from running */
      }
    }
    if (cut) await this.idle(WRAP_UP_MS, false);
    return { finished: this.finished - finishedBefore, cut, stuck: this.inflight.size };
  }

  /** Cuts the grace period short (a second signal): what is still open wraps up now. */
  hurry(): void {
    this.hurried = true;
    this.changed?.();
  }

  private async idle(ms: number, hurriable: boolean): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.inflight.size && !(hurriable && this.hurried) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.changed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.changed = null;
    }
  }
}
