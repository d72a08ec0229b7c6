/**
 * Redis connections. One shared data client (auto-pipelined: many concurrent requests share
 * round trips) and factories for the connections BullMQ and blocking stream reads need.
 */
import Redis, { type RedisOptions } from 'ioredis';

const base: RedisOptions = {
  lazyConnect: false,
  // Reconnect forever with a capped backoff: the gateway answers 503 while Redis is away
  // and recovers by itself when it is back.
  retryStrategy: (times) => Math.min(100 * times, 2000),
};

/** The data client: fails commands fast while disconnected so routes can answer 503. */
export function createDataClient(url: string, name = 'openclaw'): Redis {
  return new Redis(url, {
    ...base,
    connectionName: name,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
  });
}

/** A connection for BullMQ workers/queues and blocking reads (BullMQ requires maxRetriesPerRequest: null). */
export function createBlockingClient(url: string, name = 'openclaw-blocking'): Redis {
  return new Redis(url, { ...base, connectionName: name, maxRetriesPerRequest: null });
}

/** Resolves once the client is ready, or rejects after timeoutMs. */
export async function waitReady(client: Redis, timeoutMs = 10000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    // Infinity: wait as long as it takes (a timer cannot hold Infinity: it would fire at once).
    const t = Number.isFinite(timeoutMs)
      ? setTimeout(() => {
          cleanup();
          reject(new Error(`Redis did not become ready within ${timeoutMs} ms`));
        }, timeoutMs)
      : undefined;
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(t);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}

/** Strips credentials from a Redis URL for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.username) u.username = '***';
    return u.toString();
  } catch {
    return 'redis://(unparseable)';
  }
}
