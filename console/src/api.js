// The public API with the signed-in key. The key lives in sessionStorage only: never a URL or a cookie.
import { createParser } from 'eventsource-parser';

const STORAGE = 'openclaw.console.key';
export const PREFIX = document.querySelector('meta[name="openclaw-api-prefix"]')?.content || '/api/v1';

export const auth = {
  get key() {
    return sessionStorage.getItem(STORAGE);
  },
  set(key) {
    sessionStorage.setItem(STORAGE, key);
  },
  clear() {
    sessionStorage.removeItem(STORAGE);
  },
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onSignedOut = () => {};
export const whenSignedOut = (fn) => (onSignedOut = fn);

async function raw(method, path, { body, key = auth.key, signal } = {}) {
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    const err = new ApiError(
      res.status,
      data?.error?.code ?? 'http_error',
      data?.error?.message ?? `${res.status} ${res.statusText}`,
    );
    if (res.status === 401 && key === auth.key) onSignedOut(err);
    throw err;
  }
  return res;
}

/** JSON in, JSON out (null for 204). */
export async function api(method, path, opts = {}) {
  const res = await raw(method, PREFIX + path, opts);
  return res.status === 204 ? null : res.json();
}
export const get = (path, opts) => api('GET', path, opts);

/** Prometheus text from /metrics (outside the API prefix). */
export const metricsText = async () => (await raw('GET', '/metrics')).text();

/** POSTs or GETs an SSE endpoint and calls onEvent({id, data}) for every event until the stream ends. */
export async function stream(method, path, { body, signal, onEvent }) {
  const res = await raw(method, PREFIX + path, { body, signal });
  const parser = createParser({ onEvent: (e) => onEvent({ id: e.id, data: JSON.parse(e.data) }) });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}

export const qs = (params) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries)}` : '';
};
