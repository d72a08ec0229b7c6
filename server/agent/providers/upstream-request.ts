/**
 * How the provider adapters call a model: undici `request` (Node streams; Node 20's fetch costs
 * several times the CPU per streamed call through web streams), with retries and backoff on
 * 408/429/5xx/529, timeouts and connection errors — but only before a response streams, so no
 * token is ever sent twice — and what finally failed turned into an UpstreamError a user can act
 * on, with secrets stripped. While a response streams, `timeoutMs` bounds every silence between
 * chunks (undici's bodyTimeout).
 */
import type { FastifyBaseLogger } from 'fastify';
import { setTimeout as wait } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { UpstreamError } from '../types';
import type { ProviderSpec } from './registry';

const RETRYABLE = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);
const MAX_RETRY_AFTER_MS = 30_000;

/** Removes API keys, bearer tokens and key-looking strings from text shown to users or logged. */
export function stripSecrets(text: string, secrets: Array<string | undefined> = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out
    .replace(/\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{6,}/gi, '$1 [redacted]')
    .replace(/\b(sk|pk|rk|ghp|gho|ghs|github_pat|xox[abp])[-_][A-Za-z0-9_-]{6,}/g, '[redacted]')
    .replace(
      /((?:x-)?api[-_]?key|authorization)(["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic|token) \[redacted\])[^\s"',}]+/gi,
      '$1$2[redacted]',
    );
}

/** The upstream's own error text from an error body (OpenAI, Anthropic, or plain text). */
function upstreamMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    const m = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message);
    if (m) return m.slice(0, 300);
  } catch {
    /* not JSON */
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 300);
}

function adviceFor(status: number, p: ProviderSpec): string {
  if (status === 401 || status === 403) return `the provider rejected the credentials: check the API key (${p.origin})`;
  if (status === 404)
    return `the model or endpoint does not exist: check the model name and the base URL (${p.origin})`;
  if (status === 429)
    return 'the provider is rate limiting this account: wait and retry, or raise the quota with the provider';
  if (status === 400 || status === 413 || status === 422) return 'the provider rejected the request';
  if (status >= 500) return 'the provider is failing or overloaded: try again later';
  return 'the provider answered with an error';
}

function retryAfterMs(headers: Dispatcher.ResponseData['headers']): number | null {
  const raw = headers['retry-after'];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v) return null;
  const secs = Number(v);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(v) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : null;
}

/** Waits, or rejects with the caller's abort reason itself (callers tell their abort from a timeout by it). */
const sleep = (ms: number, signal?: AbortSignal) =>
  wait(ms, undefined, { signal }).catch((err: unknown) => {
    throw signal?.aborted ? signal.reason : err;
  });

class TimedOut extends Error {}

export interface UpstreamRequest {
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal;
}

/** POSTs to the provider and resolves with the streaming body of a 2xx answer. */
export type UpstreamCall = (url: string, req: UpstreamRequest) => Promise<AsyncIterable<Buffer>>;

export interface UpstreamCallOptions {
  provider: ProviderSpec;
  model: string;
  log?: Pick<FastifyBaseLogger, 'warn'>;
}

export function createUpstreamCall(opts: UpstreamCallOptions): UpstreamCall {
  const { provider: p, model } = opts;
  const attempts = p.retries + 1;
  const clean = (text: string) => stripSecrets(text, [p.apiKey]);
  const fail = (problem: string, attempt: number, status?: number) =>
    new UpstreamError(
      clean(
        `Model provider "${p.name}" (model ${model}) failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${problem}.`,
      ),
      status,
    );

  return async (url, { headers, body, signal: outer }) => {
    let delay = 0;
    for (let attempt = 1; ; attempt++) {
      if (delay) await sleep(delay, outer);
      outer?.throwIfAborted();
      // Until the answer's headers, one timer bounds connecting and waiting; then bodyTimeout does.
      const ac = new AbortController();
      const onOuterAbort = () => ac.abort(outer!.reason);
      outer?.addEventListener('abort', onOuterAbort, { once: true });
      const detach = () => outer?.removeEventListener('abort', onOuterAbort);
      const timer = setTimeout(() => ac.abort(new TimedOut()), p.timeoutMs);
      const backoff = p.retryBaseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      let problem: string;
      let status: number | undefined;
      try {
        const res = await request(url, {
          method: 'POST',
          headers,
          body,
          signal: ac.signal,
          headersTimeout: 0, // the timer above
          bodyTimeout: p.timeoutMs,
        });
        clearTimeout(timer);
        status = res.statusCode;
        if (status >= 200 && status < 300) return guardBody(res.body, detach, outer, p.timeoutMs, (m) => fail(m, 1));
        detach();
        const said = upstreamMessage(await res.body.text().catch(() => ''));
        problem = `HTTP ${status}${said ? ` "${said}"` : ''}: ${adviceFor(status, p)}`;
        if (!RETRYABLE.has(status) || attempt >= attempts) throw fail(problem, attempt, status);
        delay = retryAfterMs(res.headers) ?? backoff;
      } catch (err) {
        clearTimeout(timer);
        detach();
        if (err instanceof UpstreamError) throw err;
        if (outer?.aborted) throw outer.reason ?? err;
        const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
        problem =
          ac.signal.reason instanceof TimedOut
            ? `no answer within ${p.timeoutMs} ms from ${p.baseUrl}: check that the provider is up, or raise its timeoutMs`
            : `cannot connect to ${p.baseUrl} (${e.cause?.code ?? e.code ?? e.cause?.message ?? e.message}): check the base URL (${p.origin}) and that the server is running`;
        if (attempt >= attempts) throw fail(problem, attempt);
        delay = backoff;
      }
      opts.log?.warn(
        { provider: p.name, model, attempt, status, retryInMs: Math.round(delay) },
        clean(`model provider call failed, retrying: ${problem}`),
      );
    }
  };
}

/** The body's chunks; a silence or a cut becomes an UpstreamError, a caller's abort its reason. */
async function* guardBody(
  body: Dispatcher.ResponseData['body'],
  detach: () => void,
  outer: AbortSignal | undefined,
  timeoutMs: number,
  fail: (msg: string) => Error,
): AsyncGenerator<Buffer> {
  try {
    // Leaving early (the adapter threw) returns this iterator, which destroys the body and frees the connection.
    for await (const chunk of body) yield chunk as Buffer;
  } catch (err) {
    if (outer?.aborted) throw outer.reason ?? err;
    const e = err as Error & { code?: string };
    throw fail(
      e.code === 'UND_ERR_BODY_TIMEOUT'
        ? `stopped sending for ${timeoutMs} ms in the middle of its answer: try again, or raise its timeoutMs`
        : `connection lost in the middle of its answer (${e.message})`,
    );
  } finally {
    detach();
  }
}
