/**
 * The property names of every request and response type, machine-readable, with the operation
 * that uses them. The compiler checks each list against its TypeScript type (exactly the same
 * keys), and the SDK's drift test checks each list against the gateway's OpenAPI document, so
 * the types, these lists and the server cannot disagree.
 */
import type * as T from './types.js';

/** Where one type lives in the OpenAPI document. */
export interface ResponseFieldSpec {
  /** The SDK type name. */
  type: string;
  /** HTTP method, lower case. */
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Path under the API prefix, e.g. `/sessions/{sessionId}`. */
  path: string;
  /** `response` (with `status`), `body` (request body) or `query` (query parameters). */
  in: 'response' | 'body' | 'query';
  status?: number;
  /** Path inside the schema: property names, `[]` for array items, e.g. `data[]`. */
  at?: string;
  /** The type's property names. */
  fields: readonly string[];
}

/** Compiles only when `K` lists exactly the keys of `T` (none missing, none extra). */
type Exactly<T, K extends readonly string[]> = [Exclude<keyof T, K[number]>, Exclude<K[number], keyof T>] extends [never, never] ? K : never;
const keys =
  <T>() =>
  <const K extends readonly (keyof T & string)[]>(k: K & Exactly<T, K>): readonly string[] =>
    k;

const MESSAGE_RESULT = keys<T.MessageResult>()(['messageId', 'response', 'tokensUsed', 'latencyMs', 'sessionId', 'toolsInvoked', 'finishReason', 'model', 'tokensIn', 'tokensOut', 'costUSD']);
const SEND = keys<T.SendMessageParams & { async?: boolean }>()(['workspace', 'userId', 'message', 'sessionId', 'context', 'async', 'callbackUrl', 'callbackSecret']);
const SESSION = keys<T.Session>()(['id', 'workspace', 'userId', 'createdAt', 'lastActiveAt', 'messageCount', 'tokensUsed', 'channel']);
const PAGE = keys<T.SessionList>()(['data', 'total', 'limit', 'offset']);
const WORKSPACE = keys<T.Workspace>()(['id', 'label', 'agent', 'skills', 'allowlist', 'createdAt', 'source']);
const TOTALS = keys<T.StatsTotals>()(['messages', 'errors', 'tokensIn', 'tokensOut', 'costUSD', 'avgLatencyMs', 'uniqueUsers']);
const WEBHOOK_FIELDS = [
  'id', 'url', 'events', 'workspaces', 'scope', 'description', 'enabled', 'disabledReason', 'disabledAt', 'consecutiveFailures', 'circuit',
  'retries', 'timeoutMs', 'source', 'createdBy', 'createdAt', 'updatedAt',
] as const;
const WEBHOOK = keys<T.WebhookSubscription>()(WEBHOOK_FIELDS);
const WEBHOOK_WITH_SECRET = keys<T.WebhookWithSecret>()([...WEBHOOK_FIELDS, 'secret']);
const DELIVERY_FIELDS = [
  'id', 'webhookId', 'eventId', 'event', 'status', 'attemptCount', 'manual', 'redeliveryOf', 'createdAt', 'updatedAt', 'deliveredAt',
  'nextAttemptAt', 'lastStatus', 'lastError',
] as const;
const DELIVERY = keys<T.WebhookDelivery>()(DELIVERY_FIELDS);
const RUN = keys<T.ScheduleRun>()(['runId', 'trigger', 'scheduledFor', 'startedAt', 'finishedAt', 'status', 'messageId', 'sessionId', 'responseExcerpt', 'error', 'delivery']);
const SCHEDULE_FIELDS = [
  'id', 'workspace', 'userId', 'message', 'cron', 'timezone', 'sessionId', 'enabled', 'source', 'createdBy', 'createdAt', 'updatedAt', 'nextRunAt', 'nextRuns', 'runCount', 'lastRun', 'deliver',
] as const;
const SCHEDULE = keys<T.Schedule>()(SCHEDULE_FIELDS);
const PERIOD = keys<T.StatsPeriodParams>()(['from', 'to']);
const API_KEY_FIELDS = ['id', 'key', 'label', 'workspaces', 'permissions', 'rateLimit', 'createdAt', 'lastUsedAt', 'source'] as const;
const API_KEY = keys<T.ApiKey>()(API_KEY_FIELDS);
const API_KEY_CREATED = keys<T.ApiKeyCreated>()([...API_KEY_FIELDS, 'apiKey']);

