/**
 * Request and response types of the OpenClaw gateway API (camelCase, exactly as on the wire).
 * The property names of every response type are listed in `fields.ts`, and a test compares
 * them with the gateway's OpenAPI document, so these types cannot drift from the server.
 */

// ───────────────────────── messages ─────────────────────────

/** Per-message context that reaches the model. */
export interface MessageContext {
  /** IANA time zone, e.g. `America/New_York`: the model sees the user's local date and time. */
  timezone?: string;
  /** BCP 47 language tag, e.g. `en`, `pt-BR`: the language of the answer. */
  language?: string;
}

/** Body of `POST /messages` and `POST /messages/stream`. */
export interface SendMessageParams {
  /** Workspace id (must be in the key's scope). */
  workspace: string;
  /** Your user's id, 1–256 characters. */
  userId: string;
  /** The message to the agent. */
  message: string;
  /** Continue this session (created with this id when it does not exist); default: the user's current session. */
  sessionId?: string;
  context?: MessageContext;
  /** With `async: true`: where the gateway POSTs the message.sent / error.agent payload when the message finishes (signed like a webhook). */
  callbackUrl?: string;
  /** Signs the callback; omitted: generated and returned once as `callbackSecret` in the 202. */
  callbackSecret?: string;
}

/** Why the model stopped. */
export type FinishReason = 'stop' | 'length' | 'tool_limit' | 'content_filter' | 'error' | (string & {});

/** The reply of `POST /messages` (and of `GET /messages/{id}` once done). */
export interface MessageResult {
  /** `msg_…` */
  messageId: string;
  /** The agent's answer. */
  response: string;
  /** tokensIn + tokensOut. */
  tokensUsed: number;
  latencyMs: number;
  /** `sess_…` */
  sessionId: string;
  /** Tools the agent called, in call order. */
  toolsInvoked: string[];
  finishReason: FinishReason;
  /** The model that answered (`offline` for the built-in model). */
  model?: string;
  tokensIn?: number;
  tokensOut?: number;
  /** Cost in USD by the gateway's pricing table; null when the model has no price. */
  costUSD?: number | null;
}

/** Lifecycle of a message. */
export type MessageStatus = 'queued' | 'running' | 'done' | 'error';

/** The 202 reply of `POST /messages` with `async: true`. */
export interface MessageAccepted {
  messageId: string;
  sessionId: string;
  status: MessageStatus;
  /** With callbackUrl: the callback target (`GET /webhooks/{callbackId}` shows its delivery log). */
  callbackId?: string;
  /** With callbackUrl and no callbackSecret: the generated secret that signs the callback. */
  callbackSecret?: string;
}

/** `GET /messages/{messageId}`: the status, and when done the fields of {@link MessageResult}. */
export interface MessageInfo extends Partial<Omit<MessageResult, 'messageId' | 'sessionId'>> {
  messageId: string;
  sessionId: string;
  workspace: string;
  userId: string;
  /** `api`, `schedule`, … */
  channel: string;
  status: MessageStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Set when status is `error`. */
  error?: { code: string; message: string };
}

/** `data: {"type":"token",…}`: a piece of the answer. */
export interface TokenEvent {
  type: 'token';
  content: string;
}
/** The agent calls a tool. */
export interface ToolUseEvent {
  type: 'tool_use';
  tool: string;
  input: unknown;
}
/** A tool's result (or its error). */
export interface ToolResultEvent {
  type: 'tool_result';
  tool: string;
  output: unknown;
  isError?: boolean;
}
/** The last event of a successful stream. */
export interface DoneEvent {
  type: 'done';
  messageId: string;
  tokensUsed: number;
  latencyMs: number;
  sessionId: string;
  finishReason: FinishReason;
  toolsInvoked: string[];
  /** The model that answered. */
  model?: string;
  tokensIn?: number;
  tokensOut?: number;
  /** null when the model has no known price. */
  costUSD?: number | null;
}
/** The last event of a failed stream (the SDK throws it as an {@link OpenClawError}). */
export interface ErrorEvent {
  type: 'error';
  code: string;
  message: string;
  /** With `shutting_down` (the gateway is stopping; the SDK resumes by itself): where to resume. */
  messageId?: string;
  lastEventId?: string;
}
/**
 * The worker answering this message died and another one starts it again (`attempt` 2, 3…):
 * drop everything received before this event; the events after it are the new answer.
 */
