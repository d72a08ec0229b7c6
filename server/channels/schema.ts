/**
 * The `channels` section of openclaw.json (docs/channels.md). Each platform is optional; a
 * configured one is bound to one workspace, whose allowlist decides who reaches the agent.
 * Secrets come through `${VAR}` like the rest of the config.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Obj = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });
const Secret = (what: string) => Type.String({ minLength: 1, description: `${what}; give it as \${VAR}` });
const Url = (dflt: string) => Type.String({ pattern: '^https?://', default: dflt });
const Workspace = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
  description: 'The workspace whose agent and allowlist this channel uses',
});
/** How often a channel without a live connection (webhook modes, Slack, WhatsApp) checks its credentials. */
const ProbeMs = Type.Integer({ minimum: 100, default: 60000 });

export const TelegramConfigSchema = Obj({
  botToken: Secret('Bot token from @BotFather'),
  workspace: Workspace,
  mode: Type.Union([Type.Literal('polling'), Type.Literal('webhook')], { default: 'polling' }),
  /** webhook mode: the value Telegram sends in X-Telegram-Bot-Api-Secret-Token (setWebhook secret_token). */
  webhookSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$' })),
  apiRoot: Url('https://api.telegram.org'),
  probeIntervalMs: ProbeMs,
});

export const SlackConfigSchema = Obj({
  botToken: Secret('Bot User OAuth Token (xoxb-…)'),
  signingSecret: Secret('Signing Secret of the Slack app'),
  workspace: Workspace,
  apiUrl: Url('https://slack.com/api/'),
  probeIntervalMs: ProbeMs,
});

export const WhatsAppConfigSchema = Obj({
  accessToken: Secret('System user access token of the WhatsApp Business app'),
  phoneNumberId: Type.String({ pattern: '^[0-9]{1,32}$' }),
  verifyToken: Secret('Any string; the same one typed into the webhook setup'),
  appSecret: Secret('App Secret of the Meta app (signs webhook deliveries)'),
  workspace: Workspace,
  graphUrl: Url('https://graph.facebook.com/v21.0'),
  probeIntervalMs: ProbeMs,
});

export const ChannelsConfigSchema = Type.Object(
  {
    telegram: Type.Optional(TelegramConfigSchema),
    slack: Type.Optional(SlackConfigSchema),
    whatsapp: Type.Optional(WhatsAppConfigSchema),
  },
  { additionalProperties: false, default: {} },
);

export type TelegramConfig = Static<typeof TelegramConfigSchema>;
export type SlackConfig = Static<typeof SlackConfigSchema>;
export type WhatsAppConfig = Static<typeof WhatsAppConfigSchema>;
export type ChannelsConfig = Static<typeof ChannelsConfigSchema>;
export const CHANNEL_NAMES = ['telegram', 'slack', 'whatsapp'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** Where a schedule's answer goes: `{"channel": "slack", "to": "#standup"}`. */
export const DeliverSchema = Type.Object(
  {
    channel: Type.Unsafe<ChannelName>({ type: 'string', enum: [...CHANNEL_NAMES] }),
    to: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'Slack channel (#name or id), Telegram chat id, WhatsApp number',
    }),
  },
  { additionalProperties: false },
);
export type Deliver = Static<typeof DeliverSchema>;

/** What a schedule run shows about its delivery. */
export interface RunDelivery extends Deliver {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  deliveredAt: string | null;
  error: { code: string; message: string } | null;
}
