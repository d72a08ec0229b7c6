#!/usr/bin/env node
/**
 * Scale-out sizing: messages/s through one HTTP gateway process with 1, 2 and 4 worker processes
 * (each like `openclaw worker`), on one redis-server and on a 3-master, 3-replica Redis Cluster
 * (scripts/redis-cluster.sh), in one run. 64 keep-alive clients, each its own session, send whole
 * messages (POST /api/v1/messages) to the offline model, so the figure is the gateway + queue +
 * Redis path alone. Everything on 127.0.0.1; BENCH_CLUSTER_SECONDS (default 4) per run after 1 s of
 * warm-up; BENCH_CLUSTER_WORKERS (default 1,2,4), BENCH_CLUSTER_CLIENTS (default 64).
 *   `npm run bench -- cluster`
 */
const { fork, execFileSync, spawnSync } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const net = require('node:net');

const SECONDS = Number(process.env.BENCH_CLUSTER_SECONDS ?? 4);
const CLIENTS = Number(process.env.BENCH_CLUSTER_CLIENTS ?? 64);
const WORKERS = (process.env.BENCH_CLUSTER_WORKERS ?? '1,2,4').split(',').map(Number);
const SCRIPT = join(__dirname, '..', 'scripts', 'redis-cluster.sh');

// ---- a gateway process: role 'http' (no workers) or 'worker' (workers only) ----
async function gatewayProcess(target, role) {
  const { startGateway } = require('../dist/server/gateway');
  const { parseConfig } = require('../dist/server/config');
  const { createLogger } = require('../dist/server/logger');
  const config = parseConfig(
    {
      api: { port: 0, host: '127.0.0.1', defaultRateLimit: 0 },
      logging: { level: 'error' },
      workspaces: [{ id: 'bench' }],
      model: 'offline',
    },
    { OLLAMA_BASE_URL: 'off' },
  );
  config.stateDir = '/tmp/openclaw-bench-state';
  const gw = await startGateway({
    config,
    redisUrl: JSON.parse(target),
    workers: role === 'worker',
    listen: role === 'http',
    log: createLogger('error'),
    say: () => undefined,
    env: { OLLAMA_BASE_URL: 'off' },
  });
  const key =
    role === 'http'
      ? (await gw.ctx.stores.keys.create({ label: 'bench', workspaces: ['*'], rateLimit: 0, source: 'cli' })).key
      : null;
  process.send({ url: gw.url, key });
  process.on('message', async (m) => m === 'exit' && (await gw.close({ graceMs: 0 }), process.exit(0)));
}

const started = (child) =>
  new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
const stopped = (child) => new Promise((resolve) => (child.once('exit', resolve), child.send('exit')));

const portFree = (port) =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
async function clusterPorts() {
  const ports = [];
  for (let p = 20000 + Math.floor(Math.random() * 30000); ports.length < 6; p++)
    if ((await portFree(p)) && (await portFree(p + 10000))) ports.push(p);
  return ports;
}

async function measure(target, workers) {
  const { Agent, request } = require('undici');
  const procs = [];
  for (let i = 0; i < workers; i++)
    procs.push(fork(__filename, ['gateway', JSON.stringify(target), 'worker'], { stdio: 'inherit' }));
  await Promise.all(procs.map(started));
  const httpProc = fork(__filename, ['gateway', JSON.stringify(target), 'http'], { stdio: 'inherit' });
  procs.push(httpProc);
  const gw = await started(httpProc);
  // A whole answer slower than this is counted as failed instead of holding the run up.
  const agent = new Agent({ keepAliveTimeout: 60_000, headersTimeout: 60_000, connections: CLIENTS + 8 });
  const send = async (client, i) => {
    const res = await request(`${gw.url}/api/v1/messages`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.key}` },
      body: JSON.stringify({ workspace: 'bench', userId: `client-${client}`, message: `message ${i}` }),
    });
    const body = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`gateway answered ${res.statusCode}: ${body}`);
  };
  const warmUntil = performance.now() + 1000;
  const until = warmUntil + SECONDS * 1000;
  let done = 0;
  let failed = 0;
  let i = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (performance.now() < until) {
        const ok = await send(client, i++).then(
          () => true,
          () => false,
        );
        if (!ok) {
          failed++;
          continue;
        }
        // Answers completed inside the window count, however long each took (a busy machine).
        const end = performance.now();
        if (end >= warmUntil && end <= until) done++;
      }
    }),
  );
  await agent.close();
  await Promise.all(procs.map(stopped));
  if (failed) console.log(`  ${failed} request(s) failed or timed out`);
  return done / SECONDS;
}

/** Every run starts from an empty Redis: no sessions, jobs or streams left by the one before. */
function flush(ports) {
  for (const port of ports) {
    // A replica refuses (READONLY): only the masters need it.
    spawnSync('redis-cli', ['-p', String(port), 'flushall'], { stdio: 'ignore' });
  }
}

/** What the figures were measured on: they mean little without it. */
const machine = () =>
  `${os.cpus().length} × ${os.cpus()[0].model}, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, Node ${process.version}, ${new Date().toISOString()}`;

async function main() {
  console.log(`machine: ${machine()}`);
  const { spawnRedis } = require('../dist/server/embedded-redis');
  const single = await spawnRedis({ persist: false });
  const dir = mkdtempSync(join(os.tmpdir(), 'openclaw-bench-cluster-'));
  const ports = await clusterPorts();
  execFileSync(SCRIPT, ['start', dir, ...ports.map(String)], { stdio: 'ignore' });
  const cluster = { cluster: { nodes: ports.map((port) => ({ host: '127.0.0.1', port })) } };
  const rows = [];
  try {
    for (const n of WORKERS) {
      // Alternate the two targets so a burst of load elsewhere on the machine hits both alike.
      flush([single.port]);
      const one = await measure(single.url, n);
      flush(ports);
      const many = await measure(cluster, n);
      rows.push({ n, one, many });
      console.log(
        `${n} worker process${n > 1 ? 'es' : ''}: one Redis ${Math.round(one)} msg/s, Redis Cluster (3+3) ${Math.round(many)} msg/s = ${(many / one).toFixed(2)}x`,
      );
    }
  } finally {
    execFileSync(SCRIPT, ['stop', dir], { stdio: 'ignore' });
    await single.stop();
  }
  console.log(`machine at the end: ${machine()}`);
  console.log(`messages/s, ${CLIENTS} clients, offline model, one HTTP gateway process, ${SECONDS} s per run:`);
  console.table(
    rows.map((r) => ({ workers: r.n, 'one Redis': Math.round(r.one), 'Redis Cluster': Math.round(r.many) })),
  );
}

if (process.argv[2] === 'gateway') gatewayProcess(process.argv[3], process.argv[4]);
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