export interface RestartEvent {
  type: 'restart';
  attempt: number;
}
/** Every event of `POST /messages/stream`. */
export type StreamEvent = TokenEvent | ToolUseEvent | ToolResultEvent | RestartEvent | DoneEvent | ErrorEvent;

// ───────────────────────── sessions ─────────────────────────

/** The contract's session object. */
export interface Session {
  /** `sess_…` or the id you chose. */
  id: string;
  workspace: string;
  userId: string;
  createdAt: string;
  lastActiveAt: string;
  messageCount: number;
  tokensUsed: number;
  /** `api` for sessions started through the API. */
  channel: string;
}

/** Query of `GET /sessions`. */
export interface ListSessionsParams {
  workspace?: string;
  userId?: string;
  /** 1–200, default 20. */
  limit?: number;
  offset?: number;
}

/** A page of sessions. */
export interface SessionList {
  data: Session[];
  /** How many sessions match the filters in all. */
  total: number;
  limit: number;
  offset: number;
}

/** One turn of a session's history. */
export interface HistoryEntry {
  role: 'user' | 'assistant';
  content: string;
  createdAt: string;
  /** Tokens of this turn. */
  tokens: number;
  /** Tools called in this turn (assistant turns). */
  tools: string[];
  /** The message this turn belongs to. */
  messageId: string;
}

/** Query of `GET /sessions/{id}/history`: offset counts back from the newest turn. */
export interface HistoryParams {
  limit?: number;
  offset?: number;
  /** The session's workspace, when the key covers several that use this session id. */
  workspace?: string;
}

/** A page of history, oldest first. */
export interface SessionHistory {
  sessionId: string;
  data: HistoryEntry[];
  total: number;
  limit: number;
  offset: number;
}

/** Reply of `DELETE /sessions?workspace=`. */
export interface DeletedSessions {
  workspace: string;
  /** How many sessions were cleared. */
  deleted: number;
}

// ───────────────────────── workspaces ─────────────────────────

/** A workspace. */
export interface Workspace {
  id: string;
  label: string;
  /** Agent preset name (`balanced` is built in). */
  agent: string;
  /** Tools the agent may use, e.g. `github`, `web-search`, `memory`. */
  skills: string[];
  /** `channel:id` entries, e.g. `telegram:123456789`. */
  allowlist: string[];
  createdAt: string;
  /** `config`: declared in openclaw.json and read-only through the API. */
  source: 'config' | 'api';
}

/** Reply of `GET /workspaces`. */
export interface WorkspaceList {
  data: Workspace[];
}

/** Body of `POST /workspaces`. */
export interface CreateWorkspaceParams {
  /** Lower-case letters, digits, `-` and `_`. */
  id: string;
  label?: string;
  agent?: string;
  skills?: string[];
}

/** Body of `PATCH /workspaces/{id}/allowlist`. */
export interface AllowlistUpdate {
  add?: string[];
  remove?: string[];
}

/** Reply of `PATCH /workspaces/{id}/allowlist`. */
export interface Allowlist {
  id: string;
  allowlist: string[];
}

// ───────────────────────── stats ─────────────────────────

/** A date range, `YYYY-MM-DD`, UTC, both ends included. Default: the last 30 days. */
export interface StatsPeriodParams {
  from?: string;
  to?: string;
}

/** Usage figures of a period, a day, a workspace or a user. */
export interface StatsTotals {
  /** Finished messages (answered or failed). */
  messages: number;
  /** Of which finished with an error. */
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costUSD: number;
  avgLatencyMs: number;
  uniqueUsers: number;
}

/** One day of usage. */
export interface StatsDay extends StatsTotals {
  date: string;
}

