/**
 * One line per Redis state change instead of one per reconnect attempt: "waiting for Redis at
 * redis://…: connection refused; retrying" once, then "Redis at … is reachable" when it is back.
 * Before the gateway is ready the lines are plain text (the person who ran `npm start` reads
 * them); afterwards they are log lines (one warn, one info) for whoever collects the logs.
 */
import type { FastifyBaseLogger } from 'fastify';
import { redactUrl, type RedisTarget } from './redis';

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

/** A short human reason for a connection error (the errno name when there is one). */
export function reasonOf(err: Error & { code?: string }): string {
  if (err.code && REASONS[err.code]) return REASONS[err.code];
  if (/NOAUTH|WRONGPASS|invalid password/i.test(err.message))
    return 'authentication failed (check the password in the URL)';
  return err.message.split('\n')[0];
}

/** An error that only says Redis cannot be reached (reported once by the data client's watch). */
export const isConnectionError = (err: Error & { code?: string }): boolean =>
  (err.code !== undefined && err.code in REASONS) || /Connection is closed|ECONNREFUSED|ETIMEDOUT/.test(err.message);

export class RedisWatch {
  private down: string | null = null;
  /** Plain lines until ready (see the file comment); log lines after. */
  ready = false;

  constructor(
    private readonly url: RedisTarget,
    private readonly log: FastifyBaseLogger,
    private readonly say: (line: string) => void,
  ) {}

  /** A connection error from any client of this gateway: reported only when the reason changes. */
  error(err: Error): void {
    const reason = reasonOf(err);
    if (reason === this.down) return;
    this.down = reason;
    const where = redactUrl(this.url);
    if (this.ready) this.log.warn({ redis: where, reason }, `Redis at ${where} is unreachable: ${reason}; retrying`);
    else this.say(`waiting for Redis at ${where}: ${reason}; retrying`);
  }

  /** The data client is connected again. */
  connected(): void {
    if (this.down === null) return;
    this.down = null;
    const where = redactUrl(this.url);
    if (this.ready) this.log.info({ redis: where }, `Redis at ${where} is reachable again`);
    else this.say(`Redis at ${where} is reachable`);
  }
}
