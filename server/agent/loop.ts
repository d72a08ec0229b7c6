/**
 * The agent loop on a real model: streams the answer through the ai SDK (streamText) with the
 * workspace's tools and a step limit, and turns the stream into the chapter's events — token,
 * tool_use, tool_result — in the order they happen. Tool failures become tool_result events
 * carrying the error (the model sees them too); provider failures end the run with UpstreamError.
 */
import { AISDKError, stepCountIs, streamText, type LanguageModel, type ModelMessage, type ToolSet, type FinishReason as SdkFinishReason, type TextStreamPart } from 'ai';
import type { FastifyBaseLogger } from 'fastify';
import type { AgentResult, Emit, FinishReason } from './types';
import { UpstreamError } from './types';
import type { ResolvedPreset } from './presets';
import { countTokens } from './providers/offline';
import { stripSecrets } from './providers/upstream-fetch';
import type { ModelRoute } from './providers/registry';

// The SDK prints warnings (unsupported settings …) on stderr; the run logs them through pino instead.
(globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = false;

export interface ModelRun {
  model: LanguageModel;
  route: ModelRoute;
  preset: ResolvedPreset;
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  signal?: AbortSignal;
  log?: Pick<FastifyBaseLogger, 'warn'>;
}

const FINISH: Record<SdkFinishReason, FinishReason> = {
  stop: 'stop',
  length: 'length',
  'content-filter': 'content_filter',
  // The step limit ended the run while the model still wanted tools.
  'tool-calls': 'tool_limit',
  error: 'error',
  other: 'stop',
  unknown: 'stop',
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Any provider-side failure as an UpstreamError (ours pass through; the SDK's are reworded). */
function asUpstream(err: unknown, route: ModelRoute, fromProvider = false): Error {
  // The SDK wraps what the retrying fetch threw (e.g. a stalled stream) in its own errors.
  for (let e: any = err, depth = 0; e && depth < 5; e = e.cause, depth++) if (e instanceof UpstreamError) return e;
  if (!fromProvider && !AISDKError.isInstance(err)) return err instanceof Error ? err : new Error(String(err)); // aborts, failures of emit
  const e = err as { statusCode?: number; message?: string; name?: string };
  const detail = stripSecrets(e.message ?? String(err), [route.provider.apiKey]).slice(0, 300);
  return new UpstreamError(`Model provider "${route.provider.name}" (model ${route.model}) sent an answer the gateway could not use: ${detail}`, e.statusCode);
}

export async function runModel(run: ModelRun, emit: Emit): Promise<AgentResult> {
  const hasTools = Object.keys(run.tools).length > 0 && run.preset.maxToolSteps > 0;
  const result = streamText({
    model: run.model,
    system: run.system,
    messages: run.messages,
    tools: hasTools ? run.tools : undefined,
    // maxToolSteps rounds of tool calls, plus the step that answers with their results.
    stopWhen: stepCountIs(run.preset.maxToolSteps + 1),
    temperature: run.preset.temperature,
    maxOutputTokens: run.preset.maxTokens,
    abortSignal: run.signal,
    maxRetries: 0, // upstream-fetch.ts retries, before anything streamed
    onError: () => undefined, // reported through the stream's error part below, not console.error
  });

  let response = '';
  let stepText = '';
  let finish: FinishReason = 'stop';
  let usage = { inputTokens: NaN, outputTokens: NaN };
  const toolsInvoked: string[] = [];
  const token = async (content: string) => {
    response += content;
    stepText += content;
    await emit({ type: 'token', content });
  };

  try {
    for await (const part of result.fullStream) await handle(part);
  } catch (err) {
    throw asUpstream(err, run.route);
  }

  async function handle(part: TextStreamPart<ToolSet>): Promise<void> {
    switch (part.type) {
      case 'start-step':
        stepText = '';
        if (part.warnings.length) run.log?.warn({ provider: run.route.provider.name, model: run.route.model, warnings: part.warnings }, 'the model provider ignored some settings');
        break;
      case 'text-delta':
        if (!part.text) break;
        // Text after a tool round starts a new paragraph (the stream and `response` stay equal).
        if (!stepText && response && !/\s$/.test(response) && !/^\s/.test(part.text)) await token('\n\n');
        await token(part.text);
        break;
      case 'tool-call':
        if (!toolsInvoked.includes(part.toolName)) toolsInvoked.push(part.toolName);
        await emit({ type: 'tool_use', tool: part.toolName, input: part.input });
        break;
      case 'tool-result':
        await emit({ type: 'tool_result', tool: part.toolName, output: part.output });
        break;
      case 'tool-error':
        await emit({ type: 'tool_result', tool: part.toolName, output: `Error: ${errorText(part.error)}`, isError: true });
        break;
      case 'finish':
        finish = FINISH[part.finishReason] ?? 'stop';
        usage = { inputTokens: part.totalUsage.inputTokens ?? NaN, outputTokens: part.totalUsage.outputTokens ?? NaN };
        break;
      case 'error':
        if (run.signal?.aborted) throw run.signal.reason; // the message timed out: not the provider's fault
        throw asUpstream(part.error, run.route, true);
      case 'abort':
        throw run.signal?.reason ?? new Error('aborted');
    }
  }

  const prompt = [run.system, ...run.messages.map((m) => (typeof m.content === 'string' ? m.content : ''))].join(' ');
  return {
    response,
    finishReason: finish,
    model: run.route.model,
    provider: run.route.provider.name,
    // Providers that report no usage get the word-count estimate the offline model uses.
    tokensIn: Number.isFinite(usage.inputTokens) ? usage.inputTokens : countTokens(prompt),
    tokensOut: Number.isFinite(usage.outputTokens) ? usage.outputTokens : countTokens(response),
    toolsInvoked,
  };
}