/** Reply of `GET /stats`. */
export interface StatsReport {
  period: { from: string; to: string };
  totals: StatsTotals;
  /** Every day of the period, zeros included. */
  byDay: StatsDay[];
  /** Models that answered in the period without a known price (counted at 0 USD). */
  unpricedModels: string[];
  /** The workspaces counted (those the key can see). */
  workspaces: string[];
}

/** One workspace's usage. */
export interface WorkspaceStats extends StatsTotals {
  workspace: string;
}

/** Reply of `GET /stats/workspaces`. */
export interface WorkspaceStatsReport {
  period: { from: string; to: string };
  data: WorkspaceStats[];
}

/** Query of `GET /stats/users`. */
export interface UserStatsParams extends StatsPeriodParams {
  workspace: string;
  limit?: number;
}

/** One user's usage in a workspace. */
export interface UserStats {
  userId: string;
  messages: number;
  tokensIn: number;
  tokensOut: number;
  costUSD: number;
  avgLatencyMs: number;
  /** The user's last finished message in the period. */
  lastActivity: string;
}

/** Reply of `GET /stats/users`: top users by messages. */
export interface UserStatsReport {
  period: { from: string; to: string };
  workspace: string;
  /** All users of the period, not only those listed. */
  uniqueUsers: number;
  data: UserStats[];
}

// ───────────────────────── webhooks ─────────────────────────

/** Events a webhook can subscribe to. */
export type WebhookEventName =
  | 'message.received'
  | 'message.sent'
  | 'session.started'
  | 'session.ended'
  | 'error.agent'
  | 'channel.connected'
  | 'channel.disconnected'
  | 'schedule.completed'
  | 'schedule.failed'
  | (string & {});

/** A webhook subscription. */
export interface WebhookSubscription {
  /** `wh_…` */
  id: string;
  url: string;
  /** Event names; `*` = every event, including future ones. */
  events: WebhookEventName[];
  /** Workspace filter; null = every workspace in scope. */
  workspaces: string[] | null;
  /** The creating key's workspaces (`*` = all): events outside them never reach this subscription. */
  scope: string[];
  description: string | null;
  enabled: boolean;
  /** Why it was disabled (410 Gone, too many failed events, or through the API). */
  disabledReason: string | null;
  disabledAt: string | null;
  /** Events in a row that could not be delivered; `webhooks.disableAfter` disables it. */
  consecutiveFailures: number;
  /** The circuit breaker: open while the receiver keeps failing (deliveries wait, one probes). */
  circuit: WebhookCircuit;
  /** Retries after the first attempt, on the first N steps of the retry schedule. */
  retries: number;
  /** Bound on each attempt. */
  timeoutMs: number;
  /** `config`: declared in openclaw.json, read-only. */
  source: 'config' | 'api';
  /** Id of the API key that created it. */
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A subscription's circuit breaker. */
export interface WebhookCircuit {
  state: 'closed' | 'open';
  openedAt: string | null;
  /** While open: when one held delivery next tries the receiver. */
  nextProbeAt: string | null;
  /** Failed attempts in a row; `webhooks.circuitBreaker.failureThreshold` opens the circuit. */
  failedAttempts: number;
}

/** Reply of create and update: the subscription, with `secret` when the gateway generated or rotated it (shown once). */
export interface WebhookWithSecret extends WebhookSubscription {
  secret?: string;
}

/** Body of `POST /webhooks`. */
export interface CreateWebhookParams {
  /** http:// or https://, at most 2,048 characters. */
  url: string;
  events: WebhookEventName[];
  /** Your signing secret (16–256 chars); generated (and returned once) when omitted. */
  secret?: string;
  /** Only these workspaces' events (each within the key's scope). */
  workspaces?: string[];
  description?: string;
  /** Retries after the first attempt: the first N steps of 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (default `webhooks.retries`, 7). */
  retries?: number;
  /** Bound on each attempt (default 5000). */
  timeoutMs?: number;
}

/** Body of `PATCH /webhooks/{id}`. */
export interface UpdateWebhookParams {
  url?: string;
  events?: WebhookEventName[];
  /** null: every workspace in scope. */
  workspaces?: string[] | null;
  description?: string | null;
  /** true re-enables a disabled subscription and clears its failure count. */
  enabled?: boolean;
  /** true: generate a new secret (returned once in the reply). */
  rotateSecret?: boolean;
  retries?: number;
  timeoutMs?: number;
}

/** Reply of `GET /webhooks` (oldest first). */
export interface WebhookList {
  data: WebhookSubscription[];
  total: number;
  limit: number;
  offset: number;
}

/** Query of `GET /webhooks`. */
export interface ListWebhooksParams {
  /** 1–200, default 20. */
  limit?: number;
  /** 0–1,000,000. */
  offset?: number;
}

/** One delivery of an event to a subscription. */
export interface WebhookDelivery {
  /** `dlv_…`, also sent as `X-OpenClaw-Delivery` and `webhook-id`, the same on every retry. */
  id: string;
  webhookId: string;
  /** The payload `id`. */
  eventId: string;
  event: string;
  status: 'pending' | 'retrying' | 'delivered' | 'failed' | 'cancelled';
  attemptCount: number;
  /** A test ping or a redelivery. */
  manual: boolean;
  redeliveryOf: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
  /** HTTP status of the last attempt. */
  lastStatus: number | null;
  lastError: string | null;
}

/** One attempt of a delivery. */
export interface WebhookAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  /** HTTP status; null when no response came. */
  status: number | null;
  error: string | null;
  /** The first 256 bytes of the response body. */
  response: string | null;
  nextAttemptAt: string | null;
}

