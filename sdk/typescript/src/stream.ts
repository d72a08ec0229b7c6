/**
 * MessageStream: what `client.messages.stream()` returns. Iterate it for the answer's text
 * (`for await (const token of stream)`), or call `events()` for every typed event (token,
 * tool_use, tool_result, done). A dropped connection is resumed from the last event id through
 * `GET /messages/{id}/stream` when the message id is known.
 */
import { OpenClawError, headersToObject, makeError, statusOfCode } from './errors.js';
import { parseSse } from './sse.js';
import type { DoneEvent, StreamEvent } from './types.js';

/** @internal Opens the SSE response: the first request, or a resume after `lastEventId`. */
export interface StreamSource {
  open(): Promise<Response>;
  resume?(messageId: string, lastEventId: string | null): Promise<Response>;
  /** How many times a dropped connection is resumed (default 3). */
  maxResumes?: number;
}

/** The message id a stream response announces in its headers, if any. */
function messageIdOf(res: Response): string | null {
  return res.headers.get('x-message-id') ?? res.headers.get('x-openclaw-message-id');
}

/**
 * A streamed reply. Consume it once: either iterate it (token strings) or iterate `events()`.
 *
 * @example
 * ```ts
 * for await (const token of client.messages.stream({ workspace: 'team', userId: 'me', message: 'hi' })) {
 *   process.stdout.write(token);
 * }
 * const stream = client.messages.stream({ workspace: 'team', userId: 'me', message: 'hi' });
 * for await (const event of stream.events()) {
 *   if (event.type === 'tool_use') console.log('calling', event.tool, event.input);
 * }
 * ```
 */
export class MessageStream implements AsyncIterable<string> {
  /** The message id, once known (from the response headers or the `done` event). */
  messageId: string | null = null;
  /** The SSE id of the last event received: pass it as `lastEventId` to `messages.resume()`. */
  lastEventId: string | null = null;
  /** Lower-case headers of the (first) response, once it arrived: `x-request-id`, rate limits. */
  headers: Record<string, string> = {};
  /** The `done` event, once received. */
  done: DoneEvent | null = null;
  private consumed = false;

  /** @internal */
  constructor(private readonly source: StreamSource) {}

  /** Every event of the stream, typed. Throws {@link OpenClawError} on an `error` event. */
  events(): AsyncIterableIterator<StreamEvent> {
    if (this.consumed) throw new TypeError('MessageStream: a stream can be consumed only once');
    this.consumed = true;
    return this.run();
  }

  /**
   * The answer's text, piece by piece (the `token` events' content). Tokens already yielded
   * cannot be taken back: when a worker dies mid-answer the gateway starts the answer again
   * (a `restart` event, seen through `events()`); `final()` handles that for you.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for await (const event of this.events()) if (event.type === 'token') yield event.content;
  }

  /** Reads the whole stream; resolves with the full text and the `done` event. */
  async final(): Promise<{ text: string; done: DoneEvent }> {
    let text = '';
    for await (const event of this.events()) {
      if (event.type === 'token') text += event.content;
      else if (event.type === 'restart') text = ''; // a new attempt: what came before is void
    }
    return { text, done: this.done! };
  }

  private async *run(): AsyncGenerator<StreamEvent> {
    let res = await this.source.open();
    this.headers = headersToObject(res.headers);
    let resumes = 0;
    for (;;) {
      this.messageId = this.messageId ?? messageIdOf(res);
      let interruption: unknown = null;
      try {
        for await (const sse of parseSse(res.body!)) {
          if (sse.id !== undefined) this.lastEventId = sse.id;
          let event: StreamEvent;
          try {
            event = JSON.parse(sse.data) as StreamEvent;
          } catch (cause) {
            throw new OpenClawError({
              status: res.status,
              code: 'invalid_response',
              message: `not a JSON event: ${sse.data.slice(0, 200)}`,
              headers: this.headers,
              cause,
            });
          }
          // A gateway that stops ends open streams with `shutting_down`: resume from the last event (another instance answers).
          if (event.type === 'error' && event.code === 'shutting_down' && this.source.resume) {
            this.messageId ??= event.messageId ?? null;
            interruption = makeError({
              status: 503,
              code: event.code,
              message: event.message,
              headers: this.headers,
              body: event,
            });
            break;
          }
          if (event.type === 'error') {
            throw makeError({
              status: statusOfCode(event.code),
              code: event.code,
              message: event.message,
              headers: this.headers,
              body: event,
            });
          }
          yield event;
          if (event.type === 'done') {
            this.done = event;
            this.messageId = event.messageId;
            return;
          }
        }
      } catch (err) {
        if (err instanceof OpenClawError) throw err;
        interruption = err;
      }
      // The body ended (or broke) before `done`: resume from the last event when possible.
      const maxResumes = this.source.maxResumes ?? 3;
      if (!this.source.resume || !this.messageId || resumes >= maxResumes) {
        throw makeError({
          status: 0,
          code: 'stream_interrupted',
          message: `the stream ended before its done event${this.messageId ? ` (message ${this.messageId})` : ''}`,
          headers: this.headers,
          cause: interruption ?? undefined,
        });
      }
      resumes++;
      res = await this.source.resume(this.messageId, this.lastEventId);
    }
  }
}
