/**
 * openclaw.json: where it is found, ${VAR} substitution, validation errors that name the path,
 * environment overrides, the contract's blocks accepted verbatim, and a bad config stopping
 * `openclaw start` (a real process) with that message.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseConfig, ConfigError } from '../../server/config';
import { cleanEnv, runCli, tempDir, ROOT } from './process';
import { spawn } from 'node:child_process';
import { testRedisUrl } from '../helpers/redis';

/** The contract's "Enabling the API" block, verbatim. */
const CONTRACT_API = `{
"api": {
"enabled": true,
"port": 3000,
"prefix": "/api/v1",
"authentication": "bearer",
"cors": {
"origins": ["https://your-dashboard.com"],
"methods": ["GET", "POST", "PATCH", "DELETE"]
},
"keys": [
{
"key": "\${API_KEY_1}",
"label": "My Application",
"workspaces": ["team", "admins"],
"rateLimit": 100
}
]
}
}`;

/** The contract's "Key Scopes" key entry, verbatim. */
const CONTRACT_SCOPED_KEY = `{
"key": "\${READONLY_KEY}",
"label": "Analytics Service",
"workspaces": ["*"],
"permissions": ["stats:read", "sessions:read"],
"rateLimit": 30
}`;

/** The contract's "Webhooks (Outbound)" block, verbatim. */
const CONTRACT_WEBHOOKS = `{
"webhooks": {
"outbound": [
{
"url": "https://your-app.com/openclaw-events",
"secret": "\${WEBHOOK_SECRET}",
"events": [
"message.received",
"message.sent",
"session.started",
"session.ended",
"error.agent",
"channel.disconnected"
],
"retries": 3,
"timeoutMs": 5000
}
]
}
}`;

const ENV = {
  API_KEY_1: 'oclaw_live_contractkey0000000000000000000000',
  READONLY_KEY: 'readonly-key-0123456789',
  WEBHOOK_SECRET: 'whsec',
};

/** The message of the ConfigError that parsing `raw` throws. */
function errorOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfig(raw, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config file lookup', () => {
  it('no file: documented defaults, state in ./.openclaw', () => {
    const cwd = tempDir();
    const { config, file } = loadConfig({ cwd, env: {} });
    expect(file).toBeNull();
    expect(config.api).toEqual({
      enabled: true,
      port: 3000,
      host: '127.0.0.1',
      prefix: '/api/v1',
      authentication: 'bearer',
      keys: [],
      defaultRateLimit: 600,
      bodyLimitBytes: 1048576,
    });
    expect(config.stateDir).toBe(join(cwd, '.openclaw'));
    expect(config.redis).toEqual({ maxmemory: '25%' }); // the embedded Redis's memory limit (docs/configuration.md)
  });

  it('openclaw.json in the working directory; OPENCLAW_CONFIG; an explicit path (--config) first', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'conf'));
    writeFileSync(join(cwd, 'openclaw.json'), JSON.stringify({ api: { port: 1111 } }));
    writeFileSync(join(cwd, 'conf', 'env.json'), JSON.stringify({ api: { port: 2222 } }));
    writeFileSync(join(cwd, 'conf', 'flag.json'), JSON.stringify({ api: { port: 3333 } }));
    expect(loadConfig({ cwd, env: {} })).toMatchObject({
      file: join(cwd, 'openclaw.json'),
      config: { api: { port: 1111 } },
    });
    const env = { OPENCLAW_CONFIG: 'conf/env.json' };
    expect(loadConfig({ cwd, env })).toMatchObject({
      file: join(cwd, 'conf', 'env.json'),
      config: { api: { port: 2222 } },
    });
    expect(loadConfig({ cwd, env, path: 'conf/flag.json' })).toMatchObject({
      file: join(cwd, 'conf', 'flag.json'),
      config: { api: { port: 3333 } },
    });
  });

  it('an explicit file that is missing or not JSON is an error naming it', () => {
    const cwd = tempDir();
    expect(() => loadConfig({ cwd, env: { OPENCLAW_CONFIG: 'nope.json' } })).toThrow(
      `${join(cwd, 'nope.json')}: config file not found`,
    );
    writeFileSync(join(cwd, 'openclaw.json'), '{"api": {');
    expect(() => loadConfig({ cwd, env: {} })).toThrow(new RegExp(`^${join(cwd, 'openclaw.json')}: not valid JSON`));
  });
});

describe('${VAR} substitution', () => {
  const keyed = (key: string) => ({ api: { keys: [{ key, label: 'k' }] } });

  it('replaces ${VAR} anywhere in a string, and ${VAR:-default} when unset or empty', () => {
    const c = parseConfig(
      { api: { prefix: '/${P1}/${P2:-v1}', keys: [{ key: 'pre-${K}-post', label: '${L:-fallback label}' }] } },
      { P1: 'gw', K: 'secret-0123456789', L: '' },
    );
    expect(c.api.prefix).toBe('/gw/v1');
    expect(c.api.keys[0]).toMatchObject({ key: 'pre-secret-0123456789-post', label: 'fallback label' });
  });

  it('a missing variable is an error naming it and where it is used', () => {
    expect(errorOf(keyed('${API_KEY_1}'))).toBe(
      'api.keys[0].key: environment variable API_KEY_1 is not set (referenced as ${API_KEY_1})',
    );
  });

  it('substituted values are validated like written ones', () => {
    expect(errorOf(keyed('${SHORT}'), { SHORT: 'abc' })).toBe(
      'invalid configuration:\n  api.keys[0].key: must NOT have fewer than 16 characters',
    );
  });
});

