/**
 * A fake Slack: the Web API (`POST /api/<method>`, form-encoded or JSON arguments, the token as
 * `Authorization: Bearer`, answers `{"ok":true,…}` or `{"ok":false,"error":"invalid_auth"}`) for
 * auth.test and chat.postMessage, and a sender of Events API deliveries the way Slack signs them:
 * `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">`,
 * retries carrying `X-Slack-Retry-Num` / `X-Slack-Retry-Reason`.
 *
 *   const slack = await startFakeSlack();
 *   slack.failNext('chat.postMessage', { status: 500 });      // the next post fails once
 *   await slackDeliver(gatewayUrl, SECRET, slackMessageEvent({ user: 'U1', text: 'hi' }));
 */
import { createHmac } from 'node:crypto';
import { startFakeServer, sendJson, type FakeServer } from './http';

export interface SlackPost {
  channel: string;
  text: string;
  thread_ts?: string;
}

type Failure = { status: number } | { error: string };

export interface FakeSlack extends FakeServer {
  /** The Web API base (`slackApiUrl` / channels.slack.apiUrl), ending in `/`. */
  apiUrl: string;
  token: string;
  /** chat.postMessage calls, in order. */
  posts(): SlackPost[];
  /** The next call of `method` fails: an HTTP status, or `{ok:false, error}`. */
  failNext(method: string, failure: Failure): void;
}

export const SLACK_BOT_USER = 'U0BOTUSER';

export async function startFakeSlack(opts: { token?: string } = {}): Promise<FakeSlack> {
  const token = opts.token ?? 'xoxb-0000000000-fake-token-for-tests';
  const failures: Array<{ method: string; failure: Failure }> = [];
  let ts = 1700000000;
  const args = (body: unknown): Record<string, string> =>
    typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : ((body ?? {}) as Record<string, string>);

  const server = await startFakeServer((req, res) => {
    const method = req.path.replace(/^\/api\//, '');
    if (req.headers.authorization !== `Bearer ${token}`)
      return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
    const i = failures.findIndex((f) => f.method === method);
    if (i >= 0) {
      const [{ failure }] = failures.splice(i, 1);
      if ('status' in failure) return sendJson(res, failure.status, { ok: false, error: 'fatal_error' });
      return sendJson(res, 200, { ok: false, error: failure.error });
    }
    const a = args(req.body);
    switch (method) {
      case 'auth.test':
        return sendJson(res, 200, {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake Team',
          user: 'openclaw',
          team_id: 'T0FAKE',
          user_id: SLACK_BOT_USER,
          bot_id: 'B0FAKE',
          is_enterprise_install: false,
        });
      case 'chat.postMessage': {
        if (!a.channel) return sendJson(res, 200, { ok: false, error: 'channel_not_found' });
        const at = `${ts++}.000100`;
        return sendJson(res, 200, {
          ok: true,
          channel: a.channel,
          ts: at,
          message: {
            type: 'message',
            user: SLACK_BOT_USER,
            text: a.text,
            ts: at,
            ...(a.thread_ts ? { thread_ts: a.thread_ts } : {}),
          },
        });
      }
      default:
        return sendJson(res, 200, { ok: false, error: 'unknown_method' });
    }
  });
  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    token,
    posts: () =>
      server.requests
        .filter((r) => r.path === '/api/chat.postMessage')
        .map((r) => args(r.body))
        .map((a) => ({ channel: a.channel, text: a.text, ...(a.thread_ts ? { thread_ts: a.thread_ts } : {}) })),
    failNext(method, failure) {
      failures.push({ method, failure });
    },
  };
}

let eventSeq = 0;

/** An Events API `event_callback` envelope carrying a message (a DM by default). */
export function slackMessageEvent(e: {
  user: string;
  text: string;
  channel?: string;
  channelType?: 'im' | 'channel';
  type?: 'message' | 'app_mention';
  threadTs?: string;
  eventId?: string;
}) {
  const ts = `${1700000000 + ++eventSeq}.000200`;
  return {
    token: 'legacy-verification-token-unused',
    team_id: 'T0FAKE',
    api_app_id: 'A0FAKE',
    event: {
      type: e.type ?? 'message',
      channel: e.channel ?? 'D0DIRECT',
      user: e.user,
      text: e.text,
      ts,
      event_ts: ts,
      channel_type: e.channelType ?? 'im',
      ...(e.threadTs ? { thread_ts: e.threadTs } : {}),
    },
    type: 'event_callback',
    event_id: e.eventId ?? `Ev${String(eventSeq).padStart(8, '0')}`,
    event_time: 1700000000 + eventSeq,
    authorizations: [{ team_id: 'T0FAKE', user_id: SLACK_BOT_USER, is_bot: true }],
  };
}

/** Slack's signature of a delivery. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POSTs a delivery to the gateway as Slack does; `retryNum` adds Slack's retry headers. */
export async function slackDeliver(
  gatewayUrl: string,
  secret: string,
  envelope: unknown,
  o: { retryNum?: number; timestamp?: number; signature?: string } = {},
): Promise<{ status: number; body: any; ms: number }> {
  const body = JSON.stringify(envelope);
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': o.signature ?? slackSignature(secret, timestamp, body),
  };
  if (o.retryNum)
    Object.assign(headers, { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': 'http_timeout' });
  const started = Date.now();
  const res = await fetch(`${gatewayUrl}/channels/slack/events`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, ms: Date.now() - started };
}
