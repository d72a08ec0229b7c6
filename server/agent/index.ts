/**
 * createAgent(ctx): the agent that answers messages. The workspace's preset (presets.ts) picks
 * the model (else ctx.models' default), the system prompt, temperature and limits; the model's
 * provider (providers/registry.ts) is the built-in offline model or a real one driven by the
 * agent loop (loop.ts) with the workspace's skills as tools (tools/).
 */
import type { GatewayContext } from '../context';
import type { Agent, AgentInput, AgentResult, Emit } from './types';
import { runOffline } from './providers/offline';
import { createModelRegistry, type ModelRegistry, type ModelRoute, type ProviderSpec } from './providers/registry';
import { createUpstreamCall } from './providers/upstream-request';
import { chatModel } from './providers/language-model';
import type { ChatModel } from './providers/chat';
import { resolvePreset } from './presets';
import { chatMessages, systemPrompt } from './prompt';
import { toolsFor, type AgentTool } from './tools';
import { runModel } from './loop';

const MAX_CACHED_MODELS = 64;

export type AgentContext = Pick<GatewayContext, 'config' | 'log'> &
  Partial<Pick<GatewayContext, 'models' | 'stores' | 'clock'>>;

export function createAgent(ctx: AgentContext): Agent {
  // Contexts built by createContext carry the registry (with the Ollama probe's outcome); read it
  // at each call, since the agent may be created before the agent feature's start has probed.
  let own: ModelRegistry | undefined;
  const registry = () => ctx.models ?? (own ??= createModelRegistry(ctx.config, process.env));
  const now = () => new Date(ctx.clock?.now() ?? Date.now());
  // One adapter (and its retrying call) per provider and model name, for as long as the
  // registry keeps that provider (bounded per provider).
  const modelCache = new WeakMap<ProviderSpec, Map<string, ChatModel>>();
  const modelFor = (route: ModelRoute): ChatModel => {
    let byName = modelCache.get(route.provider);
    if (!byName) modelCache.set(route.provider, (byName = new Map<string, ChatModel>()));
    let model = byName.get(route.model);
    if (!model) {
      model = chatModel(route, createUpstreamCall({ provider: route.provider, model: route.model, log: ctx.log }));
      if (byName.size >= MAX_CACHED_MODELS) byName.clear();
      byName.set(route.model, model);
    }
    return model;
  };

  async function run(input: AgentInput, emit: Emit): Promise<AgentResult> {
    const preset = resolvePreset(ctx.config, input.workspace.agent) ?? resolvePreset(ctx.config, 'balanced')!;
    const models = registry();
    const route = models.route(preset.model ?? models.defaultModel);
    if (route.provider.type === 'offline') return runOffline(input, emit);
    const tools = ctx.stores
      ? toolsFor(input.workspace.skills, {
          config: ctx.config,
          memory: ctx.stores.memory,
          workspaceId: input.workspace.id,
          userId: input.userId,
        })
      : new Map<string, AgentTool>();
    return runModel(
      {
        model: modelFor(route),
        route,
        preset,
        system: systemPrompt(preset, input, now()),
        messages: chatMessages(input),
        tools,
        signal: input.signal,
        log: ctx.log,
      },
      emit,
    );
  }

  return {
    get defaultModel() {
      return registry().defaultModel;
    },
    run,
  };
}
