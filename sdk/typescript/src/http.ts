/**
 * The HTTP layer: configuration (options, else environment), URLs, the bearer key, JSON bodies,
 * timeouts, typed errors and retries (./retry.ts). Uses only the global `fetch` (or one passed in), so it runs in Node 18+,
 * browsers, Deno, Bun and edge runtimes.
 */
import { OpenClawError, errorFromResponse, headersToObject, makeError } from './errors.js';
import { adviceOf, advisedWaitMs, isRetryable, retryDelayMs } from './retry.js';
import { VERSION } from './version.js';

export { retryDelayMs } from './retry.js';

/** A `fetch` implementation (the global one by default). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options of the {@link OpenClaw} client; every one may be left out. */
export interface ClientOptions {
  /**
   * The gateway's base URL, e.g. `http://localhost:3000` (the `/api/v1` prefix is added).
   * Default: the `OPENCLAW_BASE_URL` environment variable, else `OPENCLAW_URL`.
   */
  baseUrl?: string;
  /** An API key (`oclaw_live_…`), sent as `Authorization: Bearer <key>`. Default: `OPENCLAW_API_KEY`. */
  apiKey?: string;
  /** API prefix; default `/api/v1`. */
  prefix?: string;
  /**
   * Per-request timeout in milliseconds (default 600000, ten minutes: agent runs can be long).
   * For streams it bounds the wait for the response headers only.
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt (default 2; 0 turns retries off). Retried: connection errors,
   * timeouts, 408, 409, 429 and 5xx, waiting as `Retry-After` / `X-RateLimit-Reset` say, else
   * with exponential backoff and jitter. GET, PATCH and DELETE are retried; a POST only where the
   * gateway honours `Idempotency-Key` (`messages.send`, `messages.stream`, which generate one when
   * you give none), so a retry never runs the agent twice.
   */
  maxRetries?: number;
  /** When the gateway asks for a longer wait than this (ms), the error is thrown at once instead. Default 60000. */
  maxRetryWaitMs?: number;
  /** A `fetch` implementation; default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** Per-call options accepted by every SDK method. */
export interface RequestOptions {
  /** Aborts the request (and, for streams, the stream). */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
  /** Overrides the client's retries for this call. */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** @internal What resources pass to the transport. */
export interface CallOptions extends RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  /** Keep the timeout only until headers arrive and return the raw response (SSE). */
  stream?: boolean;
  /** A POST the gateway deduplicates by this `Idempotency-Key`: safe to retry. */
  idempotencyKey?: string;
}

const DEFAULT_TIMEOUT_MS = 600_000;
export const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_RETRY_WAIT_MS = 60_000;

/** Environment variables where there is a `process` (Node, Bun, Deno); none in a browser. */
const env = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/** `openclaw-typescript/<version> (<runtime>)`, sent where a User-Agent may be set (not in browsers, where it would force a CORS preflight). */
function userAgent(): string | null {
  const versions = (globalThis as { process?: { versions?: Record<string, string> } }).process?.versions;
  if (!versions) return null;
  const runtime = versions.bun
    ? `bun/${versions.bun}`
    : versions.deno
      ? `deno/${versions.deno}`
      : `node/${versions.node}`;
  return `openclaw-typescript/${VERSION} (${runtime})`;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function abortError(signal: AbortSignal): OpenClawError {
  return new OpenClawError({ status: 0, code: 'aborted', message: 'the request was aborted', cause: signal.reason });
}

/** @internal Sends requests for the resource classes. */
export class Transport {
  private readonly base: string;
  private readonly apiKey: string;
  private readonly fetchImpl: FetchLike;
  private readonly userAgent = userAgent();

  constructor(private readonly options: ClientOptions = {}) {
    const baseUrl = options.baseUrl ?? env().OPENCLAW_BASE_URL ?? env().OPENCLAW_URL;
    const apiKey = options.apiKey ?? env().OPENCLAW_API_KEY;
    if (typeof baseUrl !== 'string' || !baseUrl)
      throw new TypeError('OpenClaw: baseUrl is required (or set OPENCLAW_BASE_URL)');
    if (typeof apiKey !== 'string' || !apiKey)
      throw new TypeError('OpenClaw: apiKey is required (or set OPENCLAW_API_KEY)');
    this.apiKey = apiKey;
    this.base = baseUrl.replace(/\/+$/, '') + (options.prefix ?? '/api/v1');
    const f = options.fetch ?? (typeof fetch === 'function' ? fetch : undefined);
    if (!f) throw new TypeError('OpenClaw: no global fetch; pass `fetch` in the options');
    this.fetchImpl = options.fetch ? f : (input, init) => fetch(input, init);
  }

  url(path: string, query?: CallOptions['query']): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) params.append(k, String(v));
    const qs = params.toString();
    return `${this.base}${path}${qs ? `?${qs}` : ''}`;
  }

