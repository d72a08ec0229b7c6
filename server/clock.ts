/** Time source; tests inject a fixed or shifted clock so day boundaries are deterministic. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const isoNow = (clock: Clock) => new Date(clock.now()).toISOString();
