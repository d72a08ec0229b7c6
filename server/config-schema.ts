/**
 * The schema of openclaw.json. One TypeBox schema gives both the validator (ajv, with
 * defaults filled in) and the static Config type. Every option is documented in README.md.
 */
import { DEFAULT_RETRY_SCHEDULE_MS } from './webhooks/backoff';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ChannelsConfigSchema, DeliverSchema } from './channels/schema';

const Int = (min: number, opts: Record<string, unknown> = {}) => Type.Integer({ minimum: min, ...opts });
const Obj = <T extends Record<string, TSchema>>(props: T, opts: Record<string, unknown> = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

export const PERMISSIONS = [
  'messages:write',
  'messages:read',
  'sessions:read',
  'sessions:delete',
  'workspaces:read',
  'workspaces:write',
  'stats:read',
  'webhooks:read',
  'webhooks:write',
  'schedules:read',
  'schedules:write',
  'keys:read',
  'keys:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Permissions a key has when its `permissions` are not given: the contract's seven. */
export const DEFAULT_PERMISSIONS: Permission[] = [
  'messages:write',
  'messages:read',
  'sessions:read',
  'sessions:delete',
  'workspaces:read',
  'workspaces:write',
  'stats:read',
];

/** Managing API keys is an operator's job: only keys over every workspace (`*`) may hold these. */
export const KEY_ADMIN_PERMISSIONS: readonly Permission[] = ['keys:read', 'keys:write'];

/** pino's levels; `LOG_LEVEL` overrides logging.level. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A workspace id, or `*` (every workspace) where a key's scope is given. */
export const WORKSPACE_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,62}$';

export const KeyConfigSchema = Obj({
  key: Type.String({ minLength: 16, maxLength: 512, pattern: '^[\\x21-\\x7e]+$' }),
  label: Type.String({ minLength: 1, maxLength: 200 }),
  // An empty list would read as "nothing", so it is refused rather than taken as a default.
  workspaces: Type.Array(Type.String({ pattern: '^(\\*|[a-z0-9][a-z0-9_-]{0,62})$' }), { default: ['*'], minItems: 1 }),
  permissions: Type.Optional(
    Type.Array(Type.Unsafe<Permission>({ type: 'string', enum: [...PERMISSIONS] }), { minItems: 1 }),
  ),
  rateLimit: Type.Optional(Int(0)),
});

export const WorkspaceConfigSchema = Obj({
  id: Type.String({ pattern: WORKSPACE_ID_PATTERN }),
  label: Type.Optional(Type.String({ maxLength: 200 })),
  agent: Type.String({ default: 'balanced' }),
  skills: Type.Array(Type.String(), { default: [] }),
  allowlist: Type.Array(Type.String(), { default: [] }),
});

export const AgentPresetSchema = Obj({
  model: Type.Optional(Type.String({ minLength: 1 })),
  systemPrompt: Type.Optional(Type.String()),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
  maxToolSteps: Type.Optional(Int(0, { maximum: 50 })),
  maxTokens: Type.Optional(Int(1)),
});

/** Retry and timeout defaults of a provider (also used for providers chosen by environment variables). */
export const PROVIDER_DEFAULTS = { timeoutMs: 60000, retries: 2, retryBaseDelayMs: 500 } as const;

export const ProviderConfigSchema = Obj({
  type: Type.Union([Type.Literal('openai-compatible'), Type.Literal('anthropic'), Type.Literal('offline')]),
  /** Default: https://api.openai.com/v1 (openai-compatible), https://api.anthropic.com/v1 (anthropic). */
  baseUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
  apiKey: Type.Optional(Type.String()),
  /** Model names (`*` wildcards allowed) this provider serves; the first provider whose list matches, else the first without a list, serves a model. */
  models: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  /** Per request: time to the response headers, and the longest silence while streaming. */
  timeoutMs: Int(1, { default: PROVIDER_DEFAULTS.timeoutMs }),
  /** Extra attempts after a 408/429/5xx/529, a timeout or a connection error (before any output). */
  retries: Int(0, { default: PROVIDER_DEFAULTS.retries, maximum: 10 }),
  /** Backoff: base × 2^attempt (with jitter); a Retry-After header (≤ 30 s) wins. */
  retryBaseDelayMs: Int(0, { default: PROVIDER_DEFAULTS.retryBaseDelayMs }),
});

export const OutboundWebhookSchema = Obj({
  url: Type.String({ pattern: '^https?://', maxLength: 2048 }),
  secret: Type.String({ minLength: 1 }),
  events: Type.Array(Type.String(), { minItems: 1 }),
  workspaces: Type.Optional(Type.Array(Type.String())),
  description: Type.Optional(Type.String()),
  /** Retries after the first attempt: the first N steps of webhooks.retrySchedule; default webhooks.retries. */
  retries: Type.Optional(Int(0, { maximum: 20 })),
  timeoutMs: Int(1, { default: 5000, maximum: 120000 }),
});

/** A schedule declared in openclaw.json: read-only through the API (docs/schedules.md). */
export const ScheduleConfigSchema = Obj({
  id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', description: 'Letters, digits, - and _' }),
  workspace: Type.String({ minLength: 1, description: 'An existing workspace' }),
  userId: Type.String({ minLength: 1, maxLength: 256 }),
  message: Type.String({ minLength: 1, description: 'What the agent is asked at every tick' }),
  cron: Type.String({ minLength: 1, description: '5 fields, or 6 with leading seconds; checked at start' }),
  timezone: Type.String({ default: 'UTC', description: 'IANA time zone the cron is read in' }),
  sessionId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$' })),
  enabled: Type.Boolean({ default: true }),
  /** Post each answer to a chat channel too (docs/channels.md). */
  deliver: Type.Optional(DeliverSchema),
});

export const ConfigSchema = Obj({
  /** Where editors find this schema (`openclaw config schema`); ignored by the gateway. */
  $schema: Type.Optional(Type.String()),
  api: Obj(
    {
      enabled: Type.Boolean({ default: true }),
      port: Int(0, { maximum: 65535, default: 3000 }),
      /** Local only by default; HOST overrides (0.0.0.0 in a container). */
      host: Type.String({ default: '127.0.0.1' }),
      prefix: Type.String({
        pattern: '^(/[A-Za-z0-9._~-]+)+$',
        default: '/api/v1',
        description: 'e.g. /api/v1: starts with /, no trailing /',
      }),
      authentication: Type.Literal('bearer', { default: 'bearer' }),
      cors: Type.Optional(
        Obj({
          origins: Type.Array(Type.String()),
          methods: Type.Array(Type.String(), { default: ['GET', 'POST', 'PATCH', 'DELETE'] }),
        }),
      ),
      keys: Type.Array(KeyConfigSchema, { default: [] }),
      defaultRateLimit: Int(0, { default: 600 }),
      bodyLimitBytes: Int(1024, { default: 1048576 }),
    },
    { default: {} },
  ),
  redis: Obj(
    {
      url: Type.Optional(Type.String({ pattern: '^rediss?://' })),
      /** The embedded redis-server's memory limit: bytes with an optional unit (kb, mb, gb) or a percentage of RAM. Writes beyond it are refused (noeviction): 503. */
      maxmemory: Type.String({ pattern: '^([1-9][0-9]*(b|kb|mb|gb)?|([1-9]|[1-9][0-9])%)$', default: '25%' }),
      /** A Redis Cluster instead of one Redis (docs/deploy.md): seed nodes `host:port`; REDIS_CLUSTER_NODES overrides. */
      cluster: Type.Optional(
        Obj({
          nodes: Type.Array(Type.String({ pattern: '^\\S+:[0-9]{1,5}$' }), { minItems: 1 }),
          username: Type.Optional(Type.String()),
          /** Also REDIS_CLUSTER_PASSWORD, which keeps it out of the file. */
          password: Type.Optional(Type.String()),
          tls: Type.Optional(
            Type.Union([
              Type.Boolean(),
              Obj({
                caFile: Type.Optional(Type.String()),
                servername: Type.Optional(Type.String()),
                rejectUnauthorized: Type.Optional(Type.Boolean()),
              }),
            ]),
          ),
        }),
      ),
    },
    { default: {} },
  ),
  stateDir: Type.Optional(Type.String()),
  logging: Obj(
    { level: Type.Unsafe<string>({ type: 'string', enum: [...LOG_LEVELS], default: 'info' }) },
    { default: {} },
  ),
  workspaces: Type.Array(WorkspaceConfigSchema, { default: [] }),
  agents: Type.Record(Type.String(), AgentPresetSchema, { default: {} }),
  model: Type.Optional(Type.String()),
  providers: Type.Record(Type.String(), ProviderConfigSchema, { default: {} }),
  tools: Obj(
    {
      /** baseUrl: https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server; repo: the default owner/name. */
      github: Obj(
        {
          token: Type.Optional(Type.String()),
          baseUrl: Type.String({ pattern: '^https?://', default: 'https://api.github.com' }),
          repo: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' })),
        },
        { default: {} },
      ),
      /** A SearXNG instance with `json` enabled in search.formats (settings.yml). */
      webSearch: Obj(
        {
          url: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8888' }),
          maxResults: Int(1, { default: 5, maximum: 20 }),
        },
        { default: {} },
      ),
      timeoutMs: Int(1, { default: 15000 }),
    },
    { default: {} },
  ),
  messages: Obj(
    {
      maxChars: Int(1, { default: 32000 }),
      retentionHours: Int(1, { default: 24 }),
      timeoutMs: Int(1000, { default: 300000 }),
      /** SSE heartbeat comment interval. */
      heartbeatMs: Int(10, { default: 15000 }),
      /** Dedicated Redis connections per process that follow message event streams (blocking XREAD). */
      followerConnections: Int(1, { default: 2, maximum: 64 }),
      /** Unsent SSE bytes per connection at which the gateway stops feeding it until it drains (docs/messages.md). */
      streamBufferBytes: Int(16384, { default: 262144 }),
      /** A stream whose client read nothing of its buffer for this long is closed (it resumes with Last-Event-ID). */
      stalledStreamMs: Int(1000, { default: 60000 }),
    },
    { default: {} },
  ),
  /** SIGTERM/SIGINT: how long open streams, waiting requests and running jobs get to finish (docs/messages.md). */
  shutdown: Obj({ graceMs: Int(0, { default: 30000 }) }, { default: {} }),
  sessions: Obj({ idleMinutes: Int(1, { default: 60 }), historyLimit: Int(0, { default: 20 }) }, { default: {} }),
  workers: Obj({ enabled: Type.Boolean({ default: true }), concurrency: Int(1, { default: 64 }) }, { default: {} }),
  webhooks: Obj(
    {
      outbound: Type.Array(OutboundWebhookSchema, { default: [] }),
      disableAfter: Int(1, { default: 50 }),
      retentionDays: Int(1, { default: 14 }),
      /** Delays (ms) before retry 1, 2, …; the last one repeats. Default: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
      retrySchedule: Type.Array(Int(0), { minItems: 1, maxItems: 20, default: [...DEFAULT_RETRY_SCHEDULE_MS] }),
      /** Cap on one retry delay, Retry-After included. */
      maxDelayMs: Int(1, { default: 36000000 }),
      /** Default retries for subscriptions that do not set theirs: the whole default schedule. */
      retries: Int(0, { default: 7, maximum: 20 }),
      /** Per-subscription circuit breaker (docs/webhooks.md). */
      circuitBreaker: Obj(
        {
          /** Failed attempts in a row (any of its deliveries) that open the circuit; 0 turns the breaker off. */
          failureThreshold: Int(0, { default: 10 }),
          /** While open, one delivery probes the receiver this often; the others wait. */
          probeIntervalMs: Int(100, { default: 60000 }),
        },
        { default: {} },
      ),
      /** How often each webhooks worker re-queues deliveries recorded without a job (a crash or a Redis error in between). */
      repairIntervalMs: Int(100, { default: 60000 }),
      timeoutMs: Int(1, { default: 5000, maximum: 120000 }),
      concurrency: Int(1, { default: 32 }),
      /** Hosts (names, IPs, CIDR ranges) any subscription may reach even on a private or loopback address (docs/security.md). */
      allowedHosts: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { default: [] }),
      /** Legacy: `false` = no subscription may reach private networks (operators and config included) unless in allowedHosts; `true` = the default policy. */
      allowPrivateNetworks: Type.Optional(Type.Boolean()),
    },
    { default: {} },
  ),
  pricing: Type.Record(
    Type.String({ description: 'Model name as providers report it' }),
    Obj({
      input: Type.Number({ minimum: 0, description: 'USD per 1M input tokens' }),
      output: Type.Number({ minimum: 0, description: 'USD per 1M output tokens' }),
    }),
    { default: {}, description: 'Overrides and extends the built-in price table (docs/stats.md)' },
  ),
  metrics: Obj(
    {
      port: Type.Optional(
        Int(0, { maximum: 65535, description: 'Serve GET /metrics without a key on this port (0: any free port)' }),
      ),
      host: Type.Optional(Type.String({ description: 'Interface for metrics.port; default api.host' })),
    },
    { default: {} },
  ),
  schedules: Type.Array(ScheduleConfigSchema, { default: [] }),
  /** Telegram, Slack, WhatsApp (docs/channels.md). */
  channels: ChannelsConfigSchema,
  /** Per-tenant caps (docs/security.md): what one key or workspace may hold at once. */
  limits: Obj(
    {
      /** API webhook subscriptions per workspace (a subscription counts toward every workspace it covers; `*` is one bucket). */
      subscriptionsPerWorkspace: Int(1, { default: 50 }),
      /** API schedules per workspace. */
      schedulesPerWorkspace: Int(1, { default: 100 }),
      /** The shortest gap between two ticks of an API schedule, in seconds (60: at most once a minute). */
      scheduleMinIntervalSeconds: Int(1, { default: 60 }),
      /** Open SSE streams per API key, counted across every gateway process (0: no cap). */
      streamsPerKey: Int(0, { default: 20 }),
    },
    { default: {} },
  ),
});

export type Config = Static<typeof ConfigSchema>;
export type KeyConfig = Static<typeof KeyConfigSchema>;
export type WorkspaceConfig = Static<typeof WorkspaceConfigSchema>;
export type AgentPreset = Static<typeof AgentPresetSchema>;
export type ProviderConfig = Static<typeof ProviderConfigSchema>;
export type OutboundWebhookConfig = Static<typeof OutboundWebhookSchema>;
export type ScheduleConfig = Static<typeof ScheduleConfigSchema>;
