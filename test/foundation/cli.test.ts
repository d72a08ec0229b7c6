/**
 * `openclaw api-key …` spawned as a real process against the same Redis (REDIS_URL) as a running
 * gateway: exact output, masking, revoke/rotate taking effect at once, config keys, bad input.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis, testRedisUrl } from '../helpers/redis';
import { cleanEnv, runCli, tempDir } from './process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';

const CONFIG_KEY = 'cfg-key-0123456789abcdef';
const today = () => new Date().toISOString().slice(0, 10);

describe('openclaw api-key (CLI process, REDIS_URL)', () => {
  let gw: TestGateway;
  let redis: Redis;
  const cwd = tempDir('openclaw-cli-');
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(['api-key', ...args], { cwd, env });
  const health = (key: string) => gw.request('GET', '/api/v1/health', { key });

  beforeAll(async () => {
    const config = { api: { keys: [{ key: CONFIG_KEY, label: 'From config', workspaces: ['team'], rateLimit: 7 }] } };
    gw = await startTestGateway({ config });
    writeFileSync(join(cwd, 'openclaw.json'), JSON.stringify(config));
    env = cleanEnv({ REDIS_URL: testRedisUrl() });
    redis = rawRedis();
  });
  afterAll(async () => {
    await redis.quit();
    await gw.close();
  });

  it('create prints exactly the contract lines and the key works in the running gateway at once', async () => {
    const r = await cli('create', '--label', 'My App', '--workspaces', 'team,admins');
    expect(r.code).toBe(0);
    expect(r.stderr.match(/^warning: workspace '[a-z]+' does not exist/gm)).toEqual([
      "warning: workspace 'team' does not exist",
      "warning: workspace 'admins' does not exist",
    ]);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^API Key: oclaw_live_[0-9A-Za-z]{32,}$/);
    expect(lines.slice(1)).toEqual([
      'Label: My App',
      'Workspaces: team, admins',
      `Created: ${today()}`,
      'Save this key immediately — it is only shown once.',
      '',
    ]);
    const key = lines[0].slice('API Key: '.length);
    const res = await gw.request('GET', '/api/v1/workspaces', { key });
    expect(res.status).toBe(200);
    expect((await gw.request('GET', '/api/v1/workspaces/default', { key })).status).toBe(403);
  });

  it('create --json prints one object; permissions and rate limit apply', async () => {
    const r = await cli(
      'create',
      '--label',
      'Analytics',
      '--workspaces',
      '*',
      '--permissions',
      'stats:read,sessions:read',
      '--rate-limit',
      '30',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual([
      'apiKey',
      'createdAt',
      'id',
      'key',
      'label',
      'lastUsedAt',
      'permissions',
      'rateLimit',
      'source',
      'workspaces',
    ]);
    expect(out).toMatchObject({
      label: 'Analytics',
      workspaces: ['*'],
      permissions: ['stats:read', 'sessions:read'],
      rateLimit: 30,
      source: 'cli',
      lastUsedAt: null,
    });
    expect(out.key).toBe(`${out.apiKey.slice(0, 15)}…${out.apiKey.slice(-4)}`);
    const res = await health(out.apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('30');
    const denied = await gw.request('GET', '/api/v1/workspaces', { key: out.apiKey });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('workspaces:read');
  });

  it('never stores a plain key: every value in the database is scanned', async () => {
    const r = await cli('create', '--label', 'Scan me', '--json');
    const key: string = JSON.parse(r.stdout).apiKey;
    const seen: string[] = [];
    let cursor = '0';
    do {
      const [next, names] = await redis.scan(cursor, 'COUNT', 500);
      cursor = next;
      for (const name of names) {
        seen.push(name);
        const type = await redis.type(name);
        if (type === 'string') seen.push((await redis.get(name)) ?? '');
        if (type === 'hash') seen.push(...Object.entries(await redis.hgetall(name)).flat());
        if (type === 'set') seen.push(...(await redis.smembers(name)));
        if (type === 'list') seen.push(...(await redis.lrange(name, 0, -1)));
        if (type === 'zset') seen.push(...(await redis.zrange(name, 0, -1)));
      }
    } while (cursor !== '0');
    expect(seen.length).toBeGreaterThan(0);
    for (const secret of [key, gw.adminKey, CONFIG_KEY]) {
      expect(seen.filter((v) => v.includes(secret))).toEqual([]);
    }
  });

  it('list shows masked keys, scopes, limits, last use and source; never a plain key', async () => {
    await health(CONFIG_KEY);
    await new Promise((r) => setTimeout(r, 50)); // lastUsedAt is written after the response
    const r = await cli('list');
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
      'KEY',
      'ID',
      'LABEL',
      'WORKSPACES',
      'PERMISSIONS',
      'RATE LIMIT',
      'CREATED',
      'LAST USED',
      'SOURCE',
    ]);
    expect(r.stdout).not.toMatch(/oclaw_live_[0-9A-Za-z]{20,}/);
    expect(r.stdout).not.toContain(CONFIG_KEY);
    const cfg = rows.find((l) => l.includes('From config'))!;
    expect(cfg).toMatch(/^…cdef\s/);
    expect(cfg).toMatch(/\s7\/min\s/);
    expect(cfg).toMatch(/\sconfig$/);
    expect(cfg).not.toMatch(/\snever\s/);
    const app = rows.find((l) => l.includes('My App'))!;
    expect(app).toMatch(/^oclaw_live_[0-9A-Za-z]{4}…[0-9A-Za-z]{4}\s/);
    expect(app).toMatch(/team,admins/);
    expect(app).toMatch(new RegExp(`\\sdefault\\s+${today()}\\s+${today()} \\d\\d:\\d\\d:\\d\\d\\s+cli$`));
    const unused = rows.find((l) => l.includes('Scan me'))!;
    expect(unused).toMatch(new RegExp(`\\sdefault\\s+${today()}\\s+never\\s+cli$`));

    const json = JSON.parse((await cli('list', '--json')).stdout) as Array<{ source: string; label: string }>;
    expect(json.map((k) => k.label)).toEqual(
      expect.arrayContaining(['From config', 'My App', 'Analytics', 'test admin']),
    );
  });

  it.each(['key', 'masked', 'id'] as const)('revoke by %s takes effect in the running gateway at once', async (by) => {
    const made = JSON.parse((await cli('create', '--label', `Revoke by ${by}`, '--json')).stdout);
    expect((await health(made.apiKey)).status).toBe(200);
    const ref = by === 'key' ? made.apiKey : by === 'masked' ? made.key : made.id;
    const r = await cli('revoke', ref);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`Revoked: ${made.key} (Revoke by ${by})`);
    const res = await health(made.apiKey);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_api_key');
    const again = await cli('revoke', ref);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no active API key matches '${ref}'`);
  });

  it('rotate prints a new key like create, keeps label and scopes, and revokes the old one at once', async () => {
    const old = JSON.parse(
      (
        await cli(
          'create',
          '--label',
          'Rotating',
          '--workspaces',
          'team',
          '--permissions',
          'stats:read',
          '--rate-limit',
          '12',
          '--json',
        )
      ).stdout,
    );
    const r = await cli('rotate', old.apiKey);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^API Key: oclaw_live_[0-9A-Za-z]{32,}$/);
    expect(lines.slice(1, 4)).toEqual(['Label: Rotating', 'Workspaces: team', `Created: ${today()}`]);
    const fresh = lines[0].slice('API Key: '.length);
    expect(fresh).not.toBe(old.apiKey);
    expect((await health(old.apiKey)).status).toBe(401);
    const res = await health(fresh);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('12');
    const listed = JSON.parse((await cli('list', '--json')).stdout).find(
      (k: { label: string }) => k.label === 'Rotating',
    );
    expect(listed).toMatchObject({ workspaces: ['team'], permissions: ['stats:read'], rateLimit: 12, source: 'cli' });
  });

  it('config keys work and are managed in the file, not by revoke/rotate', async () => {
    expect((await health(CONFIG_KEY)).status).toBe(200);
    const r = await cli('revoke', '…cdef');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('declared in openclaw.json');
    expect((await health(CONFIG_KEY)).status).toBe(200);
  });

  it('an unreachable REDIS_URL → exit 1 saying so, with the password hidden', async () => {
    const r = await runCli(['api-key', 'list'], { cwd, env: cleanEnv({ REDIS_URL: 'redis://:hunter2@127.0.0.1:1' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'openclaw: cannot reach Redis at redis://:***@127.0.0.1:1 (is it running? check REDIS_URL)\n',
    );
  });

  it.each([
    [['revoke', 'oclaw_live_doesnotexist000000000000000000000'], "no active API key matches 'oclaw_live_doesnotexist"],
    [['rotate', 'key_nope'], "no active API key matches 'key_nope'"],
    [['revoke'], 'usage: openclaw api-key revoke'],
    [['create', '--workspaces', 'team'], '--label is required'],
    [['create', '--label', 'x', '--permissions', 'stats:read,admin:all'], "unknown permission 'admin:all'"],
    [['create', '--label', 'x', '--rate-limit=-1'], '--rate-limit must be an integer ≥ 0'],
    [['create', '--label', 'x', '--rate-limit', 'ten'], '--rate-limit must be an integer ≥ 0'],
    [['create', '--label', 'x', '--workspaces', 'Bad Id'], "--workspaces: 'Bad Id' is not a workspace id"],
    [['create', '--label', 'x', '--nope'], "Unknown option '--nope'"],
    [['create', '--label', 'x', '--workspaces', ''], '--workspaces needs at least one workspace id'],
    [['create', '--label', 'x', '--permissions', ','], '--permissions needs at least one of'],
    [['frobnicate'], 'usage: openclaw api-key <create|list|revoke|rotate>'],
  ])('%j → exit 1 with a clear message', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
