/**
 * What a key owns ends with it. KeyStore.revoke and KeyStore.rotate, the one place every
 * revocation and rotation goes through (the CLI, config-key sync, the gateway), call this:
 *
 * - revoked: its webhook subscriptions are disabled (reason given, re-enabling is an explicit
 *   PATCH by a key covering them) and its schedules paused (enabled: false, ticks skipped);
 * - rotated: they carry over to the new key, which has the same scopes.
 *
 * Only Redis is touched, so a CLI process without the gateway's context does the same.
 */
import type Redis from 'ioredis';
import { WebhookStore } from '../webhooks/store';
import { ScheduleStore } from '../schedules/store';

export interface OwnershipChange {
  subscriptions: number;
  schedules: number;
}

export async function endOwnership(
  redis: Redis,
  now: () => Date,
  keyId: string,
  label: string,
): Promise<OwnershipChange> {
  const webhooks = new WebhookStore(redis, now);
  const schedules = new ScheduleStore(redis, now);
  const subscriptions = await webhooks.disableOwnedBy(keyId, `the API key that created it (${label}) was revoked`);
  let paused = 0;
  for (const s of await schedules.ownedBy(keyId)) if (s.enabled && (await schedules.pause(s))) paused++;
  return { subscriptions, schedules: paused };
}

export async function transferOwnership(
  redis: Redis,
  now: () => Date,
  fromKeyId: string,
  toKeyId: string,
): Promise<OwnershipChange> {
  const webhooks = new WebhookStore(redis, now);
  const schedules = new ScheduleStore(redis, now);
  const subscriptions = await webhooks.reassignOwner(fromKeyId, toKeyId);
  const owned = await schedules.ownedBy(fromKeyId);
  for (const s of owned) await schedules.setOwner(s, toKeyId);
  return { subscriptions, schedules: owned.length };
}
