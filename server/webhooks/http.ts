/**
 * Outbound HTTP for webhook deliveries: undici Agents (a keep-alive connection pool per
 * receiver origin), never following redirects, every attempt bounded by its timeout, and the
 * SSRF policy (network-policy.ts) applied at connect time, on the resolved address. Two
 * agents, one per trust level, so a pooled connection opened for an operator's subscription is
 * never reused for a tenant's.
 */
import { Agent, request } from 'undici';
import { isIP } from 'node:net';
import { policyLookup, refusal, RefusedTargetError, type TargetPolicy } from './network-policy';
import { parseRetryAfter } from './backoff';

/** How much of a receiver's answer the delivery log keeps. */
export const RESPONSE_SNIPPET_BYTES = 1024;

export interface PostResult {
  /** HTTP status, or null when no response came (timeout, refused, DNS, policy). */
  status: number | null;
  durationMs: number;
  /** Why the attempt failed without a response. */
  error: string | null;
  /** First bytes of the response body (UTF-8). */
  response: string | null;
  retryAfterMs: number | null;
}

export interface WebhookHttpOptions {
  policy: TargetPolicy;
  /** Idle keep-alive connections are closed after this long. */
  keepAliveTimeoutMs?: number;
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (
    e.name === 'TimeoutError' ||
    e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e.code === 'UND_ERR_BODY_TIMEOUT' ||
    e.code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return `timeout: no complete response within ${timeoutMs} ms`;
  }
  if (err instanceof RefusedTargetError) return err.message;
  if (e.cause instanceof RefusedTargetError) return e.cause.message;
  const code = e.code ?? e.cause?.code;
  const message = e.message ?? e.cause?.message ?? String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

async function readSnippet(
  body: AsyncIterable<Buffer> & { dump(o?: { limit: number }): Promise<void> },
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_SNIPPET_BYTES) break; // leaving the loop destroys the rest of the body
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8');
}

export class WebhookHttpClient {
  private readonly agents: { trusted: Agent; tenant: Agent };

  constructor(private readonly opts: WebhookHttpOptions) {
    const agent = (trusted: boolean) =>
      new Agent({
        keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000,
        keepAliveMaxTimeout: 120_000,
        connect: { lookup: policyLookup(opts.policy, trusted) },
      });
    this.agents = { trusted: agent(true), tenant: agent(false) };
  }

  /**
   * POSTs once; never throws: failures come back in the result. `trusted`: the subscription
   * belongs to an operator key or the config (isTrustedSubscription).
   */
  async post(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
    now: () => number,
    trusted = false,
  ): Promise<PostResult> {
    const started = performance.now();
    const done = (r: Omit<PostResult, 'durationMs'>): PostResult => ({
      ...r,
      durationMs: Math.round(performance.now() - started),
    });
    try {
      const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
      // Literal IPs skip DNS, so the lookup hook never sees them: check them here.
      const why = isIP(host) ? refusal(this.opts.policy, trusted, host, host) : null;
      if (why) throw new RefusedTargetError(why);
      const res = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: trusted ? this.agents.trusted : this.agents.tenant,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const response = await readSnippet(res.body).catch(() => null);
      return done({
        status: res.statusCode,
        error: null,
        response,
        retryAfterMs: parseRetryAfter(res.headers['retry-after'], now()),
      });
    } catch (err) {
      return done({ status: null, error: describeError(err, timeoutMs), response: null, retryAfterMs: null });
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.agents.trusted.close(), this.agents.tenant.close()]).catch(() => undefined);
  }
}