describe('validation errors name the path', () => {
  it.each([
    [
      { api: { keys: [{ key: 'k'.repeat(16), label: 'x', rateLimit: -1 }] } },
      'api.keys[0].rateLimit: must be an integer ≥ 0',
    ],
    [
      { api: { keys: [{ key: 'k'.repeat(16), label: 'x', rateLimit: '30' }] } },
      'api.keys[0].rateLimit: must be an integer ≥ 0',
    ],
    [
      { api: { keys: [{ key: 'k'.repeat(16), label: 'x', rateLimit: 1.5 }] } },
      'api.keys[0].rateLimit: must be an integer ≥ 0',
    ],
    [{ api: { port: 70000 } }, 'api.port: must be an integer ≥ 0 and ≤ 65535'],
    [{ api: { enabled: 'yes' } }, 'api.enabled: must be boolean'],
    [{ api: { authentication: 'basic' } }, 'api.authentication: must be "bearer"'],
    [{ api: { prefix: 'api' } }, 'api.prefix: must match'],
    [{ api: { prefix: '/api/v1/' } }, 'api.prefix: must match'],
    [{ api: { keys: [{ key: 'k'.repeat(16) }] } }, 'api.keys[0].label: is required'],
    [
      { api: { keys: [{ key: 'k'.repeat(16), label: 'x', workspaces: ['Team'] }] } },
      'api.keys[0].workspaces[0]: must match',
    ],
    [
      { api: { keys: [{ key: 'k'.repeat(16), label: 'x', workspaces: [] }] } },
      'api.keys[0].workspaces: must NOT have fewer than 1 items',
    ],
    [
      { api: { keys: [{ key: 'k'.repeat(16), label: 'x', permissions: [] }] } },
      'api.keys[0].permissions: must NOT have fewer than 1 items',
    ],
    [
      { api: { keys: [{ key: 'k'.repeat(16), label: 'x', permissions: ['stats:read', 'admin'] }] } },
      'api.keys[0].permissions[1]: must be one of "messages:write", "messages:read"',
    ],
    [
      {
        api: {
          keys: [
            { key: 'k'.repeat(16), label: 'x' },
            { key: 'k'.repeat(16), label: 'y' },
          ],
        },
      },
      'api.keys[1].key: the same key is already declared at api.keys[0]',
    ],
    [{ api: { cors: { origin: ['x'] } } }, 'api.cors.origin: unknown key (known keys: origins, methods)'],
    [
      { api: { portt: 1 } },
      'api.portt: unknown key (known keys: enabled, port, host, prefix, authentication, cors, keys, defaultRateLimit, bodyLimitBytes)',
    ],
    [{ apii: {} }, 'apii: unknown key'],
    [{ redis: { url: 'http://x' } }, 'redis.url: must match'],
    [
      { workspaces: [{ id: 'team', agent: 'genius' }] },
      "workspaces[0].agent: unknown agent preset 'genius'; known: balanced",
    ],
    [{ workspaces: [{ id: 'team', skills: ['teleport'] }] }, "workspaces[0].skills[0]: unknown skill 'teleport'"],
    [{ workspaces: [{ id: 'team' }, { id: 'team' }] }, "workspaces[1].id: 'team' is already declared at workspaces[0]"],
    [
      { webhooks: { outbound: [{ url: 'ftp://x', secret: 's', events: ['message.sent'] }] } },
      'webhooks.outbound[0].url: must match',
    ],
  ])('%j → %s', (raw, message) => {
    const err = errorOf(raw);
    expect(err.startsWith('invalid configuration:\n  ')).toBe(true);
    expect(err).toContain(message);
  });

  it('lists every problem at once', () => {
    const err = errorOf({ api: { port: -1, prefix: 3 }, nope: 1 });
    expect(
      err
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(':')[0])
        .sort(),
    ).toEqual(['api.port', 'api.prefix', 'nope']);
  });
});