/** `GET /webhooks/{id}/deliveries/{deliveryId}`: a delivery with its payload and every attempt. */
export interface WebhookDeliveryDetail extends WebhookDelivery {
  /** The body that was sent (null once expired). */
  payload: Record<string, unknown> | null;
  attempts: WebhookAttempt[];
}

/** Body of `POST /webhooks/{id}/redeliver`. */
export interface RedeliverSinceParams {
  /** Replay the failed deliveries created at or after this time (RFC 3339). */
  since: string;
  /** At most this many, oldest first (1–1000, default 1000). */
  limit?: number;
}

/** Reply of `POST /webhooks/{id}/redeliver`. */
export interface RedeliverSinceResult {
  /** The new deliveries, one per replayed failed delivery, oldest first. */
  data: WebhookDelivery[];
  redelivered: number;
  /** When `limit` was reached: call again with this `since` for the rest; null when done. */
  nextSince: string | null;
}

/** Query of `GET /webhooks/{id}/deliveries`. */
export interface ListDeliveriesParams {
  /** 1–100, default 20. */
  limit?: number;
  offset?: number;
}

/** Reply of `GET /webhooks/{id}/deliveries`, newest first. */
export interface WebhookDeliveryList {
  data: WebhookDelivery[];
  total: number;
}

/** What a receiver gets: `{event, timestamp, data}` (plus a unique `id`). */
export interface WebhookPayload<D = Record<string, unknown>> {
  id: string;
  event: WebhookEventName | 'ping';
  timestamp: string;
  data: D;
}

/** Reply of `GET /events`: recent events as subscriptions receive them, newest first. */
export interface RecentEvents {
  data: WebhookPayload[];
}

// ───────────────────────── schedules ─────────────────────────

/** One run of a schedule. */
export interface ScheduleRun {
  runId: string;
  trigger: 'schedule' | 'manual';
  /** The cron tick (or when a manual run was asked for). */
  scheduledFor: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'completed' | 'failed';
  messageId: string | null;
  sessionId: string | null;
  /** The first 500 characters of the answer. */
  responseExcerpt: string | null;
  error: { code: string; message: string } | null;
  /** Schedules with `deliver`: posting the answer to the chat (`pending` while it is retried). */
  delivery?: ScheduleRunDelivery;
}

/** Where a schedule's answers are also posted: a Slack channel, a Telegram chat id, a WhatsApp number. */
export interface ScheduleDeliver {
  channel: 'telegram' | 'slack' | 'whatsapp';
  /** `#standup` or a channel id, a Telegram chat id, a WhatsApp number. */
  to: string;
}

