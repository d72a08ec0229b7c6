/**
 * `npm start` with nothing configured: the CLI spawned as a real process in an empty directory,
 * with the embedded redis-server in its state directory. Covers the first-start admin key,
 * SIGTERM (gateway and redis-server gone), a restart keeping data, the CLI beside a running
 * gateway and without one, and a redis-server orphaned by a SIGKILLed gateway.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { freePort, spawnRedis } from '../../server/embedded-redis';
import { alive, cleanEnv, runCli, startCli, tempDir, waitUntil, type LongRunning } from './process';

const KEY_LINES =
  /API Key: (oclaw_live_[0-9A-Za-z]{32,})\nLabel: (.+)\nWorkspaces: (.+)\nCreated: (\d{4}-\d{2}-\d{2})\nSave this key immediately — it is only shown once\.\n/;

describe('embedded default (openclaw start in an empty directory)', () => {
  const cwd = tempDir('openclaw-embedded-');
  const stateDir = join(cwd, '.openclaw');
  const runtimeFile = join(stateDir, 'redis.json');
  let port: number;
  let env: NodeJS.ProcessEnv;
  let running: LongRunning | null = null;
  let adminKey: string;
  let cliKey: string;

  const redisPid = () => (JSON.parse(readFileSync(runtimeFile, 'utf8')) as { pid: number }).pid;
  const health = (key: string) =>
    fetch(`http://127.0.0.1:${port}/api/v1/health`, { headers: { authorization: `Bearer ${key}` } });
  const start = async () => {
    const p = startCli(['start'], { cwd, env });
    await p.waitFor(/Listening on (http:\/\/\S+)/);
    running = p;
    return p;
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const p = running!;
    running = null;
    p.child.kill(signal);
    return p.exited;
  };

  beforeAll(async () => {
    port = await freePort();
    env = cleanEnv({ PORT: String(port) });
  });
  afterAll(async () => {
    if (running) await stop();
    if (existsSync(runtimeFile)) {
      const pid = redisPid();
      if (alive(pid)) process.kill(pid, 'SIGTERM');
    }
  });

  it('first start prints one admin key in the CLI format and serves the contract health object', async () => {
    const p = await start();
    const m = p.output().match(KEY_LINES);
    expect(m).not.toBeNull();
    adminKey = m![1];
    expect(m![2]).toBe('Admin (first start)');
    expect(m![3]).toBe('*');
    expect(m![4]).toBe(new Date().toISOString().slice(0, 10));
    expect(p.output()).toContain(`Listening on http://127.0.0.1:${port}/api/v1 (model: offline`);
    // Bound to loopback only (the default), and the banner says so; the port is closed on other interfaces.
    await p.waitFor(/local only/);
    expect(p.output()).toContain(
      'local only; set HOST=0.0.0.0 (or api.host) to accept connections from other machines',
    );
    const other = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (other) await expect(fetch(`http://${other.address}:${port}/healthz`)).rejects.toThrow();
    expect(p.output()).not.toMatch(/Authorization|Bearer/);

    const res = await health(adminKey);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(['channels', 'memoryMB', 'model', 'redis', 'status', 'uptime', 'version']);
    expect(body).toMatchObject({ status: 'ok', version: '1.4.2', channels: {}, redis: 'connected', model: 'offline' });
    expect(Number.isInteger(body.uptime) && Number.isInteger(body.memoryMB) && body.memoryMB > 0).toBe(true);
    expect(existsSync(join(stateDir, 'redis', 'appendonlydir'))).toBe(true);
  });

  it('the CLI shares the running gateway’s redis and its key works at once', async () => {
    const gatewayRedis = redisPid();
    const r = await runCli(['api-key', 'create', '--label', 'Beside', '--workspaces', 'default', '--json'], {
      cwd,
      env,
    });
    expect(r.code).toBe(0);
    cliKey = JSON.parse(r.stdout).apiKey;
    expect((await health(cliKey)).status).toBe(200);
    expect(redisPid()).toBe(gatewayRedis);
    expect(alive(gatewayRedis)).toBe(true);

    const list = await runCli(['api-key', 'list'], { cwd, env });
    expect(list.stdout).toContain('Admin (first start)');
    expect(list.stdout).toContain('Beside');
    expect(list.stdout).not.toContain(adminKey);
  });

  it('SIGTERM stops the gateway and its redis-server, leaving nothing behind', async () => {
    const pid = redisPid();
    const code = await stop('SIGTERM');
    expect(code).toBe(0);
    await waitUntil(() => !alive(pid), 5000, 'redis-server to exit');
    expect(existsSync(runtimeFile)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('the CLI works with no gateway running: starts and stops its own redis-server', async () => {
    const r = await runCli(['api-key', 'create', '--label', 'Offline', '--workspaces', 'team,admins'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(KEY_LINES);
    expect(existsSync(runtimeFile)).toBe(false);
    const list = await runCli(['api-key', 'list', '--json'], { cwd, env });
    expect(JSON.parse(list.stdout).map((k: { label: string }) => k.label)).toEqual([
      'Admin (first start)',
      'Beside',
      'Offline',
    ]);
  });

  it('a second start keeps the data, prints no new admin key, and the old keys still work', async () => {
    const p = await start();
    expect(p.output()).not.toContain('API Key:');
    // Says how to get a key back, since none is printed.
    await p.waitFor(/API keys? in Redis/);
    expect(p.output()).toContain(
      '3 API keys in Redis (shown only when made). A new one: npx openclaw api-key create --admin --label "Admin"',
    );
    expect((await health(adminKey)).status).toBe(200);
    expect((await health(cliKey)).status).toBe(200);
  });

  it('a redis-server orphaned by a SIGKILLed gateway is flushed, stopped and replaced', async () => {
    const orphan = redisPid();
    expect(await stop('SIGKILL')).toBe('SIGKILL');
    expect(alive(orphan)).toBe(true);

    const p = await start();
    expect(p.output()).toContain(`stopping orphaned redis-server (pid ${orphan})`);
    expect(alive(orphan)).toBe(false);
    const fresh = redisPid();
    expect(fresh).not.toBe(orphan);
    expect((await health(cliKey)).status).toBe(200);

    expect(await stop('SIGINT')).toBe(0);
    await waitUntil(() => !alive(fresh), 5000, 'redis-server to exit');
  });
});

describe('openclaw start while Redis is not reachable yet', () => {
  it('listens at once, answers 503 starting, says once that it waits, then starts when Redis comes; stops cleanly on SIGTERM', async () => {
    const cwd = tempDir('openclaw-starting-');
    const [port, redisPort] = [await freePort(), await freePort()];
    const p = startCli(['start'], {
      cwd,
      env: cleanEnv({ PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}` }),
    });
    let redis: Awaited<ReturnType<typeof spawnRedis>> | null = null;
    try {
      await waitUntil(
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200,
        15000,
        'the gateway to listen',
      );
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).not.toBeNull();
      expect((await res.json()).error.code).toBe('starting');
      expect(p.output()).not.toContain('Listening on');
      // One plain line for the state, not one per reconnect attempt; when Redis comes: one line, then the banner.
      await p.waitFor(/waiting for Redis/);
      redis = await spawnRedis({ port: redisPort });
      await p.waitFor(/Listening on/, 30000);
      const lines = p
        .output()
        .split('\n')
        .filter((l) => /Redis at|waiting for Redis/.test(l));
      expect(lines).toEqual([
        `waiting for Redis at redis://127.0.0.1:${redisPort}: connection refused; retrying`,
        `Redis at redis://127.0.0.1:${redisPort} is reachable`,
      ]);
      expect(p.output()).not.toMatch(/ECONNREFUSED/);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toBe(0);
    await redis?.stop();
    expect(p.output()).toContain('SIGTERM: shutting down');
  });
});

describe('several CLI commands at once on one state directory, no gateway', () => {
  it('take turns with the embedded redis-server: all succeed, nothing is lost, nothing is left running', async () => {
    const cwd = tempDir('openclaw-concurrent-');
    const env = cleanEnv();
    const results = await Promise.all(
      ['a', 'b', 'c'].map((label) =>
        runCli(['api-key', 'create', '--label', label, '--json'], { cwd, env, timeoutMs: 60000 }),
      ),
    );
    for (const r of results) expect([r.code, r.stderr]).toEqual([0, '']);
    expect(existsSync(join(cwd, '.openclaw', 'redis.json'))).toBe(false);
    expect(existsSync(join(cwd, '.openclaw', 'redis.lock'))).toBe(false);
    const list = await runCli(['api-key', 'list', '--json'], { cwd, env });
    expect(
      JSON.parse(list.stdout)
        .map((k: { label: string }) => k.label)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
  });
});