  /** Sends a request and parses the JSON reply (undefined for 204). Throws {@link OpenClawError}. */
  async json<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      const headers = headersToObject(res.headers);
      throw makeError({
        status: res.status,
        code: 'invalid_response',
        message: 'the gateway sent a reply that is not JSON',
        headers,
        body: text,
        cause,
      });
    }
  }

  /** Sends a request, retrying what may succeed again (./retry.ts); resolves with a 2xx response or throws. */
  async send(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
    const maxRetries = opts.maxRetries ?? this.options.maxRetries ?? DEFAULT_MAX_RETRIES;
    const maxWait = this.options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
    const safe = method !== 'POST' || opts.idempotencyKey !== undefined;
    for (let attempt = 0; ; attempt++) {
      let error: OpenClawError;
      try {
        const res = await this.once(method, path, opts);
        if (res.ok) return res;
        error = errorFromResponse(res.status, headersToObject(res.headers), await res.text().catch(() => ''));
      } catch (thrown) {
        if (!(thrown instanceof OpenClawError)) throw thrown;
        error = thrown;
      }
      const advice = adviceOf(error);
      const advised = advisedWaitMs(advice, Date.now());
      if (!safe || attempt >= maxRetries || !isRetryable(error) || (advised !== null && advised > maxWait)) throw error;
      await sleep(retryDelayMs(advice, attempt, Date.now()), opts.signal);
    }
  }

  private async once(method: string, path: string, opts: CallOptions): Promise<Response> {
    const headers: Record<string, string> = {
      accept: opts.stream ? 'text/event-stream' : 'application/json',
      ...(this.userAgent ? { 'user-agent': this.userAgent } : {}),
      ...(this.options.headers ?? {}),
      ...(opts.headers ?? {}),
      ...(opts.idempotencyKey !== undefined ? { 'idempotency-key': opts.idempotencyKey } : {}),
      authorization: `Bearer ${this.apiKey}`,
    };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    if (opts.signal?.aborted) controller.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const release = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    try {
      const res = await this.fetchImpl(this.url(path, opts.query), {
        method,
        headers,
        body,
        signal: controller.signal,
      });
      if (opts.stream && res.ok) {
        // The caller reads the body for as long as it takes; the user's signal still aborts it.
        clearTimeout(timer);
        return res;
      }
      // Read the whole body under the timeout, then hand out a response that is already complete.
      const text = await res.text();
      release();
      return new Response(res.status === 204 || res.status === 304 ? null : text, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } catch (cause) {
      release();
      if (timedOut)
        throw makeError({ status: 0, code: 'timeout', message: `no complete response within ${timeoutMs} ms`, cause });
      if (opts.signal?.aborted) throw abortError(opts.signal);
      // undici says only "fetch failed"; the reason (ECONNREFUSED …) is its cause.
      const inner = (cause as { cause?: { message?: string } })?.cause?.message;
      const message = (cause instanceof Error ? cause.message : String(cause)) + (inner ? ` (${inner})` : '');
      throw makeError({
        status: 0,
        code: 'connection_error',
        message: `could not reach the gateway at ${this.base}: ${message}`,
        cause,
      });
    }
  }
}
