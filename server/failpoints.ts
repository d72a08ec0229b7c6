/**
 * Failpoints: named places where a fault test can make this process die on the spot, to prove
 * that a crash exactly there loses nothing. Set OPENCLAW_FAILPOINTS=name[,name…] in a worker's
 * environment; unset (always, outside the fault suite) a failpoint costs one Set lookup.
 */
const armed = new Set((process.env.OPENCLAW_FAILPOINTS ?? '').split(',').filter(Boolean));

/** Kills the process with SIGKILL (no cleanup, like a power cut) when `name` is armed. */
export function failpoint(name: string): void {
  if (armed.has(name)) process.kill(process.pid, 'SIGKILL');
}
