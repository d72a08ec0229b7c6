/** `client.messages`: send (sync or async), stream, get, wait, resume. */
import type { RequestOptions, Transport } from '../http.js';
import { OpenClawError, makeError, statusOfCode } from '../errors.js';
import { MessageStream } from '../stream.js';
import type { MessageAccepted, MessageInfo, MessageResult, SendMessageParams } from '../types.js';

/** Options of `messages.send` and `messages.stream`. */
export interface SendOptions extends RequestOptions {
  /**
   * `Idempotency-Key`: the same key from the same API key within 24 h returns the first
   * message's result and never runs the agent twice. Generated when retries are on (the default).
   */
  idempotencyKey?: string;
}

/** Options of `messages.wait`. */
export interface WaitOptions extends RequestOptions {
  /** Delay between polls in ms (default 1000). */
  pollIntervalMs?: number;
  /** Give up after this many ms in all (OpenClawError code `timeout`); default: wait as long as it takes. */
  maxWaitMs?: number;
}

/** A random id for `Idempotency-Key` (Web Crypto when present). */
function randomKey(): string {
  const bytes = new Uint8Array(16);
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return `sdk_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** `client.messages`: send (sync or async), stream, get, wait, resume. */
export class Messages {
  /** @internal */
  constructor(
    private readonly http: Transport,
    private readonly defaultRetries: number,
  ) {}

  /** The caller's key, else a new one when retries are on: every attempt of one send carries the same key. */
  private idempotencyKey(opts: SendOptions): string | undefined {
    return opts.idempotencyKey ?? ((opts.maxRetries ?? this.defaultRetries) > 0 ? randomKey() : undefined);
  }

  /**
   * Sends a message and waits for the whole answer (`POST /messages`).
   * With `async: true` it returns at once with `{messageId, sessionId, status}` (202): poll
   * `messages.get(id)` or `messages.wait(id)` for the result.
   *
   * @example
   * ```ts
   * const response = await client.messages.send({ workspace: 'team', userId: 'my-app', message: 'Status?' });
   * console.log(response.response, response.tokensUsed);
   * ```
   */
  send(params: SendMessageParams & { async: true }, opts?: SendOptions): Promise<MessageAccepted>;
  send(params: SendMessageParams & { async?: false }, opts?: SendOptions): Promise<MessageResult>;
  send(
    params: SendMessageParams & { async?: boolean },
    opts: SendOptions = {},
  ): Promise<MessageResult | MessageAccepted> {
    return this.http.json('POST', '/messages', { ...opts, body: params, idempotencyKey: this.idempotencyKey(opts) });
  }

  /**
   * Streams the answer (`POST /messages/stream`, Server-Sent Events). Iterate the result for
   * token strings, or call `.events()` for every typed event (token, tool_use, tool_result, done).
   * The request starts when iteration starts.
   *
   * @example
   * ```ts
   * for await (const token of client.messages.stream({ workspace: 'team', userId: 'my-app', message: 'Write a checklist' })) {
   *   process.stdout.write(token);
   * }
   * ```
   */
  stream(params: SendMessageParams, opts: SendOptions = {}): MessageStream {
    const idempotencyKey = this.idempotencyKey(opts);
    return new MessageStream({
      open: () => this.http.send('POST', '/messages/stream', { ...opts, idempotencyKey, body: params, stream: true }),
      resume: (messageId, lastEventId) => this.openResume(messageId, lastEventId, opts),
    });
  }

  /**
   * Follows a message's events from `GET /messages/{id}/stream`: after `lastEventId` (the
   * `lastEventId` of a dropped {@link MessageStream}), or from the start.
   */
  resume(messageId: string, opts: RequestOptions & { lastEventId?: string | null } = {}): MessageStream {
    const stream = new MessageStream({
      open: () => this.openResume(messageId, opts.lastEventId ?? null, opts),
      resume: (id, lastEventId) => this.openResume(id, lastEventId, opts),
    });
    stream.messageId = messageId;
    return stream;
  }

  private openResume(messageId: string, lastEventId: string | null, opts: RequestOptions): Promise<Response> {
    const headers = { ...(opts.headers ?? {}), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) };
    return this.http.send('GET', `/messages/${encodeURIComponent(messageId)}/stream`, {
      ...opts,
      headers,
      stream: true,
    });
  }

  /** A message's status and, once done, its result (`GET /messages/{messageId}`). */
  get(messageId: string, opts: RequestOptions = {}): Promise<MessageInfo> {
    return this.http.json('GET', `/messages/${encodeURIComponent(messageId)}`, opts);
  }

  /**
   * Polls `messages.get` until the message is done; resolves with it, or throws
   * {@link OpenClawError} with the message's error when it failed (or code `timeout` after `maxWaitMs`).
   */
  async wait(messageId: string, opts: WaitOptions = {}): Promise<MessageInfo> {
    const interval = opts.pollIntervalMs ?? 1000;
    const deadline = opts.maxWaitMs === undefined ? Infinity : Date.now() + opts.maxWaitMs;
    for (;;) {
      const info = await this.get(messageId, opts);
      if (info.status === 'done') return info;
      if (info.status === 'error') {
        const code = info.error?.code ?? 'message_failed';
        throw makeError({
          status: statusOfCode(code),
          code,
          message: info.error?.message ?? `message ${messageId} failed`,
          body: info,
        });
      }
      if (Date.now() >= deadline)
        throw new OpenClawError({
          status: 0,
          code: 'timeout',
          message: `message ${messageId} is still ${info.status} after ${opts.maxWaitMs} ms`,
        });
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}
