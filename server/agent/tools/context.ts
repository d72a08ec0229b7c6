/**
 * What every tool gets: the config, the memory store, who is asking, and a bounded HTTP GET for
 * tools that call services (tools.timeoutMs, aborted with the message). A tool reports a problem
 * by throwing ToolError with a message the model and the user can act on; the agent turns any
 * throw into a tool_result carrying the error, never into a failed message.
 */
import type { Config } from '../../config-schema';
import type { MemoryStore } from '../memory-store';
import { stripSecrets } from '../providers/upstream-request';

export interface ToolContext {
  config: Config;
  memory: MemoryStore;
  workspaceId: string;
  userId: string;
}

export class ToolError extends Error {}

/** A tool: what the model reads (description, JSON Schema of the input) and what runs. */
export interface ToolSpec<I = unknown> {
  description: string;
  parameters: Record<string, unknown>;
  execute(input: I, signal?: AbortSignal): Promise<string>;
}

export interface HttpGetResult {
  status: number;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
}

/** GET with the tools timeout; network problems and timeouts become ToolErrors naming `service`. */
export async function toolGet(
  service: string,
  url: string,
  opts: {
    headers?: Record<string, string>;
    timeoutMs: number;
    signal?: AbortSignal;
    secrets?: Array<string | undefined>;
  },
): Promise<HttpGetResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const clean = (s: string) => stripSecrets(s, opts.secrets);
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { headers: opts.headers, signal });
    text = await res.text();
  } catch (err) {
    if (timeout.aborted) throw new ToolError(`${service} did not answer within ${opts.timeoutMs} ms (tools.timeoutMs)`);
    if (opts.signal?.aborted) throw err;
    const e = err as Error & { cause?: { code?: string; message?: string } };
    throw new ToolError(
      clean(`cannot reach ${service} at ${new URL(url).origin} (${e.cause?.code ?? e.cause?.message ?? e.message})`),
    );
  }
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** Wraps a tool's work so a slow tool ends with a ToolError after tools.timeoutMs. */
export async function withToolTimeout<T>(name: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ToolError(`the ${name} tool did not finish within ${timeoutMs} ms (tools.timeoutMs)`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
