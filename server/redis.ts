/**
 * Redis connections. One shared data client (commands go out as they are issued, without waiting
 * for earlier replies: what one request or job sends together costs one round trip) and factories
 * for the connections BullMQ and blocking stream reads need.
 * A target is a redis:// URL or a Redis Cluster (docs/deploy.md): then every connection,
 * BullMQ's included, is an ioredis Cluster.
 */
import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { readFileSync } from 'node:fs';

/** A Redis Cluster: seed nodes (any few; the rest are discovered) and what every node needs. */
export interface RedisClusterTarget {
  cluster: {
    nodes: Array<{ host: string; port: number }>;
    username?: string;
    password?: string;
    /** TLS to every node; `caFile`: a PEM bundle to trust besides the system CAs. */
    tls?: boolean | { caFile?: string; servername?: string; rejectUnauthorized?: boolean };
  };
}

/** Where Redis is: a redis:// or rediss:// URL, or a cluster. */
export type RedisTarget = string | RedisClusterTarget;

export const isCluster = (t: RedisTarget): t is RedisClusterTarget => typeof t !== 'string';

const base: RedisOptions = {
  lazyConnect: false,
  // Reconnect forever with a capped backoff: the gateway answers 503 while Redis is away
  // and recovers by itself when it is back.
  retryStrategy: (times) => Math.min(100 * times, 2000),
};

/**
 * A Cluster with the same per-node options. Typed as Redis: a Cluster answers the same commands
 * (keys routed by slot), and the stores, BullMQ and the follower use nothing else.
 */
function createCluster(t: RedisClusterTarget, node: RedisOptions, cluster: ClusterOptions = {}): Redis {
  const { nodes, username, password, tls } = t.cluster;
  const tlsOptions =
    tls === true
      ? {}
      : tls
        ? {
            ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
            ...(tls.servername ? { servername: tls.servername } : {}),
            ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
          }
        : undefined;
  return new Cluster(nodes, {
    redisOptions: { ...node, username, password, ...(tlsOptions ? { tls: tlsOptions } : {}) },
    // While a master fails over, its slots answer CLUSTERDOWN or connection errors: retry briefly
    // (routes answer 503 if it lasts); slot ownership is re-read after every MOVED and reconnect.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    // Reading the slot map may wait behind a busy node; the 1 s default gave up on a loaded machine.
    slotsRefreshTimeout: 5000,
    ...cluster,
    // Managed clusters (ElastiCache, MemoryDB) need the TLS host name kept as given.
    ...(tlsOptions ? { dnsLookup: (address: string, cb: (err: null, a: string) => void) => cb(null, address) } : {}),
  }) as unknown as Redis;
}

/** The data client: fails commands fast while disconnected so routes can answer 503. */
export function createDataClient(target: RedisTarget, name = 'openclaw'): Redis {
  const options: RedisOptions = { ...base, connectionName: name, maxRetriesPerRequest: 1, enableOfflineQueue: true };
  // A request rides out a blip of about a second (8 tries 100 ms apart), then fails so its route
  // answers 503 for the rest of a failover instead of hanging for the cluster's node timeout.
  // No auto-pipelining on a cluster: ioredis batches commands per node, and when a failover moves
  // a slot, a batch mixing slots (or holding a write that succeeded) is not redirected: its
  // commands fail with a raw MOVED (ioredis#2075). One command each follows MOVED by itself.
  if (isCluster(target))
    return createCluster(target, options, { enableOfflineQueue: true, maxRedirections: 8, retryDelayOnFailover: 100 });
  // Not auto-pipelined: the batches ioredis builds (a pipeline and promise per command) cost more
  // of the main thread than the writes they save; corking the socket saves the writes alone.
  const client = new Redis(target, options);
  client.on('connect', () => oneWritePerLoopTurn(client.stream));
  return client;
}

/**
 * What one turn of the event loop writes to the socket leaves in one write: corked at the first
 * write, uncorked in the turn's check phase (setImmediate, where ioredis's auto-pipelining sent
 * its batches). Concurrent requests' commands cost one syscall and one read in Redis, not one each.
 */
function oneWritePerLoopTurn(socket: Redis['stream']): void {
  const write = socket.write.bind(socket);
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: Parameters<typeof write>) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  }) as typeof write;
}

/** A connection for BullMQ workers/queues and blocking reads (BullMQ requires maxRetriesPerRequest: null). */
export function createBlockingClient(target: RedisTarget, name = 'openclaw-blocking'): Redis {
  const options: RedisOptions = { ...base, connectionName: name, maxRetriesPerRequest: null };
  if (isCluster(target)) return createCluster(target, options);
  return new Redis(target, options);
}

/** `host:port,host:port` (REDIS_CLUSTER_NODES, redis.cluster.nodes) → nodes; throws on a malformed entry. */
export function parseClusterNodes(list: string | string[]): Array<{ host: string; port: number }> {
  const items = (Array.isArray(list) ? list : list.split(',')).map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new Error('no nodes given');
  return items.map((item) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(item);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new Error(`'${item}' is not host:port`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
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

/** Strips credentials from a Redis URL for logs; a cluster shows its seed nodes only. */
export function redactUrl(url: RedisTarget): string {
  if (isCluster(url))
    return `cluster ${url.cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}${url.cluster.tls ? ' (TLS)' : ''}`;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.username) u.username = '***';
    return u.toString();
  } catch {
    return 'redis://(unparseable)';
  }
}
