/**
 * Whether each configured channel is connected, from real signals (a poll or API call that
 * worked or failed). The truth lives in Redis so every gateway process's /health agrees and an
 * outage is announced once, however many processes notice it:
 *
 *   oc:{chan}:down:<channel> → JSON {reason, since} while the channel is disconnected
 *
 * SET NX opens an outage (the one process that wins emits channel.disconnected); DEL closes it
 * (the one that deleted it emits channel.connected). Each process only touches Redis when its
 * own view changes, so a busy channel costs nothing here.
 */
import type Redis from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { EventBus } from '../events';
import type { ChannelName } from './schema';

const downKey = (channel: ChannelName) => `oc:{chan}:down:${channel}`;

export type ChannelState = 'connected' | 'disconnected';

export class ChannelStatus {
  /** This process's last view of each channel (unset until its first signal). */
  private readonly seen = new Map<ChannelName, ChannelState>();
  readonly channels: ChannelName[];
  /** Serialises the Redis updates of one channel, so events go out in the order signals came. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly events: EventBus,
    private readonly log: FastifyBaseLogger,
    /** Configured channels → their bound workspace (events carry it, scoped subscriptions see them). */
    private readonly bindings: Partial<Record<ChannelName, string>>,
    private readonly now: () => number,
  ) {
    this.channels = Object.keys(bindings) as ChannelName[];
  }

  up(channel: ChannelName): void {
    this.signal(channel, 'connected', null);
  }

  /** `reason` is shown in health logs and the event: never a token (callers pass scrubbed text). */
  down(channel: ChannelName, reason: string): void {
    this.signal(channel, 'disconnected', reason);
  }

  private signal(channel: ChannelName, state: ChannelState, reason: string | null): void {
    if (this.seen.get(channel) === state) return;
    this.seen.set(channel, state);
    this.chain = this.chain
      .then(() => (state === 'connected' ? this.reconnect(channel) : this.disconnect(channel, reason ?? 'unknown')))
      .catch((err: unknown) => {
        // Redis away: forget the view so the next signal tries again.
        this.seen.delete(channel);
        this.log.warn({ channel, err: { message: (err as Error).message } }, 'channel status not recorded');
      });
  }

  private async disconnect(channel: ChannelName, reason: string): Promise<void> {
    const since = new Date(this.now()).toISOString();
    const opened = await this.redis.set(downKey(channel), JSON.stringify({ reason, since }), 'NX');
    if (opened !== 'OK') return;
    this.log.warn({ channel, reason }, 'channel disconnected');
    const workspace = this.bindings[channel] ?? null;
    await this.events.emit('channel.disconnected', workspace, { channel, workspace, reason, since });
  }

  private async reconnect(channel: ChannelName): Promise<void> {
    const raw = await this.redis.getdel(downKey(channel));
    if (!raw) return;
    const { since } = JSON.parse(raw) as { since: string };
    this.log.info({ channel }, 'channel connected again');
    const workspace = this.bindings[channel] ?? null;
    await this.events.emit('channel.connected', workspace, {
      channel,
      workspace,
      since,
      connectedAt: new Date(this.now()).toISOString(),
    });
  }

  /** Resolves once every signal so far reached Redis (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  /** `{telegram: 'connected', …}` for every configured channel; falls back to this process's view without Redis. */
  async snapshot(): Promise<Record<string, ChannelState>> {
    if (!this.channels.length) return {};
    const local = () => this.channels.map((c) => (this.seen.get(c) === 'disconnected' ? 'x' : null));
    let down: Array<string | null>;
    try {
      // Without Redis a health check must still answer at once: this process's own view.
      down = this.redis.status === 'ready' ? await this.redis.mget(this.channels.map(downKey)) : local();
    } catch {
      down = local();
    }
    return Object.fromEntries(this.channels.map((c, i) => [c, down[i] ? 'disconnected' : 'connected']));
  }
}