/** Every checked type, by operation. */
export const RESPONSE_FIELDS: readonly ResponseFieldSpec[] = [
  // messages
  { type: 'SendMessageParams', method: 'post', path: '/messages', in: 'body', fields: SEND },
  { type: 'MessageContext', method: 'post', path: '/messages', in: 'body', at: 'context', fields: keys<T.MessageContext>()(['timezone', 'language']) },
  { type: 'SendMessageParams', method: 'post', path: '/messages/stream', in: 'body', fields: SEND },
  { type: 'MessageResult', method: 'post', path: '/messages', in: 'response', status: 200, fields: MESSAGE_RESULT },
  { type: 'MessageAccepted', method: 'post', path: '/messages', in: 'response', status: 202, fields: keys<T.MessageAccepted>()(['messageId', 'sessionId', 'status', 'callbackId', 'callbackSecret']) },
  {
    type: 'MessageInfo',
    method: 'get',
    path: '/messages/{messageId}',
    in: 'response',
    status: 200,
    fields: keys<T.MessageInfo>()(['messageId', 'sessionId', 'workspace', 'userId', 'channel', 'status', 'createdAt', 'startedAt', 'finishedAt', 'error', 'response', 'tokensUsed', 'latencyMs', 'toolsInvoked', 'finishReason', 'model', 'tokensIn', 'tokensOut', 'costUSD']),
  },
  // sessions
  { type: 'ListSessionsParams', method: 'get', path: '/sessions', in: 'query', fields: keys<T.ListSessionsParams>()(['workspace', 'userId', 'limit', 'offset']) },
  { type: 'SessionList', method: 'get', path: '/sessions', in: 'response', status: 200, fields: PAGE },
  { type: 'Session', method: 'get', path: '/sessions', in: 'response', status: 200, at: 'data[]', fields: SESSION },
  { type: 'Session', method: 'get', path: '/sessions/{sessionId}', in: 'response', status: 200, fields: SESSION },
  { type: 'HistoryParams', method: 'get', path: '/sessions/{sessionId}/history', in: 'query', fields: keys<T.HistoryParams>()(['limit', 'offset', 'workspace']) },
  { type: 'SessionHistory', method: 'get', path: '/sessions/{sessionId}/history', in: 'response', status: 200, fields: keys<T.SessionHistory>()(['sessionId', 'data', 'total', 'limit', 'offset']) },
  {
    type: 'HistoryEntry',
    method: 'get',
    path: '/sessions/{sessionId}/history',
    in: 'response',
    status: 200,
    at: 'data[]',
    fields: keys<T.HistoryEntry>()(['role', 'content', 'createdAt', 'tokens', 'tools', 'messageId']),
  },
  { type: 'DeletedSessions', method: 'delete', path: '/sessions', in: 'response', status: 200, fields: keys<T.DeletedSessions>()(['workspace', 'deleted']) },
  // workspaces
  { type: 'WorkspaceList', method: 'get', path: '/workspaces', in: 'response', status: 200, fields: keys<T.WorkspaceList>()(['data']) },
  { type: 'Workspace', method: 'get', path: '/workspaces', in: 'response', status: 200, at: 'data[]', fields: WORKSPACE },
  { type: 'Workspace', method: 'get', path: '/workspaces/{workspaceId}', in: 'response', status: 200, fields: WORKSPACE },
  { type: 'Workspace', method: 'post', path: '/workspaces', in: 'response', status: 201, fields: WORKSPACE },
  { type: 'CreateWorkspaceParams', method: 'post', path: '/workspaces', in: 'body', fields: keys<T.CreateWorkspaceParams>()(['id', 'label', 'agent', 'skills']) },
  { type: 'AllowlistUpdate', method: 'patch', path: '/workspaces/{workspaceId}/allowlist', in: 'body', fields: keys<T.AllowlistUpdate>()(['add', 'remove']) },
  { type: 'Allowlist', method: 'patch', path: '/workspaces/{workspaceId}/allowlist', in: 'response', status: 200, fields: keys<T.Allowlist>()(['id', 'allowlist']) },
  // stats
  { type: 'StatsPeriodParams', method: 'get', path: '/stats', in: 'query', fields: PERIOD },
  { type: 'StatsReport', method: 'get', path: '/stats', in: 'response', status: 200, fields: keys<T.StatsReport>()(['period', 'totals', 'byDay', 'unpricedModels', 'workspaces']) },
  { type: 'StatsTotals', method: 'get', path: '/stats', in: 'response', status: 200, at: 'totals', fields: TOTALS },
  { type: 'StatsDay', method: 'get', path: '/stats', in: 'response', status: 200, at: 'byDay[]', fields: keys<T.StatsDay>()(['date', 'messages', 'errors', 'tokensIn', 'tokensOut', 'costUSD', 'avgLatencyMs', 'uniqueUsers']) },
  { type: 'StatsPeriodParams', method: 'get', path: '/stats/workspaces', in: 'query', fields: PERIOD },
  { type: 'WorkspaceStatsReport', method: 'get', path: '/stats/workspaces', in: 'response', status: 200, fields: keys<T.WorkspaceStatsReport>()(['period', 'data']) },
  { type: 'WorkspaceStats', method: 'get', path: '/stats/workspaces', in: 'response', status: 200, at: 'data[]', fields: keys<T.WorkspaceStats>()(['workspace', 'messages', 'errors', 'tokensIn', 'tokensOut', 'costUSD', 'avgLatencyMs', 'uniqueUsers']) },
  { type: 'UserStatsParams', method: 'get', path: '/stats/users', in: 'query', fields: keys<T.UserStatsParams>()(['workspace', 'limit', 'from', 'to']) },
  { type: 'UserStatsReport', method: 'get', path: '/stats/users', in: 'response', status: 200, fields: keys<T.UserStatsReport>()(['period', 'workspace', 'uniqueUsers', 'data']) },
  {
    type: 'UserStats',
    method: 'get',
    path: '/stats/users',
    in: 'response',
    status: 200,
    at: 'data[]',
    fields: keys<T.UserStats>()(['userId', 'messages', 'tokensIn', 'tokensOut', 'costUSD', 'avgLatencyMs', 'lastActivity']),
  },
  // webhooks
  { type: 'CreateWebhookParams', method: 'post', path: '/webhooks', in: 'body', fields: keys<T.CreateWebhookParams>()(['url', 'events', 'secret', 'workspaces', 'description', 'retries', 'timeoutMs']) },
  { type: 'WebhookWithSecret', method: 'post', path: '/webhooks', in: 'response', status: 201, fields: WEBHOOK_WITH_SECRET },
  { type: 'ListWebhooksParams', method: 'get', path: '/webhooks', in: 'query', fields: keys<T.ListWebhooksParams>()(['limit', 'offset']) },
  { type: 'WebhookList', method: 'get', path: '/webhooks', in: 'response', status: 200, fields: keys<T.WebhookList>()(['data', 'total', 'limit', 'offset']) },
  { type: 'WebhookSubscription', method: 'get', path: '/webhooks', in: 'response', status: 200, at: 'data[]', fields: WEBHOOK },
  { type: 'WebhookSubscription', method: 'get', path: '/webhooks/{webhookId}', in: 'response', status: 200, fields: WEBHOOK },
  { type: 'WebhookCircuit', method: 'get', path: '/webhooks/{webhookId}', in: 'response', status: 200, at: 'circuit', fields: keys<T.WebhookCircuit>()(['state', 'openedAt', 'nextProbeAt', 'failedAttempts']) },
  { type: 'UpdateWebhookParams', method: 'patch', path: '/webhooks/{webhookId}', in: 'body', fields: keys<T.UpdateWebhookParams>()(['url', 'events', 'workspaces', 'description', 'enabled', 'rotateSecret', 'retries', 'timeoutMs']) },
  { type: 'WebhookWithSecret', method: 'patch', path: '/webhooks/{webhookId}', in: 'response', status: 200, fields: WEBHOOK_WITH_SECRET },
  { type: 'ListDeliveriesParams', method: 'get', path: '/webhooks/{webhookId}/deliveries', in: 'query', fields: keys<T.ListDeliveriesParams>()(['limit', 'offset']) },
  { type: 'WebhookDeliveryList', method: 'get', path: '/webhooks/{webhookId}/deliveries', in: 'response', status: 200, fields: keys<T.WebhookDeliveryList>()(['data', 'total']) },
  { type: 'WebhookDelivery', method: 'get', path: '/webhooks/{webhookId}/deliveries', in: 'response', status: 200, at: 'data[]', fields: DELIVERY },
  { type: 'WebhookDeliveryDetail', method: 'get', path: '/webhooks/{webhookId}/deliveries/{deliveryId}', in: 'response', status: 200, fields: keys<T.WebhookDeliveryDetail>()([...DELIVERY_FIELDS, 'payload', 'attempts']) },
  {
    type: 'WebhookAttempt',
    method: 'get',
    path: '/webhooks/{webhookId}/deliveries/{deliveryId}',
    in: 'response',
    status: 200,
    at: 'attempts[]',
    fields: keys<T.WebhookAttempt>()(['attempt', 'startedAt', 'durationMs', 'status', 'error', 'response', 'nextAttemptAt']),
  },
  { type: 'WebhookDelivery', method: 'post', path: '/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver', in: 'response', status: 202, fields: DELIVERY },
  { type: 'WebhookDelivery', method: 'post', path: '/webhooks/{webhookId}/test', in: 'response', status: 202, fields: DELIVERY },
  { type: 'RedeliverSinceParams', method: 'post', path: '/webhooks/{webhookId}/redeliver', in: 'body', fields: keys<T.RedeliverSinceParams>()(['since', 'limit']) },
  { type: 'RedeliverSinceResult', method: 'post', path: '/webhooks/{webhookId}/redeliver', in: 'response', status: 202, fields: keys<T.RedeliverSinceResult>()(['data', 'redelivered', 'nextSince']) },
  { type: 'WebhookDelivery', method: 'post', path: '/webhooks/{webhookId}/redeliver', in: 'response', status: 202, at: 'data[]', fields: DELIVERY },
  // schedules
  { type: 'ListSchedulesParams', method: 'get', path: '/schedules', in: 'query', fields: keys<T.ListSchedulesParams>()(['workspace', 'limit', 'offset']) },
  { type: 'ScheduleList', method: 'get', path: '/schedules', in: 'response', status: 200, fields: keys<T.ScheduleList>()(['data', 'total', 'limit', 'offset']) },
  { type: 'Schedule', method: 'get', path: '/schedules', in: 'response', status: 200, at: 'data[]', fields: SCHEDULE },
  { type: 'ScheduleRun', method: 'get', path: '/schedules', in: 'response', status: 200, at: 'data[].lastRun', fields: RUN },
  { type: 'ScheduleDetail', method: 'get', path: '/schedules/{scheduleId}', in: 'response', status: 200, fields: keys<T.ScheduleDetail>()([...SCHEDULE_FIELDS, 'recentRuns']) },
  { type: 'ScheduleRun', method: 'get', path: '/schedules/{scheduleId}', in: 'response', status: 200, at: 'recentRuns[]', fields: RUN },
  {
    type: 'CreateScheduleParams',
    method: 'post',
    path: '/schedules',
    in: 'body',
    fields: keys<T.CreateScheduleParams>()(['id', 'workspace', 'userId', 'message', 'cron', 'timezone', 'sessionId', 'enabled', 'deliver']),
  },
  { type: 'Schedule', method: 'post', path: '/schedules', in: 'response', status: 201, fields: SCHEDULE },
  {
    type: 'UpdateScheduleParams',
    method: 'patch',
    path: '/schedules/{scheduleId}',
    in: 'body',
    fields: keys<T.UpdateScheduleParams>()(['workspace', 'userId', 'message', 'cron', 'timezone', 'sessionId', 'enabled', 'deliver']),
  },
  { type: 'Schedule', method: 'patch', path: '/schedules/{scheduleId}', in: 'response', status: 200, fields: SCHEDULE },
  {
    type: 'ScheduleRunAccepted',
    method: 'post',
    path: '/schedules/{scheduleId}/run',
    in: 'response',
    status: 202,
    fields: keys<T.ScheduleRunAccepted>()(['scheduleId', 'runId', 'messageId', 'sessionId', 'status']),
  },
  // API keys
  { type: 'ApiKey', method: 'get', path: '/keys/current', in: 'response', status: 200, fields: API_KEY },
  { type: 'ApiKeyList', method: 'get', path: '/keys', in: 'response', status: 200, fields: keys<T.ApiKeyList>()(['data']) },
  { type: 'ApiKey', method: 'get', path: '/keys', in: 'response', status: 200, at: 'data[]', fields: API_KEY },
  { type: 'ApiKeyCreated', method: 'post', path: '/keys', in: 'response', status: 201, fields: API_KEY_CREATED },
  { type: 'ApiKeyRevoked', method: 'post', path: '/keys/{keyId}/revoke', in: 'response', status: 200, fields: keys<T.ApiKeyRevoked>()(['revoked']) },
  { type: 'ApiKey', method: 'post', path: '/keys/{keyId}/revoke', in: 'response', status: 200, at: 'revoked', fields: API_KEY },
  { type: 'ApiKeyCreated', method: 'post', path: '/keys/{keyId}/rotate', in: 'response', status: 200, fields: API_KEY_CREATED },
  // health
  { type: 'Health', method: 'get', path: '/health', in: 'response', status: 200, fields: keys<T.Health>()(['status', 'version', 'uptime', 'channels', 'redis', 'memoryMB', 'model']) },
  // events
  { type: 'WebhookPayload', method: 'get', path: '/events', in: 'response', status: 200, at: 'data[]', fields: keys<T.WebhookPayload>()(['id', 'event', 'timestamp', 'data']) },
];
