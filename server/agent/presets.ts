/**
 * Agent presets: how a workspace's agent answers (model, system prompt, temperature, tool-step
 * limit). `balanced` is built in; the config's `agents` add presets or override built-in ones.
 */
import type { AgentPreset, Config } from '../config-schema';

export interface ResolvedPreset {
  name: string;
  /** Null: the gateway's default model. */
  model: string | null;
  systemPrompt: string;
  temperature: number;
  maxToolSteps: number;
  maxTokens: number;
}

const BUILT_IN: Record<string, Required<Omit<AgentPreset, 'model'>> & { model?: string }> = {
  balanced: {
    systemPrompt:
      'You are OpenClaw, a helpful assistant for a team. Answer clearly and concisely. Use the tools you are given when they help.',
    temperature: 0.7,
    maxToolSteps: 5,
    maxTokens: 2048,
  },
};

export function presetNames(config: Config): string[] {
  return [...new Set([...Object.keys(BUILT_IN), ...Object.keys(config.agents)])].sort();
}

export function resolvePreset(config: Config, name: string): ResolvedPreset | null {
  const base = BUILT_IN[name];
  const custom = config.agents[name];
  if (!base && !custom) return null;
  const merged = { ...BUILT_IN.balanced, ...(base ?? {}), ...(custom ?? {}) };
  return {
    name,
    model: merged.model ?? null,
    systemPrompt: merged.systemPrompt,
    temperature: merged.temperature,
    maxToolSteps: merged.maxToolSteps,
    maxTokens: merged.maxTokens,
  };
}
