/**
 * The agent feature (ctx.models itself is made by createContext, from the config and the
 * environment): probes Ollama at start when no provider is configured (so the default model
 * is known before the gateway is ready), logs which model answers, and drops a workspace's
 * memory when the workspace is deleted.
 */
import type { Feature } from '../context';
import type { GatewayContext } from '../context';
import { probeOllama } from './providers/registry';

/** Probes Ollama if nothing else is configured; updates ctx.models and ctx.defaultModel. */
export async function resolveDefaultModel(
  ctx: Pick<GatewayContext, 'models' | 'log'> & { defaultModel: string },
): Promise<void> {
  const url = ctx.models.ollamaProbeUrl;
  if (url && ctx.models.source === 'offline') {
    const probe = await probeOllama(url, { preferred: ctx.models.pinnedModel });
    if (probe.model) ctx.models.useOllama(url, probe.model);
    else
      ctx.log.info(
        `no model provider configured and Ollama at ${url} ${probe.reason === 'answers' ? 'answers' : `does not answer (${probe.reason})`}: using the built-in offline model`,
      );
  }
  ctx.defaultModel = ctx.models.defaultModel;
  ctx.log.info({ model: ctx.models.defaultModel, source: ctx.models.source }, ctx.models.describe());
}

export const agentFeature: Feature = {
  name: 'agent',
  init(ctx) {
    ctx.onWorkspaceDeleted.push((workspaceId) => ctx.stores.memory.dropWorkspace(workspaceId));
  },
  async start(ctx) {
    await resolveDefaultModel(ctx);
    return () => Promise.resolve();
  },
};
