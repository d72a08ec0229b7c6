/**
 * Features plug their queues, workers and event sinks into the gateway through one interface,
 * so gateway.ts (HTTP + workers) and `openclaw worker` (workers only) start the same things.
 * Add a feature by adding it to FEATURES.
 */
import type { Feature } from './context';
import { observabilityFeature } from './metrics/feature';
import { agentFeature } from './agent/feature';
import { schedulesFeature } from './schedules/feature';
import { messagesFeature } from './messages/feature';
import { webhooksFeature } from './webhooks/feature';
import { ownershipFeature } from './auth/ownership-feature';
import { channelsFeature } from './channels/feature';

export const FEATURES: Feature[] = [
  observabilityFeature, // first: creates ctx.metrics, which other features use
  agentFeature, // before the messages feature: settles the default model (Ollama probe) at start
  webhooksFeature,
  messagesFeature,
  schedulesFeature, // after messages: stops first, so runs stop waiting before the message follower closes
  ownershipFeature, // a deleted workspace's webhook subscriptions
  channelsFeature, // after messages and schedules: stops first, so no chat message arrives while they close
];
