/** Helpers for the message pipeline tests: SSE reading, domain event capture, hook capture. */
import type { DomainEvent } from '../../server/events';
import type { FinishedMessage } from '../../server/context';
import type { TestGateway } from '../helpers/gateway';

export const API = '/api/v1';

export interface SseEvent {
  id: string | null;
  data: any;
}

export interface SseResult {
  status: number;
  headers: Headers;
  /** The raw body text. */
  text: string;
  /** Every `data:` event with the `id:` that came with it. */
  events: SseEvent[];
}

/** Parses an SSE body into events (id + parsed data); comments are skipped. */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    let id: string | null = null;
    let data: string | null = null;
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    if (data !== null) out.push({ id, data: JSON.parse(data) });
  }
  return out;
}

/** Sends a request and reads the whole (SSE or JSON) body. */
export async function sse(
  gw: TestGateway,
  method: string,
  path: string,
  o: { body?: unknown; key?: string; headers?: Record<string, string> } = {},
): Promise<SseResult> {
  const headers: Record<string, string> = { authorization: `Bearer ${o.key ?? gw.adminKey}`, ...(o.headers ?? {}) };
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(gw.url + path, {
    method,
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    events: res.headers.get('content-type')?.startsWith('text/event-stream') ? parseSse(text) : [],
  };
}

/** Collects the gateway's domain events. */
export function captureEvents(gw: TestGateway): DomainEvent[] {
  const events: DomainEvent[] = [];
  gw.gateway.ctx.events.addSink((e) => {
    events.push(e);
    return Promise.resolve();
  });
  return events;
}

/** Collects onMessageFinished calls. */
export function captureFinished(gw: TestGateway): FinishedMessage[] {
  const calls: FinishedMessage[] = [];
  gw.gateway.ctx.onMessageFinished.push((m) => {
    calls.push(m);
    return Promise.resolve();
  });
  return calls;
}

/** Polls until check() returns a value (not undefined/false), for things that happen after a reply. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
): Promise<Exclude<T, undefined | null | false>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false && v !== null) return v as Exclude<T, undefined | null | false>;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The offline model's answer to a message on a given turn of a session. */
export const offline = (message: string, turn: number) =>
  `[offline model] You said: ${message} (turn ${turn} of this session; configure a provider in openclaw.json for real answers)`;
