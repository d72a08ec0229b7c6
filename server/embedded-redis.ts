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
import { totalmem } from 'node:os';
import Redis from 'ioredis';
import { parseClusterNodes, type RedisClusterTarget, type RedisTarget } from './redis';
import { ConfigError } from './errors';

export interface EmbeddedRedis {
  url: string;
  /** True when this process started the server (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

/** Who started the embedded server: a gateway keeps it for its lifetime, a CLI command briefly. */
export type OwnerRole = 'gateway' | 'cli';

interface RuntimeFile {
  pid: number;
  port: number;
  ownerPid: number;
  role?: OwnerRole;
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
  const c = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
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
  /** Fixed port (tests that stop and restart a server on the same address); default a free one. */
  port?: number;
  persist?: boolean;
  databases?: number;
  say?: Say;
  /** Run in its own process group (not stopped by the terminal's Ctrl-C). */
  detached?: boolean;
  /** Memory limit in bytes; writes past it fail with OOM (policy noeviction: queue data is never evicted). */
  maxmemoryBytes?: number;
  /** Work to overlap with redis-server's own start (called once it is spawned, before it answers). */
  whileStarting?: () => void;
}

/** `redis.maxmemory` ("512mb", "25%", "1gb", a byte count) → bytes. */
export function maxmemoryBytes(setting: string, total = totalmem()): number {
  const m = /^(\d+)(%|b|kb|mb|gb)?$/.exec(setting.trim().toLowerCase());
  if (!m) throw new ConfigError(`redis.maxmemory: '${setting}' is not a size such as 512mb or 25%`);
  const n = Number(m[1]);
  const unit = { '%': total / 100, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[m[2] ?? 'b']!;
  return Math.floor(n * unit);
}

/** Spawns a redis-server on a free loopback port; resolves when it answers PING. */
export async function spawnRedis(
  opts: SpawnRedisOptions = {},
): Promise<{ child: ChildProcess; port: number; url: string; stop: () => Promise<void> }> {
  const bin = ensureRedisServer(opts.say ?? (() => undefined));
  const port = opts.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ];
  if (opts.dir) args.push('--dir', opts.dir);
  args.push('--appendonly', opts.persist ? 'yes' : 'no');
  if (opts.persist) args.push('--appendfsync', 'everysec');
  if (opts.databases) args.push('--databases', String(opts.databases));
  if (opts.maxmemoryBytes) args.push('--maxmemory', String(opts.maxmemoryBytes), '--maxmemory-policy', 'noeviction');
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached ?? false });
  opts.whileStarting?.();
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readRuntime(path: string): RuntimeFile | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RuntimeFile;
  } catch {
    return null;
  }
}

/** A start lock (O_EXCL file holding our pid), so two processes never spawn on one data dir. */
async function acquireLock(path: string, timeoutMs = 30000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = 0;
      try {
        holder = Number(readFileSync(path, 'utf8').trim()); // empty for a moment while its creator writes it
      } catch {
        continue; // released meanwhile
      }
      if (holder > 0 && !alive(holder))
        rmSync(path, { force: true }); // left by a killed process
      else if (Date.now() > deadline)
        throw new Error(`another openclaw process (pid ${holder || '?'}) holds ${path}; retry when it has started`);
      else await sleep(50);
    }
  }
}

/**
 * The state directory's Redis: reuse one that a live gateway owns, wait for a CLI command that
 * started one to finish with it, shut down an orphan (its owner was killed), otherwise start a
 * new one. `stop()` stops it only if this process started it.
 */
export async function startEmbeddedRedis(
  stateDir: string,
  say: Say,
  role: OwnerRole = 'gateway',
  maxmemory = '25%',
  whileStarting?: () => void,
): Promise<EmbeddedRedis> {
  const dataDir = join(stateDir, 'redis');
  mkdirSync(dataDir, { recursive: true });
  const runtimePath = join(stateDir, 'redis.json');
  const release = await acquireLock(join(stateDir, 'redis.lock'));
  try {
    const waitUntil = Date.now() + 30000;
    for (;;) {
      const info = existsSync(runtimePath) ? readRuntime(runtimePath) : null;
      if (!info) break;
      const ownerAlive = info.ownerPid !== process.pid && alive(info.ownerPid);
      if (ownerAlive && info.role === 'cli' && Date.now() < waitUntil) {
        // A CLI command started it and stops it (and removes redis.json) when done: let it finish.
        await sleep(50);
        continue;
      }
      const c = alive(info.pid) ? await ping(info.port) : null;
      if (!c) {
        say(`a stale redis.json in ${stateDir} points at pid ${info.pid}, which does not answer; ignoring it`);
        break;
      }
      if (ownerAlive && info.role !== 'cli') {
        c.disconnect();
        return { url: `redis://127.0.0.1:${info.port}`, owned: false, stop: () => Promise.resolve() };
      }
      say(`stopping orphaned redis-server (pid ${info.pid}) left in ${stateDir}`);
      await c.shutdown().catch(() => undefined); // flushes the AOF
      c.disconnect();
      const deadline = Date.now() + 10000;
      while (alive(info.pid) && Date.now() < deadline) await sleep(50);
      break;
    }
    rmSync(runtimePath, { force: true });

    // Own process group: a terminal's Ctrl-C reaches the gateway, which then stops Redis last.
    // A memory limit that refuses writes (503) rather than evicting: queues and outboxes must never lose keys.
    const spawned = await spawnRedis({
      dir: dataDir,
      persist: true,
      say,
      detached: true,
      maxmemoryBytes: maxmemoryBytes(maxmemory),
      whileStarting,
    });
    const record: RuntimeFile = { pid: spawned.child.pid!, port: spawned.port, ownerPid: process.pid, role };
    writeFileSync(runtimePath, JSON.stringify(record));
    return {
      url: spawned.url,
      owned: true,
      stop: async () => {
        await spawned.stop();
        if (readRuntime(runtimePath)?.pid === record.pid) rmSync(runtimePath, { force: true });
      },
    };
  } finally {
    release();
  }
}

/** REDIS_URL / config redis.url, a cluster (REDIS_CLUSTER_NODES / redis.cluster), else the state directory's embedded redis-server. */
export async function resolveRedis(
  config: {
    redis: {
      url?: string;
      maxmemory?: string;
      cluster?: Omit<RedisClusterTarget['cluster'], 'nodes'> & { nodes: string[] };
    };
    stateDir?: string;
  },
  say: Say,
  role: OwnerRole = 'gateway',
  whileStarting?: () => void,
): Promise<{ url: RedisTarget; embedded: EmbeddedRedis | null }> {
  if (config.redis.url) return { url: config.redis.url, embedded: null };
  if (config.redis.cluster)
    return {
      url: { cluster: { ...config.redis.cluster, nodes: parseClusterNodes(config.redis.cluster.nodes) } },
      embedded: null,
    };
  const embedded = await startEmbeddedRedis(config.stateDir!, say, role, config.redis.maxmemory, whileStarting);
  return { url: embedded.url, embedded };
}
