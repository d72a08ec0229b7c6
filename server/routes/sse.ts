/**
 * Writes a message's events to an SSE response (docs/messages.md, "Streaming"):
 * - backpressure: once the connection holds `messages.streamBufferBytes` unsent, the follower is
 *   paused (the Redis stream keeps the events) until the socket drains; a client that reads
 *   nothing for `messages.stalledStreamMs` is disconnected (it resumes with Last-Event-ID);
 * - graceful stop: the stream counts as in-flight work; if it is still open when the grace
 *   period ends, it ends with a `shutting_down` error carrying what a client needs to resume.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayContext } from '../context';
import { overheadHeaders } from '../metrics/overhead';

export interface RelayOptions {
  messageId: string;
  /** Stream entry id to start after ('0': from the first event). */
  afterId: string;
  /** Just submitted by this request (not a replay): its events may come in memory from a local worker. */
  fresh?: boolean;
  /** How long to wait for the final event before ending with a `timeout` error. */
  waitMs: number;
  /** Called with every heartbeat while the stream is open (keeps its stream slot alive). */
  onHeartbeat?: () => void;
  /** Called once when the connection has closed (frees its stream slot). */
  onClose?: () => void;
}

export function relayEvents(ctx: GatewayContext, request: FastifyRequest, reply: FastifyReply, o: RelayOptions): void {
  const { messageId } = o;
  const { streamBufferBytes, stalledStreamMs, heartbeatMs } = ctx.config.messages;
  reply.hijack();
  const res = reply.raw;
  const socket = res.socket;
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    ...overheadHeaders(request, reply), // hijacked: the onSend hook that usually adds it does not run
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders(); // the client learns at once that its stream is open (not at the first event)
  ctx.metrics.trackStream(res);

  let lastEventId = o.afterId;
  let ended = false;
  let paused = false;
  let stalled: NodeJS.Timeout | undefined;

  /** Writes one chunk; false when the connection is full (write refused more and the cap is reached). */
  const write = (chunk: string): boolean => !(!res.write(chunk) && res.writableLength >= streamBufferBytes);

  // The events of one read go out in one socket write (corked until the end of this tick), not one syscall each.
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  const following = ctx.messages.follow(
    messageId,
    o.afterId,
    (e) => {
      lastEventId = e.id;
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(uncork);
      }
      if (write(`id: ${e.id}\ndata: ${e.data}\n\n`)) return true;
      pause();
      return false;
    },
    { fresh: o.fresh },
  );

  const pause = () => {
    if (paused || ended) return;
    paused = true;
    // 'drain' is due: write() only reports full after res.write returned false.
    res.once('drain', onDrain);
    stalled = setTimeout(() => {
      request.log.info(
        { messageId, lastEventId, buffered: res.writableLength },
        'stream client stopped reading; disconnecting it',
      );
      res.destroy();
    }, stalledStreamMs);
  };
  const onDrain = () => {
    paused = false;
    clearTimeout(stalled);
    if (!ended) following.resume();
  };

  // A heartbeat only when nothing is waiting to be sent: a full buffer keeps no proxy alive.
  const heartbeat = setInterval(() => {
    if (!paused && res.writableLength === 0) res.write(': heartbeat\n\n');
    o.onHeartbeat?.();
  }, heartbeatMs);
  const giveUp = setTimeout(() => {
    finish({
      type: 'error',
      code: 'timeout',
      message: `no answer within ${o.waitMs} ms; the message may still finish: GET ${ctx.config.api.prefix}/messages/${messageId}`,
    });
  }, o.waitMs);

  const cleanup = () => {
    ended = true;
    clearInterval(heartbeat);
    clearTimeout(giveUp);
    following.stop(); // the message itself goes on: it is stored, counted and announced
  };
  const end = () => {
    if (ended) return;
    cleanup();
    res.end();
    // While stopping, the connection closes once the last bytes are out (it would otherwise idle on as keep-alive).
    if (ctx.shutdown.draining) res.once('finish', () => socket?.end());
  };
  /** Ends the stream with a last event that has no `id:` (it is not a stream entry; Last-Event-ID stays valid). */
  const finish = (event: Record<string, unknown>) => {
    if (ended) return;
    res.write(`data: ${JSON.stringify(event)}\n\n`);
    end();
  };

  const closed = new Promise<void>((resolve) => res.once('close', resolve));
  void closed.then(() => {
    clearTimeout(stalled);
    cleanup();
    o.onClose?.();
  });
  // Tracked so the drain waits for the stream; `closed` only ever resolves, so nothing to catch.
  void ctx.shutdown.track(closed, () =>
    finish({
      type: 'error',
      code: 'shutting_down',
      message: `this gateway is stopping; resume with GET ${ctx.config.api.prefix}/messages/${messageId}/stream and Last-Event-ID: ${lastEventId} on another instance`,
      messageId,
      lastEventId,
    }),
  );
  following.finished.then(end, end);
  request.log.debug({ messageId, afterId: o.afterId }, 'streaming message events');
}
