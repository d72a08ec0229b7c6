/**
 * Observability feature: creates ctx.metrics, counts every finished message once (stats day
 * buckets, then the Prometheus counters only when the message was new), and opens the metrics
 * port when `metrics.port` is set — in gateway and worker processes alike.
 */
import type { Feature } from '../features';
import type { GatewayContext, FinishedMessage } from '../context';
import { Metrics } from '.';
import { startMetricsServer } from './server';

/** The onMessageFinished hook: idempotent per messageId (a retried job or racing worker counts once). */
export const recordFinishedMessage = (ctx: GatewayContext) => async (m: FinishedMessage) => {
  if (await ctx.stores.stats.record(m)) ctx.metrics.messageFinished(m);
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
    if (port === undefined) return async () => undefined;
    const server = await startMetricsServer(ctx.metrics, port, host ?? ctx.config.api.host);
    ctx.metrics.openUrl = server.url;
    ctx.log.info(`metrics (no key) on ${server.url}/metrics`);
    return () => server.close();
  },
};
