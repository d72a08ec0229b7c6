/**
 * Telegram through grammY: long polling (`getUpdates`, the default, works behind NAT) or the
 * webhook route (routes.ts hands updates to handleUpdate). Every Bot API call passes one API
 * transformer that reports the channel's health: a call that worked → connected, a network
 * failure or a refused token (401, or 404 for a token Telegram does not know) → disconnected.
 */
import { Bot, GrammyError, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { FastifyBaseLogger } from 'fastify';
import type { TelegramConfig } from './schema';
import type { ChannelStatus } from './status';
import { ChannelSendError, type ChannelAdapter, type InboundMessage, type ReplyTarget } from './types';
import { scrubber } from './text';
import { RENEW_MS, type PollerLease } from './lease';

/** Telegram's limit for one text message. */
export const TELEGRAM_MAX_CHARS = 4096;
/** Seconds one getUpdates call waits for news (Telegram's long polling). */
const POLL_TIMEOUT_S = 25;
/**
 * While disconnected, getMe every few seconds: a long poll that reaches Telegram again only
 * answers after POLL_TIMEOUT_S, and health should not wait that long to say it is back.
 */
const RECOVERY_PROBE_MS = 3000;

/** Chat ids are numbers (up to 52 bits); `@channelname` is also accepted by the Bot API. */
const chatIdOf = (to: ReplyTarget): number | string => (/^-?\d{1,16}$/.test(to.chatId) ? Number(to.chatId) : to.chatId);

type Receive = (m: InboundMessage) => Promise<unknown>;

/** A refused token: Telegram answers 401 Unauthorized, or 404 when the token names no bot. */
const isAuthFailure = (code: number | undefined) => code === 401 || code === 404;

export class TelegramChannel implements ChannelAdapter {
  readonly name = 'telegram' as const;
  readonly maxChars = TELEGRAM_MAX_CHARS;
  private readonly bot: Bot;
  private readonly scrub: (t: string) => string;
  private stopping = false;
  private polling: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private recovery: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: TelegramConfig,
    private readonly status: ChannelStatus,
    private readonly log: FastifyBaseLogger,
    receive: Receive,
    /** Polling: only the process holding it polls (Telegram refuses two pollers of one bot). */
    private readonly lease: PollerLease,
  ) {
    this.scrub = scrubber([config.botToken, config.webhookSecret]);
    // A call gives up after 45 s (getUpdates holds 25 s of them); grammY's default is 500 s.
    this.bot = new Bot(config.botToken, {
      client: { apiRoot: config.apiRoot.replace(/\/+$/, ''), timeoutSeconds: 45 },
    });
    this.bot.api.config.use(async (prev, method, payload, signal) => {
      try {
        const res = await prev(method, payload, signal);
        if (res.ok) this.connected();
        else if (isAuthFailure(res.error_code))
          this.disconnected(`Telegram refused the bot token (${res.error_code} ${res.description})`);
        return res;
      } catch (err) {
        if (!this.stopping) this.disconnected(`cannot reach the Telegram Bot API: ${this.describe(err)}`);
        throw err;
      }
    });
    this.bot.on('message:text', async (c: Context) => {
      const m = c.message!;
      if (!m.from || m.from.is_bot) return;
      await receive({
        channel: 'telegram',
        senderId: String(m.from.id),
        text: m.text!,
        to: { chatId: String(m.chat.id) },
        deliveryId: String(c.update.update_id),
      });
    });
    this.bot.catch((err) =>
      this.log.error(
        { channel: 'telegram', updateId: err.ctx.update.update_id, err: { message: this.describe(err.error) } },
        'telegram update not handled',
      ),
    );
  }

  private connected(): void {
    this.status.up('telegram');
    if (this.recovery) clearInterval(this.recovery);
    this.recovery = null;
  }

  private disconnected(reason: string): void {
    this.status.down('telegram', reason);
    if (this.recovery || this.stopping) return;
    this.recovery = setInterval(() => void this.bot.api.getMe().catch(() => undefined), RECOVERY_PROBE_MS);
    this.recovery.unref();
  }

  private describe(err: unknown): string {
    return this.scrub(err instanceof Error ? err.message : String(err));
  }

  /** Webhook mode: an update whose secret header was checked (routes.ts). */
  async handleUpdate(update: Update): Promise<void> {
    if (!this.bot.isInited()) await this.bot.init();
    await this.bot.handleUpdate(update);
  }

  async probe(): Promise<void> {
    try {
      await this.bot.api.getMe();
    } catch (err) {
      throw this.sendError(err);
    }
  }

  start(): Promise<void> {
    if (this.config.mode === 'polling') this.polling = this.pollForever();
    return Promise.resolve();
  }

  /**
   * grammY's polling loop retries network failures itself (every few seconds) and gives up on a
   * refused token; then this waits probeIntervalMs and starts it again, so a replaced token or a
   * Telegram outage heals without a restart. Polls only while this process holds the lease.
   */
  private async pollForever(): Promise<void> {
    while (!this.stopping) {
      if (!(await this.lease.hold())) {
        await this.pause(RENEW_MS); // another process polls; take over if it goes away
        continue;
      }
      const renew = setInterval(() => {
        void this.lease.hold().then((held) => {
          if (held || !this.bot.isRunning()) return;
          this.log.warn(
            { channel: 'telegram' },
            'telegram polling lease lost to another process; this one stops polling',
          );
          void this.bot.stop().catch(() => undefined);
        });
      }, RENEW_MS);
      try {
        await this.bot.start({ allowed_updates: ['message'], timeout: POLL_TIMEOUT_S, drop_pending_updates: false });
      } catch (err) {
        if (this.stopping) return;
        this.log.warn(
          { channel: 'telegram', err: { message: this.describe(err) } },
          'telegram polling stopped; trying again later',
        );
        await this.pause(this.config.probeIntervalMs);
      } finally {
        clearInterval(renew);
      }
    }
  }

  /** Waits ms, or until stop(). */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (this.recovery) clearInterval(this.recovery);
    if (this.bot.isRunning()) await this.bot.stop().catch(() => undefined);
    // grammY's loop ends after its current pause (at most 3 s); shutdown does not wait for that.
    await Promise.race([this.polling, new Promise((r) => setTimeout(r, 1000).unref())]);
    if (this.polling) await this.lease.release();
  }

  async sendPart(to: ReplyTarget, text: string): Promise<void> {
    try {
      await this.bot.api.sendMessage(chatIdOf(to), text);
    } catch (err) {
      throw this.sendError(err);
    }
  }

  async typing(to: ReplyTarget): Promise<void> {
    await this.bot.api.sendChatAction(chatIdOf(to), 'typing');
  }

  private sendError(err: unknown): ChannelSendError {
    if (err instanceof GrammyError) {
      const kind = isAuthFailure(err.error_code)
        ? 'auth'
        : err.error_code === 429 || err.error_code >= 500
          ? 'busy'
          : 'rejected';
      return new ChannelSendError(this.scrub(`Telegram ${err.method}: ${err.error_code} ${err.description}`), kind);
    }
    return new ChannelSendError(`Telegram: ${this.describe(err)}`, 'network');
  }
}
