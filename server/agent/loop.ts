/**
 * The agent loop on a real model: one streamed model call per step through the provider adapter
 * (providers/chat.ts), the workspace's tools run between steps, at most maxToolSteps rounds of
 * tool calls plus the step that answers with their results. The stream becomes the contract's
 * events — token, tool_use, tool_result — in the order they happen. Tool failures become
 * tool_result events carrying the error (the model sees them too); provider failures end the
 * run with UpstreamError.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AgentResult, Emit, FinishReason } from './types';
import { UpstreamError } from './types';
import type { ResolvedPreset } from './presets';
import { countTokens } from './providers/offline';
import { stripSecrets } from './providers/upstream-request';
import type { ModelRoute } from './providers/registry';
import {
  ProviderStreamError,
  parseArgs,
  type ChatMessage,
  type ChatModel,
  type StepFinish,
  type ToolCall,
  type ToolOutcome,
} from './providers/chat';
import type { ToolSet } from './tools';

export interface ModelRun {
  model: ChatModel;
  route: ModelRoute;
  preset: ResolvedPreset;
  system: string;
  messages: ChatMessage[];
  tools: ToolSet;
  signal?: AbortSignal;
  log?: Pick<FastifyBaseLogger, 'warn'>;
}

const FINISH: Record<StepFinish, FinishReason> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content_filter',
  // The step limit ended the run while the model still wanted tools.
  tool_calls: 'tool_limit',
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Any provider-side failure as an UpstreamError (ours pass through; broken streams are reworded). */
function asUpstream(err: unknown, run: ModelRun): unknown {
  if (run.signal?.aborted) return run.signal.reason; // the message timed out: not the provider's fault
  if (err instanceof UpstreamError || !(err instanceof ProviderStreamError)) return err; // aborts, failures of emit
  const detail = stripSecrets(err.message, [run.route.provider.apiKey]).slice(0, 300);
  return new UpstreamError(
    `Model provider "${run.route.provider.name}" (model ${run.route.model}) sent an answer the gateway could not use: ${detail}`,
  );
}

export async function runModel(run: ModelRun, emit: Emit): Promise<AgentResult> {
  const hasTools = run.tools.size > 0 && run.preset.maxToolSteps > 0;
  const definitions = hasTools ? [...run.tools.values()].map((t) => t.definition) : [];
  const maxSteps = run.preset.maxToolSteps + 1;
  const messages = [...run.messages];

  let response = '';
  let stepText = '';
  let finish: StepFinish = 'stop';
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  const add = (a: number | undefined, b: number | undefined) =>
    a == null && b == null ? undefined : (a ?? 0) + (b ?? 0);
  const toolsInvoked: string[] = [];
  const token = async (content: string) => {
    response += content;
    stepText += content;
    await emit({ type: 'token', content });
  };
  const onText = async (text: string) => {
    // Text after a tool round starts a new paragraph (the stream and `response` stay equal).
    if (!stepText && response && !/\s$/.test(response) && !/^\s/.test(text)) await token('\n\n');
    await token(text);
  };

  for (let step = 1; step <= maxSteps; step++) {
    stepText = '';
    let result;
    try {
      result = await run.model.step(
        {
          model: run.route.model,
          system: run.system,
          messages,
          tools: definitions,
          temperature: run.preset.temperature,
          maxTokens: run.preset.maxTokens,
          signal: run.signal,
        },
        onText,
      );
    } catch (err) {
      throw asUpstream(err, run);
    }
    finish = result.finish;
    inputTokens = add(inputTokens, result.inputTokens);
    outputTokens = add(outputTokens, result.outputTokens);
    if (!result.toolCalls.length) break;
    messages.push({ role: 'assistant', content: stepText, toolCalls: result.toolCalls });
    messages.push({ role: 'tool', results: await runTools(result.toolCalls, run, emit, toolsInvoked) });
    if (step === maxSteps && finish !== 'tool_calls') finish = 'tool_calls';
  }

  const prompt = [run.system, ...run.messages.map((m) => (m.role === 'tool' ? '' : m.content))].join(' ');
  return {
    response,
    finishReason: FINISH[finish],
    model: run.route.model,
    provider: run.route.provider.name,
    // Providers that report no usage get the word-count estimate the offline model uses.
    tokensIn: inputTokens ?? countTokens(prompt),
    tokensOut: outputTokens ?? countTokens(response),
    toolsInvoked,
  };
}

/** Runs a step's tool calls side by side; each result is emitted as it arrives, in that order. */
async function runTools(calls: ToolCall[], run: ModelRun, emit: Emit, invoked: string[]): Promise<ToolOutcome[]> {
  const started = [];
  for (const call of calls) {
    if (!invoked.includes(call.name)) invoked.push(call.name);
    const tool = run.tools.get(call.name);
    const parsed = parseArgs(call.argsText);
    const checked = !tool
      ? null
      : parsed === undefined
        ? { ok: false as const, problem: 'the arguments are not JSON' }
        : tool.check(parsed);
    await emit({ type: 'tool_use', tool: call.name, input: checked?.ok ? checked.input : (parsed ?? call.argsText) });
    started.push({ call, tool, checked });
  }
  // Results are emitted one after the other (as they arrive), never two writes at once.
  let emitted: Promise<void> = Promise.resolve();
  const emitInTurn = (e: Parameters<Emit>[0]) => (emitted = emitted.then(() => emit(e)));
  return Promise.all(
    started.map(async ({ call, tool, checked }): Promise<ToolOutcome> => {
      let output: string;
      let isError = false;
      try {
        if (!tool)
          throw new Error(
            `Model tried to call unavailable tool '${call.name}'. Available tools: ${[...run.tools.keys()].join(', ') || 'none'}.`,
          );
        if (!checked!.ok) throw new Error(`Invalid input for tool ${call.name}: ${checked!.problem}`);
        output = await tool.execute(checked!.input, run.signal);
      } catch (err) {
        if (run.signal?.aborted) throw run.signal.reason;
        output = errorText(err);
        isError = true;
      }
      await emitInTurn(
        isError
          ? { type: 'tool_result', tool: call.name, output: `Error: ${output}`, isError: true }
          : { type: 'tool_result', tool: call.name, output },
      );
      return { callId: call.id, name: call.name, output, isError };
    }),
  );
}
