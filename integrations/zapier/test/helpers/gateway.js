'use strict';

/**
 * A live OpenClaw gateway for the app's tests, the way a user runs one: its own redis-server on a
 * free port, the gateway's built CLI (`openclaw start`, from the repository's dist/, so run
 * `npm run build` at the root first) on another, configured by an openclaw.json in a temp dir.
 * The first start prints the admin key, which the tests use as the Zapier connection's key.
 * Workspaces: `team` (the built-in offline model) and `broken` (an agent whose model's provider
 * refuses connections: every message ends in error.agent).
 */
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'server', 'cli', 'index.js');

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Resolves with the first match of `re` in the child's output; rejects when it exits first or after timeoutMs. */
const waitForOutput = (child, re, timeoutMs, what) =>
  new Promise((resolve, reject) => {
    let out = '';
    const onData = (b) => {
      out += b.toString();
      const m = out.match(re);
      if (m) {
        done();
        resolve({ match: m, output: out });
      }
    };
    const onExit = (code) => {
      done();
      reject(new Error(`${what} exited (${code}) before ready:\n${out}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what} not ready after ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  });

const stop = (child) =>
  new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

async function startGateway() {
  if (!fs.existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`npm run build\` at the repository root first (npm run test:zapier does)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-zapier-'));
  const [redisPort, port] = [await freePort(), await freePort()];
  const redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForOutput(redis, /Ready to accept connections/, 60000, 'redis-server').catch(async (err) => {
    await stop(redis);
    throw err;
  });

  fs.writeFileSync(
    path.join(dir, 'openclaw.json'),
    JSON.stringify({
      workspaces: [
        { id: 'team', label: 'Team' },
        { id: 'broken', agent: 'broken' },
      ],
      agents: { broken: { model: 'dead-model' } },
      providers: {
        dead: {
          type: 'openai-compatible',
          baseUrl: 'http://127.0.0.1:9/v1',
          apiKey: 'sk-none',
          models: ['dead-*'],
          retries: 0,
          timeoutMs: 2000,
        },
        local: { type: 'offline' },
      },
      // Retries in milliseconds, so a refused first attempt is retried within the test.
      webhooks: { retrySchedule: [200] },
    }),
  );
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    OLLAMA_BASE_URL: 'off',
    LOG_LEVEL: 'warn',
    OPENCLAW_STATE_DIR: dir,
  };
  const gateway = spawn(process.execPath, [CLI, 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  gateway.stdout.on('data', (b) => (output += b.toString()));
  gateway.stderr.on('data', (b) => (output += b.toString()));
  // Generous: on a loaded shared machine a start can take a minute or more.
  const ready = await waitForOutput(gateway, /Listening on (http:\/\/\S+?)\/api\/v1/, 150000, 'openclaw start').catch(
    async (err) => {
      await stop(gateway);
      await stop(redis);
      throw err;
    },
  );
  const key = (output + ready.output).match(/API Key: (oclaw_live_\S+)/);
  if (!key) throw new Error(`no admin key printed:\n${output}`);
  const baseUrl = ready.match[1];

  /** A direct API call with the admin key (what the Zap would not do itself: setup and checks). */
  const api = async (method, p, body) => {
    const res = await fetch(`${baseUrl}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${key[1]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  return {
    baseUrl,
    adminKey: key[1],
    authData: { baseUrl, apiKey: key[1] },
    api,
    output: () => output,
    async close() {
      await stop(gateway);
      await stop(redis);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startGateway };
