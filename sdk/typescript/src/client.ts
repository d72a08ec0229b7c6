/** The OpenClaw client: one object with a namespace per API resource. */
import { DEFAULT_MAX_RETRIES, Transport, type ClientOptions, type RequestOptions } from './http.js';
import { Messages } from './resources/messages.js';
import { Sessions } from './resources/sessions.js';
import { Workspaces } from './resources/workspaces.js';
import { Stats } from './resources/stats.js';
import { Webhooks } from './resources/webhooks.js';
import { Schedules } from './resources/schedules.js';
import type { Health } from './types.js';

/**
 * Client of the OpenClaw gateway REST API.
 *
 * @example
 * ```ts
 * import { OpenClaw } from '@openclaw/api-client';
 *
 * const client = new OpenClaw(); // OPENCLAW_BASE_URL (or OPENCLAW_URL) and OPENCLAW_API_KEY
 * const response = await client.messages.send({ workspace: 'team', userId: 'my-app', message: 'Hello' });
 * console.log(response.response);
 * ```
 */
export class OpenClaw {
  /** Send, stream and look up messages. */
  readonly messages: Messages;
  /** List, read and clear sessions. */
  readonly sessions: Sessions;
  /** List, create and change workspaces. */
  readonly workspaces: Workspaces;
  /** Usage statistics. */
  readonly stats: Stats;
  /** Outbound webhook subscriptions and their deliveries. */
  readonly webhooks: Webhooks;
  /** Cron-driven messages. */
  readonly schedules: Schedules;
  private readonly http: Transport;

  /**
   * @param options every option may be left out: `baseUrl` defaults to `OPENCLAW_BASE_URL` (or
   * `OPENCLAW_URL`), `apiKey` to `OPENCLAW_API_KEY`, retries to 2.
   */
  constructor(options: ClientOptions = {}) {
    this.http = new Transport(options);
    this.messages = new Messages(this.http, options.maxRetries ?? DEFAULT_MAX_RETRIES);
    this.sessions = new Sessions(this.http);
    this.workspaces = new Workspaces(this.http);
    this.stats = new Stats(this.http);
    this.webhooks = new Webhooks(this.http);
    this.schedules = new Schedules(this.http);
  }

  /** The gateway's health (`GET /health`). */
  health(opts: RequestOptions = {}): Promise<Health> {
    return this.http.json('GET', '/health', opts);
  }
}
