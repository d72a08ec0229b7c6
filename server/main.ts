/**
 * `openclaw start` / `npm start`: config → Redis (REDIS_URL or the embedded redis-server) →
 * gateway (HTTP + workers) → listen; SIGINT/SIGTERM drain (shutdown.graceMs), close everything
 * in order and stop the embedded Redis last (AOF flushed). A second signal ends the grace period.
 */
import { loadConfig } from './config';
import { resolveRedis } from './embedded-redis';
import { redactUrl } from './redis';
import type { Gateway } from './gateway';

// The gateway's modules take about a second of CPU to load: loaded while redis-server starts, not after.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous lazy load (resolveRedis calls it while it waits); import() would be async
const loadGateway = () => require('./gateway') as typeof import('./gateway');

export const say = (line: string) => process.stdout.write(`${line}\n`);

export interface StartOptions {
  configPath?: string;
  workersOnly?: boolean;
}

export async function runGateway(opts: StartOptions = {}): Promise<void> {
  const { config, file } = loadConfig({ path: opts.configPath });
  const { url, embedded } = await resolveRedis(config, say, 'gateway', loadGateway);
  const { startGateway } = loadGateway();
  say(
    `OpenClaw Gateway — config: ${file ?? '(none: defaults)'}; redis: ${embedded ? `embedded (${config.stateDir})` : redactUrl(url)}`,
  );
  // Signals are handled from here on, even while starting (e.g. waiting for Redis), so the
  // embedded redis-server is never left behind by a Ctrl-C.
  let gateway: Gateway | null = null;
  let stopping = false;
  const graceMs = config.shutdown.graceMs;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C: no more waiting; streams and jobs wrap up now (still resumably).
      say(`${signal} again: ending open streams and handing back jobs now…`);
      gateway?.ctx.shutdown.hurry();
      return;
    }
    stopping = true;
    say(`${signal}: shutting down (up to ${graceMs} ms for open streams and running jobs)…`);
    // The last resort if a close hangs anyway: the promise is grace + 5 s.
    const force = setTimeout(() => {
      say('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs + 4500);
    force.unref();
    const report = await gateway?.close();
    if (report) say(`stopped: ${report.finished} finished during the grace period, ${report.cut} ended or handed back`);
    await embedded?.stop(); // last: everything above may still write to it
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    gateway = await startGateway({
      config,
      redisUrl: url,
      workers: opts.workersOnly ? true : undefined,
      listen: opts.workersOnly ? false : undefined,
      say,
      redisWaitMs: Infinity,
    });
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  if (stopping) return;
  const { ctx } = gateway;
  const model = ctx.defaultModel;
  const modelNote = `model: ${model}${model === 'offline' ? ', the built-in deterministic model' : ''}`;
  if (gateway.url && gateway.bound) {
    const [first, ...more] = gateway.bound.urls;
    say(`Listening on ${first ?? gateway.url}${config.api.prefix} (${modelNote})`);
    if (more.length) say(`  also on ${more.map((u) => `${u}${config.api.prefix}`).join(', ')}`);
    say(
      gateway.bound.exposed
        ? `  bound to ${config.api.host}: reachable from other machines`
        : `  local only; set HOST=0.0.0.0 (or api.host) to accept connections from other machines`,
    );
  } else say(`Worker running (${modelNote})`);
  if (gateway.url && !gateway.bootstrapKey) {
    // Keys are shown once; a restart prints none, so say where a lost one comes back from.
    const count = await ctx.stores.keys.count().catch(() => null);
    if (count !== null)
      say(
        `${count} API key${count === 1 ? '' : 's'} in Redis (shown only when made). A new one: npx openclaw api-key create --admin --label "Admin"`,
      );
  }

  // A stray rejection (a dropped connection in some library) is logged; it must not take the gateway down.
  process.on('unhandledRejection', (reason) => ctx.log.error({ err: reason }, 'unhandled rejection'));
}