describe('environment overrides', () => {
  it('PORT, OPENCLAW_PORT (wins), REDIS_URL, OPENCLAW_STATE_DIR', () => {
    expect(parseConfig({ api: { port: 1 } }, { PORT: '4000' }).api.port).toBe(4000);
    expect(parseConfig({}, { PORT: '4000', OPENCLAW_PORT: '5000' }).api.port).toBe(5000);
    const c = parseConfig(
      { redis: { url: 'redis://file:6379' } },
      { REDIS_URL: 'redis://env:6379/2', OPENCLAW_STATE_DIR: '/tmp/x' },
    );
    expect(c.redis.url).toBe('redis://env:6379/2');
    expect(c.stateDir).toBe('/tmp/x');
    expect(() => parseConfig({}, { PORT: 'abc' })).toThrow("PORT: must be an integer ≥ 0 and ≤ 65535, got 'abc'");
    expect(() => parseConfig({}, { OPENCLAW_PORT: '70000' })).toThrow('must be an integer ≥ 0 and ≤ 65535');
    expect(() => parseConfig({}, { REDIS_URL: 'localhost:6379' })).toThrow(
      'REDIS_URL: must start with redis:// or rediss://',
    );
  });

  it('HOST / OPENCLAW_HOST (wins) open the bind that defaults to 127.0.0.1', () => {
    expect(parseConfig({}, {}).api.host).toBe('127.0.0.1');
    expect(parseConfig({}, { HOST: '0.0.0.0' }).api.host).toBe('0.0.0.0');
    expect(parseConfig({ api: { host: '::1' } }, { HOST: '0.0.0.0', OPENCLAW_HOST: '::' }).api.host).toBe('::');
    expect(parseConfig({ api: { host: '::1' } }, {}).api.host).toBe('::1');
  });

  it('LOG_LEVEL overrides logging.level; both must be a pino level', () => {
    expect(parseConfig({ logging: { level: 'debug' } }, {}).logging.level).toBe('debug');
    expect(parseConfig({ logging: { level: 'debug' } }, { LOG_LEVEL: 'warn' }).logging.level).toBe('warn');
    expect(() => parseConfig({}, { LOG_LEVEL: 'loud' })).toThrow(
      'LOG_LEVEL: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got \'loud\'',
    );
    expect(errorOf({ logging: { level: 'verbose' } })).toContain('logging.level: must be one of "fatal"');
  });
});

describe('the contract’s blocks, verbatim', () => {
  it('the api block, the scoped key entry and the webhooks block are accepted as written', () => {
    const api = JSON.parse(CONTRACT_API);
    api.api.keys.push(JSON.parse(CONTRACT_SCOPED_KEY));
    const c = parseConfig({ ...api, ...JSON.parse(CONTRACT_WEBHOOKS) }, ENV);
    expect(c.api).toMatchObject({
      enabled: true,
      port: 3000,
      prefix: '/api/v1',
      authentication: 'bearer',
      cors: { origins: ['https://your-dashboard.com'], methods: ['GET', 'POST', 'PATCH', 'DELETE'] },
    });
    expect(c.api.keys).toEqual([
      { key: ENV.API_KEY_1, label: 'My Application', workspaces: ['team', 'admins'], rateLimit: 100 },
      {
        key: ENV.READONLY_KEY,
        label: 'Analytics Service',
        workspaces: ['*'],
        permissions: ['stats:read', 'sessions:read'],
        rateLimit: 30,
      },
    ]);
    expect(c.webhooks.outbound[0]).toMatchObject({
      url: 'https://your-app.com/openclaw-events',
      secret: 'whsec',
      retries: 3,
      timeoutMs: 5000,
    });
    expect(c.webhooks.outbound[0].events).toHaveLength(6);
  });
});

describe('openclaw start with a bad config (real process)', () => {
  it('stops before doing anything, naming the path; exit code 1, no stack trace', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'custom.json'),
      JSON.stringify({ api: { keys: [{ key: 'k'.repeat(16), label: 'x', rateLimit: -5 }] } }),
    );
    const r = await runCli(['start', '--config', 'custom.json'], { cwd, env: cleanEnv() });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('openclaw: invalid configuration:\n  api.keys[0].rateLimit: must be an integer ≥ 0\n');
    expect(r.stdout).toBe('');
  });

  it('a config schedule that cannot be armed (unknown workspace): one line naming it, no stack trace', async () => {
    const cwd = tempDir();
    const schedule = { id: 'standup', workspace: 'nope', userId: 'u1', message: 'Summarise', cron: '0 9 * * 1-5' };
    writeFileSync(join(cwd, 'openclaw.json'), JSON.stringify({ schedules: [schedule] }));
    const r = await runCli(['start'], { cwd, env: cleanEnv({ REDIS_URL: testRedisUrl(), PORT: '0' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("openclaw: invalid configuration: schedules[0].workspace: unknown workspace 'nope'\n");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing variable in openclaw.json found through OPENCLAW_CONFIG', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'x.json'), CONTRACT_API);
    const r = await runCli(['start'], { cwd, env: cleanEnv({ OPENCLAW_CONFIG: 'x.json' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'openclaw: api.keys[0].key: environment variable API_KEY_1 is not set (referenced as ${API_KEY_1})\n',
    );
  });

  it('npx openclaw --help works from the checkout', async () => {
    const child = spawn('npx', ['--no-install', 'openclaw', '--help'], { cwd: ROOT, env: process.env });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toContain('Usage:');
    expect(out).toContain('openclaw api-key create --label "My App" --workspaces team,admins');
  });
});
