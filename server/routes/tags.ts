/** The OpenAPI tags, one per resource: every route's `tags` names one of these. */
export const OPENAPI_TAGS = [
  { name: 'health', description: 'Gateway health (any valid key)' },
  {
    name: 'messages',
    description: 'Send messages to a workspace agent: whole answer, SSE stream, or async with a callbackUrl',
  },
  { name: 'sessions', description: 'Conversations per user and channel, with their history' },
  { name: 'workspaces', description: 'Workspaces: agent preset, skills, allowlist' },
  { name: 'schedules', description: 'Messages sent on a cron schedule' },
  { name: 'stats', description: 'Usage, tokens and cost; Prometheus metrics' },
  { name: 'webhooks', description: 'Outbound webhook subscriptions (REST hooks) and their delivery logs' },
  {
    name: 'events',
    description: 'Recent events as subscriptions receive them; the `webhooks` section describes every payload',
  },
  {
    name: 'keys',
    description: 'API keys: list (masked), create (shown once), revoke, rotate; keys over every workspace only',
  },
];
