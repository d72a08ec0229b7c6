/**
 * X-OpenClaw-Overhead-Ms on every response: what the gateway itself added to the request, i.e.
 * the total handling time (Fastify's clock starts when the request arrives) minus the time the
 * request spent waiting on upstream work — the model provider and tools, reported by the route
 * through reportUpstreamTime(). Routes that call nothing upstream report nothing, so their
 * overhead is their whole handling time. Also sent as `Server-Timing` for browser dev tools.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const OVERHEAD_HEADER = 'X-OpenClaw-Overhead-Ms';

declare module 'fastify' {
  interface FastifyRequest {
    /** Milliseconds this request spent waiting on the model/tools (see reportUpstreamTime). */
    upstreamMs: number;
  }
}

/** Called by routes that wait on the agent (e.g. the worker's model + tool time of a message). */
export function reportUpstreamTime(request: FastifyRequest, ms: number): void {
  if (Number.isFinite(ms) && ms > 0) request.upstreamMs += ms;
}

/** The overhead so far, for routes that write headers themselves (hijacked streams). */
export function overheadMs(request: FastifyRequest, reply: FastifyReply): number {
  return Math.max(0, reply.elapsedTime - request.upstreamMs);
}

/**
 * Both headers, ready to write; values in ms with two decimals. None when the time is unknown
 * (a reply Fastify never timed, such as the static files of /docs): a number or no header.
 */
export function overheadHeaders(request: FastifyRequest, reply: FastifyReply): Record<string, string> {
  const ms = overheadMs(request, reply);
  if (!Number.isFinite(ms)) return {};
  const overhead = ms.toFixed(2);
  const timing = [`gateway;dur=${overhead}`];
  if (request.upstreamMs > 0) timing.push(`upstream;dur=${request.upstreamMs.toFixed(2)}`);
  return { [OVERHEAD_HEADER]: overhead, 'Server-Timing': timing.join(', ') };
}

export default fp(function overhead(app: FastifyInstance, _opts: unknown, done: () => void) {
  app.decorateRequest('upstreamMs', 0); // a primitive: every request starts with its own 0
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader(OVERHEAD_HEADER)) reply.headers(overheadHeaders(request, reply));
    return payload;
  });
  done();
});