/** How posting a run's answer to its chat went. */
export interface ScheduleRunDelivery extends ScheduleDeliver {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  deliveredAt: string | null;
  error: { code: string; message: string } | null;
}

/** A cron-driven message: the agent is asked `message` at every tick. */
export interface Schedule {
  id: string;
  workspace: string;
  userId: string;
  message: string;
  /** 5 fields `minute hour day-of-month month day-of-week` (or 6 with leading seconds), e.g. `0 9 * * 1-5`. */
  cron: string;
  /** IANA time zone of the cron expression. */
  timezone: string;
  /** Every run continues this session; null: the user's current session. */
  sessionId: string | null;
  enabled: boolean;
  /** `config`: declared in openclaw.json, read-only. */
  source: 'config' | 'api';
  /** Id of the API key that created it; revoking that key pauses the schedule. */
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** The next tick; null when disabled. */
  nextRunAt: string | null;
  /** The next 5 ticks. */
  nextRuns: string[];
  runCount: number;
  lastRun: ScheduleRun | null;
  /** Where each answer is also posted (docs/channels.md); null: nowhere. */
  deliver: ScheduleDeliver | null;
}

/** `GET /schedules/{id}`: the schedule with its recent runs, newest first (up to 20). */
export interface ScheduleDetail extends Schedule {
  recentRuns: ScheduleRun[];
}

/** Reply of `GET /schedules` (by id). */
export interface ScheduleList {
  data: Schedule[];
  total: number;
  limit: number;
  offset: number;
}

/** Query of `GET /schedules`. */
export interface ListSchedulesParams {
  workspace?: string;
  /** 1–200, default 20. */
  limit?: number;
  /** 0–1,000,000. */
  offset?: number;
}

/** Body of `POST /schedules`. */
export interface CreateScheduleParams {
  /** Letters, digits, `-` and `_`; generated (`sch_…`) when omitted. */
  id?: string;
  workspace: string;
  userId: string;
  message: string;
  cron: string;
  timezone: string;
  sessionId?: string;
  /** Default true. */
  enabled?: boolean;
  /** Also post each answer to a chat. */
  deliver?: ScheduleDeliver;
}

/** Body of `PATCH /schedules/{id}`: only the fields given change. */
export interface UpdateScheduleParams {
  workspace?: string;
  userId?: string;
  message?: string;
  cron?: string;
  timezone?: string;
  /** null: back to the user's current session. */
  sessionId?: string | null;
  enabled?: boolean;
  /** null: stop posting answers to a chat. */
  deliver?: ScheduleDeliver | null;
}

/** Reply of `POST /schedules/{id}/run` (202): follow the message with `messages.get` or `messages.resume`. */
export interface ScheduleRunAccepted {
  scheduleId: string;
  runId: string;
  messageId: string;
  sessionId: string;
  status: 'running';
}

// ───────────────────────── health ─────────────────────────

/** Reply of `GET /health`. */
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  uptime: number;
  channels: Record<string, string>;
  redis: 'connected' | 'disconnected';
  memoryMB: number;
  model: string;
}

// ───────────────────────── API keys (keys:read / keys:write, keys over * only) ─────────────────────────

/** An API key as `GET /keys` and `openclaw api-key list --json` show it: masked, never the secret. */
export interface ApiKey {
  id: string;
  /** Masked: `oclaw_live_AbCd…wxyz` (config keys: `…wxyz`). */
  key: string;
  label: string;
  workspaces: string[];
  permissions: string[];
  /** Requests per minute; null = the gateway's default; 0 = unlimited. */
  rateLimit: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  source: 'cli' | 'config' | 'bootstrap';
}

/** A key just made (create or rotate): `apiKey` is the plain key, shown in this reply only. */
export interface ApiKeyCreated extends ApiKey {
  apiKey: string;
}

export interface ApiKeyList {
  data: ApiKey[];
}

export interface CreateApiKeyParams {
  label: string;
  workspaces?: string[];
  permissions?: string[];
  rateLimit?: number | null;
}

export interface ApiKeyRevoked {
  revoked: ApiKey;
}
