/**
 * Which model answers, and which provider serves a model name. Chosen once per process:
 *   1. config `providers` (+ `model`, or the first provider's first listed model);
 *   2. else OPENAI_API_KEY / OPENAI_BASE_URL and/or ANTHROPIC_API_KEY (+ ANTHROPIC_BASE_URL);
 *   3. else Ollama at OLLAMA_BASE_URL (default http://127.0.0.1:11434) if it answers a short
 *      probe at start (probeOllama, from the agent feature);
 *   4. else the built-in `offline` model.
 * OPENCLAW_MODEL overrides the default model in every case. The model name `offline` always
 * routes to the built-in model, so a preset can pick it even when providers are configured.
 */
import { PROVIDER_DEFAULTS, type Config, type ProviderConfig } from '../../config-schema';
import { OFFLINE_MODEL } from './offline';
import { UpstreamError } from '../types';
import { ConfigError } from '../../errors';

export interface ProviderSpec {
  /** The provider's name: its key in config `providers`, or openai / anthropic / ollama. */
  name: string;
  type: ProviderConfig['type'];
  baseUrl: string;
  apiKey?: string;
  /** Model names (with `*` wildcards) this provider serves; undefined: any model. */
  models?: string[];
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  /** Where the user configures it, for error messages and logs. */
  origin: string;
}

export interface ModelRoute {
  model: string;
  provider: ProviderSpec;
}

export type ModelSource = 'config' | 'env' | 'ollama' | 'offline';

export const DEFAULT_BASE_URLS = {
  'openai-compatible': 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  offline: '',
} as const;
/** Default models when a key is given through the environment without OPENCLAW_MODEL. */
export const ENV_DEFAULT_MODELS = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku-latest' } as const;
export const OLLAMA_DEFAULT_URL = 'http://127.0.0.1:11434';

const OFFLINE_PROVIDER: ProviderSpec = {
  name: 'offline',
  type: 'offline',
  baseUrl: '',
  timeoutMs: 0,
  retries: 0,
  retryBaseDelayMs: 0,
  origin: 'built-in',
};

const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
const serves = (p: ProviderSpec, model: string) => !p.models || p.models.some((m) => globToRegExp(m).test(model));

export class ModelRegistry {
  constructor(
    public providers: ProviderSpec[],
    public defaultModel: string,
    public source: ModelSource,
    /** Set when nothing is configured: the Ollama URL to probe at start. */
    readonly ollamaProbeUrl: string | null = null,
    /** The model asked for by OPENCLAW_MODEL or config `model` (used with Ollama too). */
    readonly pinnedModel?: string,
  ) {}

  /** The provider serving `model`: the first whose `models` match, else the first without a list. */
  route(model: string): ModelRoute {
    if (model === OFFLINE_MODEL) return { model, provider: OFFLINE_PROVIDER };
    const provider = this.providers.find((p) => p.models && serves(p, model)) ?? this.providers.find((p) => !p.models);
    if (!provider) {
      const hint = this.providers.length
        ? `no entry in config "providers" lists it in "models" (configured: ${this.providers.map((p) => p.name).join(', ')})`
        : 'no model provider is configured (set "providers" in openclaw.json, or OPENAI_API_KEY / ANTHROPIC_API_KEY)';
      throw new UpstreamError(`Model "${model}" is not available: ${hint}.`);
    }
    return { model, provider };
  }

  /** Ollama answered the start probe: it serves every model from now on. */
  useOllama(url: string, model: string): void {
    this.providers = [
      {
        name: 'ollama',
        type: 'openai-compatible',
        baseUrl: `${url.replace(/\/+$/, '')}/v1`,
        ...PROVIDER_DEFAULTS,
        origin: 'OLLAMA_BASE_URL',
      },
    ];
    this.defaultModel = model;
    this.source = 'ollama';
  }

  /** One line for the start log: which model answers, through what. */
  describe(): string {
    if (this.defaultModel === OFFLINE_MODEL)
      return 'model: offline (built-in deterministic model; configure a provider for real answers)';
    const { provider } = this.route(this.defaultModel);
    return `model: ${this.defaultModel} via ${provider.name} (${provider.type}, ${provider.baseUrl}, from ${provider.origin})`;
  }
}

