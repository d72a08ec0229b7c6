/**
 * What every BullMQ queue of the gateway shares. Each queue and each worker gets a Redis
 * connection of its own, named after it, under a hash-tagged key prefix (`{oc:<name>}`), so
 * every key of one queue lands in one Redis Cluster slot. BullMQ never closes a connection it
 * was handed (it may be shared), so closing goes through here and quits that connection too.
 */
import { Queue, Worker, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq';
import type Redis from 'ioredis';
import { createBlockingClient, createDataClient, type RedisTarget } from '../server/redis';
import { isConnectionError } from '../server/redis-watch';

export const queuePrefix = (name: string): string => `{oc:${name}}`;

export interface QueueSetup extends Omit<QueueOptions, 'connection' | 'prefix'> {
  /**
   * Fail fast while Redis is away (maxRetriesPerRequest 1), so adding a job from a request
   * answers 503 instead of hanging. Off: BullMQ's default, which waits for Redis.
   */
  failFast?: boolean;
  /** Where queue errors other than a lost connection go (the data client reports those once). */
  onError?: (err: Error) => void;
}

export function createQueue<T>(name: string, redis: RedisTarget, setup: QueueSetup = {}): Queue<T> {
  const { failFast, onError, ...options } = setup;
  const connection = failFast
    ? createDataClient(redis, `openclaw-${name}-queue`)
    : createBlockingClient(redis, `openclaw-${name}-queue`);
  if (failFast) connection.on('error', () => undefined); // the data client already reports connection errors
  const queue = new Queue<T>(name, { ...options, connection, prefix: queuePrefix(name) });
  if (onError) queue.on('error', (err) => isConnectionError(err) || onError(err));
  return queue;
}

export interface WorkerSetup extends Omit<WorkerOptions, 'connection' | 'prefix'> {
  /** Where worker errors go (BullMQ emits them for lost connections and failed renewals). */
  onError: (err: Error) => void;
}

export function createWorker<T>(
  name: string,
  redis: RedisTarget,
  processor: Processor<T>,
  setup: WorkerSetup,
): Worker<T> {
  const { onError, ...options } = setup;
  const connection = createBlockingClient(redis, `openclaw-${name}-worker`);
  const worker = new Worker<T>(name, processor, { ...options, connection, prefix: queuePrefix(name) });
  worker.on('error', onError);
  return worker;
}

/** Closes a queue or a worker, then the connection it was created with. `force`: workers only, do not wait for running jobs. */
export async function closeWithConnection(target: Queue | Worker | null | undefined, force = false): Promise<void> {
  if (!target) return;
  const connection = target.opts.connection as Redis;
  if (target instanceof Worker) await target.close(force);
  else await target.close();
  await connection.quit().catch(() => connection.disconnect());
}
