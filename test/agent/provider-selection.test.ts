/**
 * Which model answers: config providers (+ model), else OPENAI_* / ANTHROPIC_* environment
 * variables with OPENCLAW_MODEL, else Ollama if it answers the start probe, else offline.
 */
import type { FastifyBaseLogger } from 'fastify';
import { parseConfig } from '../../server/config';
import { createModelRegistry, probeOllama } from '../../server/agent/providers/registry';
import { resolveDefaultModel } from '../../server/agent/feature';
import { startFakeOpenAI } from '../fakes/openai';
import type { FakeLlm } from '../fakes/llm-script';
import { startTestGateway } from '../helpers/gateway';
import { collect, input } from './helpers';
import { createAgent } from '../../server/agent';

const cfg = (raw: Record<string, any> = {}) => parseConfig(raw, {});
const summary = (r: ReturnType<typeof createModelRegistry>) => ({
  source: r.source,
  defaultModel: r.defaultModel,
  providers: r.providers.map((p) => ({
    name: p.name,
    type: p.type,
    baseUrl: p.baseUrl,
    apiKey: p.apiKey,
    models: p.models,
  })),
  ollama: r.ollamaProbeUrl,
});

describe('provider selection', () => {
  it('nothing configured: offline, probing Ollama on 127.0.0.1:11434 (or OLLAMA_BASE_URL)', () => {
    expect(summary(createModelRegistry(cfg(), {}))).toEqual({
      source: 'offline',
      defaultModel: 'offline',
      providers: [],
      ollama: 'http://127.0.0.1:11434',
    });
    expect(createModelRegistry(cfg(), { OLLAMA_BASE_URL: 'http://gpu-box:11434/' }).ollamaProbeUrl).toBe(
      'http://gpu-box:11434',
    );
    expect(createModelRegistry(cfg(), { OLLAMA_BASE_URL: 'off' }).ollamaProbeUrl).toBeNull();
    expect(createModelRegistry(cfg({ model: 'offline' }), {}).ollamaProbeUrl).toBeNull();
  });

  it('config providers win over the environment; model from config, OPENCLAW_MODEL overrides', () => {
    const config = cfg({
      model: 'gpt-4o',
      providers: { router: { type: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1/', apiKey: 'k1' } },
    });
    expect(summary(createModelRegistry(config, { OPENAI_API_KEY: 'env-key' }))).toEqual({
      source: 'config',
      defaultModel: 'gpt-4o',
      providers: [
        {
          name: 'router',
          type: 'openai-compatible',
          baseUrl: 'https://openrouter.ai/api/v1',
          apiKey: 'k1',
          models: undefined,
        },
      ],
      ollama: null,
    });
    expect(createModelRegistry(config, { OPENCLAW_MODEL: 'mistral-large' }).defaultModel).toBe('mistral-large');
  });

  it('routes a model to the provider listing it (wildcards), else to the first without a list; offline always built in', () => {
    const r = createModelRegistry(
      cfg({
        model: 'claude-sonnet-4-0',
        providers: {
          claude: { type: 'anthropic', apiKey: 'a', models: ['claude-*'] },
          local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' },
        },
      }),
      {},
    );
    expect(r.route('claude-sonnet-4-0').provider.name).toBe('claude');
    expect(r.route('claude-sonnet-4-0').provider.baseUrl).toBe('https://api.anthropic.com/v1');
    expect(r.route('qwen2.5').provider.name).toBe('local');
    expect(r.route('offline').provider.type).toBe('offline');
  });

  it('a provider list without a model is a start-up error naming the fix; so is a model nobody serves', () => {
    expect(() => createModelRegistry(cfg({ providers: { p: { type: 'openai-compatible' } } }), {})).toThrow(
      'openclaw.json: "providers" are configured but no model is chosen: set "model" (or OPENCLAW_MODEL, or list "models" on a provider)',
    );
    expect(
      createModelRegistry(cfg({ providers: { p: { type: 'openai-compatible', models: ['llama3', 'qwen'] } } }), {})
        .defaultModel,
    ).toBe('llama3');
    expect(() =>
      createModelRegistry(cfg({ model: 'x', providers: { p: { type: 'anthropic', models: ['claude-*'] } } }), {}),
    ).toThrow('Model "x" is not available: no entry in config "providers" lists it in "models" (configured: p).');
  });

  it('OPENAI_API_KEY (+ OPENAI_BASE_URL) selects an OpenAI-compatible provider', () => {
    expect(
      summary(createModelRegistry(cfg(), { OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1' })),
    ).toEqual({
      source: 'env',
      defaultModel: 'gpt-4o-mini',
      providers: [
        {
          name: 'openai',
          type: 'openai-compatible',
          baseUrl: 'http://127.0.0.1:1234/v1',
          apiKey: 'sk-1',
          models: undefined,
        },
      ],
      ollama: null,
    });
    expect(
      createModelRegistry(cfg(), { OPENAI_API_KEY: 'sk-1', OPENCLAW_MODEL: 'gpt-4.1' }).route('gpt-4.1').provider
        .baseUrl,
    ).toBe('https://api.openai.com/v1');
  });

  it('ANTHROPIC_API_KEY (+ ANTHROPIC_BASE_URL) selects Anthropic; with both keys claude-* goes to Anthropic', () => {
    expect(
      summary(createModelRegistry(cfg(), { ANTHROPIC_API_KEY: 'ak', ANTHROPIC_BASE_URL: 'https://proxy.example.com' })),
    ).toEqual({
      source: 'env',
      defaultModel: 'claude-3-5-haiku-latest',
      providers: [
        { name: 'anthropic', type: 'anthropic', baseUrl: 'https://proxy.example.com', apiKey: 'ak', models: undefined },
      ],
      ollama: null,
    });
    const both = createModelRegistry(cfg(), {
      ANTHROPIC_API_KEY: 'ak',
      OPENAI_API_KEY: 'ok',
      OPENCLAW_MODEL: 'claude-sonnet-4-0',
    });
    expect(both.defaultModel).toBe('claude-sonnet-4-0');
    expect(both.route('claude-sonnet-4-0').provider.name).toBe('anthropic');
    expect(both.route('gpt-4o').provider.name).toBe('openai');
  });
});

describe('Ollama probe', () => {
  let ollama: FakeLlm;
  beforeAll(async () => {
    ollama = await startFakeOpenAI({ models: ['llama3.2:latest', 'qwen2.5:7b'] });
  });
  afterAll(() => ollama.close());

  it('uses the first model Ollama lists, and answers through its /v1 API', async () => {
    const config = cfg();
    const models = createModelRegistry(config, { OLLAMA_BASE_URL: ollama.url });
    const ctx = { config, models, defaultModel: 'offline', log: { info: jest.fn() } as unknown as FastifyBaseLogger };
    await resolveDefaultModel(ctx);
    expect(ctx.defaultModel).toBe('llama3.2:latest');
    expect(models.source).toBe('ollama');
    expect(ctx.log.info).toHaveBeenCalledWith(
      { model: 'llama3.2:latest', source: 'ollama' },
      `model: llama3.2:latest via ollama (openai-compatible, ${ollama.url}/v1, from OLLAMA_BASE_URL)`,
    );

    ollama.reply({ text: 'Hi from llama' });
    const { result } = await collect(createAgent({ config, log: ctx.log, models }), input('hello'));
    expect(result).toMatchObject({ response: 'Hi from llama', model: 'llama3.2:latest', provider: 'ollama' });
    expect(ollama.chats().at(-1)!.path).toBe('/v1/chat/completions');
  });

  it('stays offline when Ollama does not answer, and says so', async () => {
    const dead = await startFakeOpenAI();
    await dead.close();
    const config = cfg();
    const models = createModelRegistry(config, { OLLAMA_BASE_URL: dead.url });
    const ctx = { config, models, defaultModel: 'offline', log: { info: jest.fn() } as unknown as FastifyBaseLogger };
    await resolveDefaultModel(ctx);
    expect(ctx.defaultModel).toBe('offline');
    expect(ctx.log.info).toHaveBeenCalledWith(
      `no model provider configured and Ollama at ${dead.url} does not answer (ECONNREFUSED): using the built-in offline model`,
    );
    expect(ctx.log.info).toHaveBeenCalledWith(
      { model: 'offline', source: 'offline' },
      'model: offline (built-in deterministic model; configure a provider for real answers)',
    );
  });

  it('an Ollama without models is not used', async () => {
    const empty = await startFakeOpenAI({ models: [] });
    try {
      expect(await probeOllama(empty.url)).toEqual({
        model: null,
        reason: 'answers but has no model pulled (run `ollama pull <model>`)',
      });
    } finally {
      await empty.close();
    }
  });
});

describe('the gateway reports the chosen model', () => {
  it('health shows the configured provider model', async () => {
    const llm = await startFakeOpenAI();
    const gw = await startTestGateway({
      config: { model: 'fake-model', providers: { local: { type: 'openai-compatible', baseUrl: `${llm.url}/v1` } } },
    });
    try {
      const res = await gw.request('GET', '/api/v1/health');
      expect(res.status).toBe(200);
      expect(res.body.model).toBe('fake-model');
      expect(gw.gateway.ctx.defaultModel).toBe('fake-model');
    } finally {
      await gw.close();
      await llm.close();
    }
  });
  it('environment variables given to the gateway choose the provider (and only those: tests never see the real environment)', async () => {
    const llm = await startFakeOpenAI();
    const gw = await startTestGateway({
      env: { OPENAI_API_KEY: 'sk-env-key-123456', OPENAI_BASE_URL: `${llm.url}/v1`, OPENCLAW_MODEL: 'env-model' },
    });
    try {
      expect((await gw.request('GET', '/api/v1/health')).body.model).toBe('env-model');
      llm.reply({ text: 'from env' });
      const res = await gw.request('POST', '/api/v1/messages', {
        body: { workspace: 'default', userId: 'u', message: 'hi' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ response: 'from env', model: 'env-model' });
      expect(llm.chats()[0].headers.authorization).toBe('Bearer sk-env-key-123456');
    } finally {
      await gw.close();
      await llm.close();
    }
  });
});