function fromConfig(name: string, p: ProviderConfig): ProviderSpec {
  return {
    name,
    type: p.type,
    baseUrl: (p.baseUrl ?? DEFAULT_BASE_URLS[p.type]).replace(/\/+$/, ''),
    apiKey: p.apiKey || undefined,
    models: p.models,
    timeoutMs: p.timeoutMs,
    retries: p.retries,
    retryBaseDelayMs: p.retryBaseDelayMs,
    origin: `config providers.${name}`,
  };
}

function fromEnv(env: NodeJS.ProcessEnv): ProviderSpec[] {
  const list: ProviderSpec[] = [];
  const openai = env.OPENAI_API_KEY || env.OPENAI_BASE_URL;
  const anthropic = env.ANTHROPIC_API_KEY;
  if (openai) {
    list.push({
      name: 'openai',
      type: 'openai-compatible',
      baseUrl: (env.OPENAI_BASE_URL || DEFAULT_BASE_URLS['openai-compatible']).replace(/\/+$/, ''),
      apiKey: env.OPENAI_API_KEY || undefined,
      ...PROVIDER_DEFAULTS,
      origin: 'OPENAI_API_KEY / OPENAI_BASE_URL',
    });
  }
  if (anthropic) {
    // With both keys set, claude-* models go to Anthropic and every other model to OpenAI.
    list.unshift({
      name: 'anthropic',
      type: 'anthropic',
      baseUrl: (env.ANTHROPIC_BASE_URL || DEFAULT_BASE_URLS.anthropic).replace(/\/+$/, ''),
      apiKey: anthropic,
      models: openai ? ['claude-*'] : undefined,
      ...PROVIDER_DEFAULTS,
      origin: 'ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL',
    });
  }
  return list;
}

/** The synchronous part of the choice (config, then environment); Ollama is probed later. */
export function createModelRegistry(config: Config, env: NodeJS.ProcessEnv): ModelRegistry {
  const pinned = env.OPENCLAW_MODEL || config.model;
  const configured = Object.entries(config.providers).map(([name, p]) => fromConfig(name, p));
  if (configured.length) {
    const model =
      pinned ??
      configured.find((p) => p.models?.length && !p.models[0].includes('*'))?.models?.[0] ??
      (configured.some((p) => p.type === 'offline') ? OFFLINE_MODEL : undefined);
    if (!model)
      throw new ConfigError(
        'openclaw.json: "providers" are configured but no model is chosen: set "model" (or OPENCLAW_MODEL, or list "models" on a provider)',
      );
    const registry = new ModelRegistry(configured, model, 'config');
    registry.route(model); // fails at start, not at the first message, when no provider serves it
    return registry;
  }
  const envProviders = fromEnv(env);
  if (envProviders.length) {
    const model =
      pinned ??
      (envProviders.some((p) => p.name === 'openai') ? ENV_DEFAULT_MODELS.openai : ENV_DEFAULT_MODELS.anthropic);
    return new ModelRegistry(envProviders, model, 'env');
  }
  if (pinned === OFFLINE_MODEL || env.OLLAMA_BASE_URL === 'off') return new ModelRegistry([], OFFLINE_MODEL, 'offline');
  return new ModelRegistry(
    [],
    OFFLINE_MODEL,
    'offline',
    (env.OLLAMA_BASE_URL || OLLAMA_DEFAULT_URL).replace(/\/+$/, ''),
    pinned,
  );
}

/**
 * Asks Ollama (GET /api/tags) which models it has. Returns the model to use (`preferred`, else
 * the first listed) or null when Ollama does not answer in time or has no model pulled.
 */
export async function probeOllama(
  url: string,
  opts: { timeoutMs?: number; preferred?: string } = {},
): Promise<{ model: string | null; reason: string }> {
  try {
    const res = await fetch(`${url}/api/tags`, { signal: AbortSignal.timeout(opts.timeoutMs ?? 1000) });
    if (!res.ok) return { model: null, reason: `HTTP ${res.status}` };
    const body = (await res.json()) as { models?: Array<{ name?: string }> };
    const names = (body.models ?? []).map((m) => m.name).filter((n): n is string => !!n);
    if (opts.preferred) return { model: opts.preferred, reason: 'answers' };
    return names.length
      ? { model: names[0], reason: 'answers' }
      : { model: null, reason: 'answers but has no model pulled (run `ollama pull <model>`)' };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { model: null, reason: e.cause?.code ?? e.name };
  }
}
