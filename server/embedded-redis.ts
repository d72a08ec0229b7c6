/**
 * The embedded default: when REDIS_URL is not set, run `redis-server` with its data (AOF on)
 * in the state directory. A `redis.json` beside the data says which process and port serve it,
 * so the CLI and a second gateway on the same state directory share one server, and a server
 * orphaned by a killed gateway is shut down (AOF flushed) instead of being trusted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';

export interface EmbeddedRedis {
  url: string;
  /** True when this process started the server (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

interface RuntimeFile {
  pid: number;
  port: number;
  ownerPid: number;
}

export type Say = (line: string) => void;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Finds redis-server; installs it with apt-get when running as root, else explains. */
export function ensureRedisServer(say: Say): string {
  const found = which('redis-server');
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && which('apt-get')) {
    say('redis-server not found: installing it with apt-get (apt-get install -y redis-server)…');
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const after = which('redis-server');
    if (update.status === 0 && install.status === 0 && after) return after;
  }
  throw new Error(
    'redis-server was not found on PATH. Install Redis 7 (Debian/Ubuntu: `sudo apt-get install redis-server`, ' +
      'macOS: `brew install redis`) or point the gateway at an existing server with REDIS_URL=redis://host:6379.',
  );
}

async function ping(port: number): Promise<Redis | null> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.ping();
    return c;
  } catch {
    c.disconnect();
    return null;
  }
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}: ${log()}`);
    const c = await ping(port);
    if (c) {
      c.disconnect();
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on port ${port} within ${timeoutMs} ms: ${log()}`);
}

export interface SpawnRedisOptions {
  dir?: string;
  persist?: boolean;
  databases?: number;
  say?: Say;
}

/** Spawns a redis-server on a free loopback port; resolves when it answers PING. */
export async function spawnRedis(opts: SpawnRedisOptions = {}): Promise<{ child: ChildProcess; port: number; url: string; stop: () => Promise<void> }> {
  const bin = ensureRedisServer(opts.say ?? (() => undefined));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no', '--loglevel', 'warning'];
  if (opts.dir) args.push('--dir', opts.dir);
  args.push('--appendonly', opts.persist ? 'yes' : 'no');
  if (opts.persist) args.push('--appendfsync', 'everysec');
  if (opts.databases) args.push('--databases', String(opts.databases));
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (b: Buffer) => {
    output = (output + b.toString()).slice(-2000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await waitForPort(port, child, 15000, () => output.trim());
  const stop = () => stopChild(child);
  return { child, port, url: `redis://127.0.0.1:${port}`, stop };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM'); // redis-server flushes the AOF and exits on SIGTERM
  });
}

/**
 * The state directory's Redis: reuse one that a live gateway (or CLI) owns, shut down an orphan,
 * otherwise start a new one. `stop()` stops it only if this process started it.
 */
export async function startEmbeddedRedis(stateDir: string, say: Say): Promise<EmbeddedRedis> {
  const dataDir = join(stateDir, 'redis');
  mkdirSync(dataDir, { recursive: true });
  const runtimePath = join(stateDir, 'redis.json');

  if (existsSync(runtimePath)) {
    let info: RuntimeFile | null = null;
    try {
      info = JSON.parse(readFileSync(runtimePath, 'utf8')) as RuntimeFile;
    } catch {
      info = null;
    }
    if (info && alive(info.pid)) {
      const c = await ping(info.port);
      if (c) {
        if (alive(info.ownerPid) && info.ownerPid !== process.pid) {
          c.disconnect();
          return { url: `redis://127.0.0.1:${info.port}`, owned: false, stop: async () => undefined };
        }
        // Orphan left by a gateway that was killed: flush and stop it, then start our own.
        say(`stopping orphaned redis-server (pid ${info.pid}) left in ${stateDir}`);
        await c.shutdown().catch(() => undefined);
        c.disconnect();
        const deadline = Date.now() + 10000;
        while (alive(info.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      } else {
        c === null && say(`a stale redis.json in ${stateDir} points at pid ${info.pid}, which does not answer; ignoring it`);
      }
    }
    rmSync(runtimePath, { force: true });
  }

  const spawned = await spawnRedis({ dir: dataDir, persist: true, say });
  const record: RuntimeFile = { pid: spawned.child.pid!, port: spawned.port, ownerPid: process.pid };
  writeFileSync(runtimePath, JSON.stringify(record));
  return {
    url: spawned.url,
    owned: true,
    stop: async () => {
      await spawned.stop();
      try {
        const now = JSON.parse(readFileSync(runtimePath, 'utf8')) as RuntimeFile;
        if (now.pid === record.pid) rmSync(runtimePath, { force: true });
      } catch {
        /* already gone */
      }
    },
  };
}
