/**
 * The HTTP layer: URLs, the bearer key, JSON bodies, timeouts, the error shape and the optional
 * retries on 429/503. Uses only the global `fetch` (or one passed in), so it runs in Node 18+,
 * browsers, Deno, Bun and edge runtimes.
 */
import { OpenClawError, errorFromResponse, headersToObject } from './errors.js';

/** A `fetch` implementation (the global one by default). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options of the {@link OpenClaw} client. */
export interface ClientOptions {
  /** The gateway's base URL, e.g. `http://localhost:3000` (the `/api/v1` prefix is added). */
  baseUrl: string;
  /** An API key (`oclaw_live_…`), sent as `Authorization: Bearer <key>`. */
  apiKey: string;
  /** API prefix; default `/api/v1`. */
  prefix?: string;
  /**
   * Per-request timeout in milliseconds (default 600000, ten minutes: agent runs can be long).
   * For streams it bounds the wait for the response headers only.
   */
  timeoutMs?: number;
  /**
   * How many times to retry a request answered 429 (rate limited) or 503 (starting or
   * unavailable), waiting as `Retry-After` / `X-RateLimit-Reset` say. Default 0: no retries.
   * `messages.send` adds an `Idempotency-Key` when retries are on, so a retry never runs the
   * agent twice.
   */
  maxRetries?: number;
  /** Never wait longer than this (ms) before a retry; a longer wait throws instead. Default 60000. */
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
}

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_RETRY_WAIT_MS = 60_000;

/**
 * How long to wait before retrying a 429/503 response, in ms: `Retry-After` (seconds or an
 * HTTP date) first, then `X-RateLimit-Reset` (epoch seconds), else exponential backoff from 500 ms.
 */
export function retryDelayMs(headers: Record<string, string>, attempt: number, nowMs: number): number {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-reset'] !== undefined && Number.isFinite(reset)) return Math.max(0, reset * 1000 - nowMs);
  return 500 * 2 ** attempt;
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
  private readonly fetchImpl: FetchLike;

  constructor(private readonly options: ClientOptions) {
    if (!options || typeof options.baseUrl !== 'string' || !options.baseUrl) throw new TypeError('OpenClaw: baseUrl is required');
    if (typeof options.apiKey !== 'string' || !options.apiKey) throw new TypeError('OpenClaw: apiKey is required');
    this.base = options.baseUrl.replace(/\/+$/, '') + (options.prefix ?? '/api/v1');
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
      throw new OpenClawError({ status: res.status, code: 'invalid_response', message: 'the gateway sent a reply that is not JSON', headers, body: text, cause });
    }
  }

  /** Sends a request, retrying 429/503 when asked; resolves with a 2xx response or throws. */
  async send(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
    const maxRetries = opts.maxRetries ?? this.options.maxRetries ?? 0;
    const maxWait = this.options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      const res = await this.once(method, path, opts);
      if (res.ok) return res;
      const headers = headersToObject(res.headers);
      const error = errorFromResponse(res.status, headers, await res.text().catch(() => ''));
      const wait = retryDelayMs(headers, attempt, Date.now());
      if (!(res.status === 429 || res.status === 503) || attempt >= maxRetries || wait > maxWait) throw error;
      await sleep(wait, opts.signal);
    }
  }

  private async once(method: string, path: string, opts: CallOptions): Promise<Response> {
    const headers: Record<string, string> = {
      accept: opts.stream ? 'text/event-stream' : 'application/json',
      ...(this.options.headers ?? {}),
      ...(opts.headers ?? {}),
      authorization: `Bearer ${this.options.apiKey}`,
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
      const res = await this.fetchImpl(this.url(path, opts.query), { method, headers, body, signal: controller.signal });
      if (opts.stream && res.ok) {
        // The caller reads the body for as long as it takes; the user's signal still aborts it.
        clearTimeout(timer);
        return res;
      }
      // Read the whole body under the timeout, then hand out a response that is already complete.
      const text = await res.text();
      release();
      return new Response(res.status === 204 || res.status === 304 ? null : text, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch (cause) {
      release();
      if (timedOut) throw new OpenClawError({ status: 0, code: 'timeout', message: `no complete response within ${timeoutMs} ms`, cause });
      if (opts.signal?.aborted) throw abortError(opts.signal);
      // undici says only "fetch failed"; the reason (ECONNREFUSED …) is its cause.
      const inner = (cause as { cause?: { message?: string } })?.cause?.message;
      const message = (cause instanceof Error ? cause.message : String(cause)) + (inner ? ` (${inner})` : '');
      throw new OpenClawError({ status: 0, code: 'connection_error', message: `could not reach the gateway at ${this.base}: ${message}`, cause });
    }
  }
}
