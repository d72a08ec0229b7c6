/**
 * Observability feature: creates ctx.metrics, counts every finished message once (stats day
 * buckets, then the Prometheus counters only when the message was new), and opens the metrics
 * port when `metrics.port` is set — in gateway and worker processes alike.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Feature } from '../context';
import type { GatewayContext, FinishedMessage } from '../context';
import { Metrics } from '.';
import { startMetricsServer } from './server';

/**
 * How long counting a finished message keeps trying while Redis does not answer: a hook that
 * gives up is not run again (the message's outcome is stored after it), so the count would be
 * lost. Covers a Redis Cluster failover (the node timeout plus an election; docs/deploy.md).
 */
export const RECORD_RETRY_MS = 30_000;

/** The onMessageFinished hook: idempotent per messageId (a retried job or racing worker counts once). */
export const recordFinishedMessage = (ctx: GatewayContext) => async (m: FinishedMessage) => {
  const until = Date.now() + RECORD_RETRY_MS;
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 2000)) {
    try {
      if (await ctx.stores.stats.record(m)) ctx.metrics.messageFinished(m);
      return;
    } catch (err) {
      if (Date.now() + delayMs > until) throw err;
      ctx.log.warn(
        { err: { message: (err as Error).message }, messageId: m.messageId, retryInMs: delayMs },
        'counting a finished message failed; retrying',
      );
      await sleep(delayMs);
    }
  }
};

export const observabilityFeature: Feature = {
  name: 'observability',
  init(ctx) {
    ctx.metrics = new Metrics(
      () => ctx.queues,
      (err) => ctx.log.warn({ err }, 'reading queue counts for metrics failed'),
    );
    ctx.onMessageFinished.push(recordFinishedMessage(ctx));
  },
  async start(ctx) {
    const { port, host } = ctx.config.metrics;
    if (port === undefined) return () => Promise.resolve();
    const server = await startMetricsServer(ctx.metrics, port, host ?? ctx.config.api.host);
    ctx.metrics.openUrl = server.url;
    ctx.log.info(`metrics (no key) on ${server.url}/metrics`);
    return () => server.close();
  },
};
