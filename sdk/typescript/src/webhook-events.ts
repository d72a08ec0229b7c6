/**
 * The events a webhook delivery carries, as a discriminated union on `event`: after
 * `client.webhooks.unwrap(…)`, `switch (event.event)` narrows `event.data` to that event's fields.
 */

interface EventEnvelope<E extends string, D> {
  /** The event's id: the same for every subscription, retry and redelivery (de-duplicate on it). */
  id: string;
  event: E;
  /** When the event happened, UTC, whole seconds (RFC 3339). */
  timestamp: string;
  data: D;
}

/** Fields of `message.received`: a message was accepted, before the agent runs. */
export interface MessageReceivedData {
  messageId: string;
  workspace: string;
  userId: string;
  /** `api`, `schedule`, or a chat channel. */
  channel: string;
  sessionId: string;
  /** The text sent. */
  message: string;
}

/** Fields of `message.sent`: the agent answered. */
export interface MessageSentData {
  messageId: string;
  workspace: string;
  userId: string;
  channel: string;
  response: string;
  tokensUsed: number;
  latencyMs: number;
  sessionId: string;
}

/** Fields of `session.started` (the session object's fields). */
export interface SessionEventData {
  sessionId: string;
  workspace: string;
  userId: string;
  channel: string;
  createdAt: string;
  lastActiveAt: string;
  messageCount: number;
  tokensUsed: number;
}

/** Fields of `session.ended`: the session's final values and why it ended. */
export interface SessionEndedData extends SessionEventData {
  reason: 'deleted' | 'idle' | 'workspace_deleted';
}

/** Fields of `error.agent`: a message failed. */
export interface AgentErrorData {
  messageId: string;
  workspace: string;
  userId: string;
  channel: string;
  sessionId: string;
  code: 'upstream_error' | 'timeout' | 'agent_error' | (string & {});
  /** What went wrong, secrets stripped. */
  message: string;
}

/** Fields of `channel.connected` / `channel.disconnected`. */
export interface ChannelEventData {
  /** `telegram`, `slack`, … */
  channel: string;
  /** null when the channel serves the whole gateway. */
  workspace: string | null;
  /** Why the connection changed, when known. */
  reason?: string | null;
  [field: string]: unknown;
}

/** Fields of `schedule.completed`: a scheduled run answered (the message's reply plus the run). */
export interface ScheduleCompletedData {
  scheduleId: string;
  runId: string;
  trigger: 'schedule' | 'manual';
  scheduledFor: string;
  workspace: string;
  userId: string;
  messageId: string;
  sessionId: string;
  response: string;
  tokensUsed: number;
  latencyMs: number;
  toolsInvoked: string[];
  finishReason: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  costUSD: number;
}

/** Fields of `schedule.failed`. */
export interface ScheduleFailedData {
  scheduleId: string;
  runId: string;
  trigger: 'schedule' | 'manual';
  scheduledFor: string;
  workspace: string;
  userId: string;
  messageId: string | null;
  sessionId: string | null;
  error: { code: string; message: string };
}

/** Fields of `ping`, the test delivery of `POST /webhooks/{id}/test`. */
export interface PingData {
  webhookId: string;
  url: string;
  events: string[];
  message: string;
}

export type MessageReceivedEvent = EventEnvelope<'message.received', MessageReceivedData>;
export type MessageSentEvent = EventEnvelope<'message.sent', MessageSentData>;
export type SessionStartedEvent = EventEnvelope<'session.started', SessionEventData>;
export type SessionEndedEvent = EventEnvelope<'session.ended', SessionEndedData>;
export type AgentErrorEvent = EventEnvelope<'error.agent', AgentErrorData>;
export type ChannelConnectedEvent = EventEnvelope<'channel.connected', ChannelEventData>;
export type ChannelDisconnectedEvent = EventEnvelope<'channel.disconnected', ChannelEventData>;
export type ScheduleCompletedEvent = EventEnvelope<'schedule.completed', ScheduleCompletedData>;
export type ScheduleFailedEvent = EventEnvelope<'schedule.failed', ScheduleFailedData>;
export type PingEvent = EventEnvelope<'ping', PingData>;

/** Every event the gateway delivers. A newer gateway may send others: check `event` before use. */
export type WebhookEvent =
  | MessageReceivedEvent
  | MessageSentEvent
  | SessionStartedEvent
  | SessionEndedEvent
  | AgentErrorEvent
  | ChannelConnectedEvent
  | ChannelDisconnectedEvent
  | ScheduleCompletedEvent
  | ScheduleFailedEvent
  | PingEvent;

/** The event names, for exhaustiveness checks. */
export type WebhookEventType = WebhookEvent['event'];
