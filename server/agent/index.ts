/**
 * createAgent(ctx): the agent that answers messages. Today: the built-in offline model only;
 * the agent loop with providers (OpenAI-compatible, Anthropic, Ollama) and tools replaces this.
 */
import type { GatewayContext } from '../context';
import type { Agent } from './types';
import { OFFLINE_MODEL, runOffline } from './providers/offline';

export function createAgent(_ctx: Pick<GatewayContext, 'config' | 'log'>): Agent {
  return { defaultModel: OFFLINE_MODEL, run: runOffline };
}
