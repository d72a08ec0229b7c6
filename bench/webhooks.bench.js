#!/usr/bin/env node
/**
 * Webhook delivery throughput and event-to-delivery latency, next to a baseline measured in
 * the same run: a plain undici keep-alive loop POSTing the same signed body to the same
 * receiver at the same concurrency (webhooks.concurrency).
 *
 * Own redis-server; the gateway (workers in-process, no HTTP listener needed) emits events
 * through ctx.events; the receiver is a separate process on 127.0.0.1 that checks the
 * X-OpenClaw-Signature and stamps arrival times (performance.timeOrigin + now(), comparable
 * across processes). Each scenario runs:
 *   burst  - N events emitted as fast as possible: deliveries/s from the first emit to the last arrival
 *   paced  - events emitted at a steady rate (the 2,000/s target): latency p50/p99 from emit to arrival
 * Scenarios: workers in the gateway process (the default), then the gateway only emitting with
 * one `openclaw worker` process delivering (scale-out on the same 2 cores).
 * Bounded: a few thousand requests, loopback only.
 */
const { fork } = require('node:child_process');
const { createHmac } = require('node:crypto');
const http = require('node:http');

const SECRET = 'bench-secret-0123456789abcdef';
const BURST = Number(process.env.BENCH_WEBHOOKS_BURST ?? 6000);
const PACED_RATE = Number(process.env.BENCH_WEBHOOKS_RATE ?? 2000); // events per second
const PACED_SECONDS = 3;
const now = () => performance.timeOrigin + performance.now();

// ---- the receiver process ----
function receiver() {
  const arrivals = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const t = now();
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
      if (req.headers['x-openclaw-signature'] !== expected) {
        res.writeHead(401).end('Invalid signature');
        return;
      }
      arrivals.set(JSON.parse(raw).id, t);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', (m) => {
    if (m === 'count') process.send({ count: arrivals.size });
    if (m === 'take') {
      process.send({ arrivals: [...arrivals] });
      arrivals.clear();
    }
    if (m === 'exit') server.close(() => process.exit(0));
  });
}

// ---- the driver ----
function ask(child, msg, key) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key]);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

async function waitCount(child, n, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = await ask(child, 'count', 'count');
    if (c >= n) return;
    if (Date.now() > until) throw new Error(`only ${c} of ${n} deliveries arrived within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const f1 = (x) => x.toFixed(1);

function latencies(sentAt, arrivals) {
  const out = [];
  for (const [id, t] of arrivals) if (sentAt.has(id)) out.push(t - sentAt.get(id));
  return out.sort((a, b) => a - b);
}

/** Runs `count` tasks with at most `concurrency` in flight. */
async function pool(count, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function baseline(url, concurrency, child) {
  const { Agent, request } = require('undici');
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const sentAt = new Map();
  const post = async (i) => {
    const body = JSON.stringify({
      id: `base_${i}`,
      event: 'message.sent',
      timestamp: new Date().toISOString(),
      data: { i },
    });
    const headers = {
      'content-type': 'application/json',
      'x-openclaw-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    };
    sentAt.set(`base_${i}`, now());
    const res = await request(url, { method: 'POST', body, headers, dispatcher: agent });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`baseline got ${res.statusCode}`);
  };
  await pool(500, concurrency, post); // warm up
  await ask(child, 'take', 'arrivals');
  sentAt.clear();
  const t0 = now();
  await pool(BURST, concurrency, post);
  const seconds = (now() - t0) / 1000;
  const lat = latencies(sentAt, await ask(child, 'take', 'arrivals'));
  await agent.close();
  return { rate: BURST / seconds, p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

/** Emits a burst, then a paced run, through `ctx.events`; prints deliveries/s and latencies. */
async function measure(label, ctx, child, base) {
  const data = {
    messageId: 'msg_x',
    workspace: 'team',
    userId: 'u',
    channel: 'api',
    response: 'Here is your summary...',
    tokensUsed: 842,
    latencyMs: 2100,
    sessionId: 'sess_x',
  };
  const sentAt = new Map();
  const emit = async () => {
    const t = now();
    const e = await ctx.events.emit('message.sent', 'team', data);
    sentAt.set(e.id, t);
  };

  // Warm-up, then the burst.
  await pool(1000, 64, emit);
  await waitCount(child, 1000, 30_000);
  await ask(child, 'take', 'arrivals');
  sentAt.clear();
  const cpu0 = process.cpuUsage();
  const t0 = now();
  await pool(BURST, 64, emit);
  const emitted = now();
  await waitCount(child, BURST, 120_000);
  const cpu = process.cpuUsage(cpu0);
  const burstArrivals = await ask(child, 'take', 'arrivals');
  const last = Math.max(...burstArrivals.map(([, t]) => t));
  const rate = BURST / ((last - t0) / 1000);
  const burstLat = latencies(sentAt, burstArrivals);
  console.log(
    `webhooks ${label}, burst: ${Math.round(rate)} deliveries/s (baseline undici loop ${Math.round(base.rate)} req/s; target ≥ 2000) ` +
      `[${BURST} events, emitting took ${f1(emitted - t0)} ms, gateway process CPU ${((cpu.user + cpu.system) / 1000 / BURST).toFixed(2)} ms per event; ` +
      `emit-to-delivery while saturated p50 ${f1(pct(burstLat, 0.5))} ms p99 ${f1(pct(burstLat, 0.99))} ms]`,
  );

  // Paced: PACED_RATE events per second, released every 10 ms.
  sentAt.clear();
  const total = PACED_RATE * PACED_SECONDS;
  const perTick = PACED_RATE / 100;
  const start = now();
  let sent = 0;
  const inflight = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((now() - start) / 10 + 1) * perTick));
    while (sent < due) {
      inflight.push(emit());
      sent++;
    }
    await new Promise((r) => setTimeout(r, 10 - ((now() - start) % 10)));
  }
  await Promise.all(inflight);
  const pacedSeconds = (now() - start) / 1000;
  await waitCount(child, total, 60_000);
  const pacedLat = latencies(sentAt, await ask(child, 'take', 'arrivals'));
  console.log(
    `webhooks ${label}, paced at ${Math.round(total / pacedSeconds)} events/s: event-to-delivery p50 ${f1(pct(pacedLat, 0.5))} ms p99 ${f1(pct(pacedLat, 0.99))} ms ` +
      `(baseline undici send-to-arrival p50 ${f1(base.p50)} ms p99 ${f1(base.p99)} ms; target p99 ≤ 50 ms)`,
  );
  const log = await ctx.stores.webhooks.listDeliveries('wh_bench', 1, 0, 86400);
  if (log.data[0]?.status !== 'delivered') throw new Error(`delivery log says ${JSON.stringify(log.data[0])}`);
}

/** An `openclaw worker` process (the built CLI) on the same Redis; resolves once it runs. */
async function startWorkerProcess(redisUrl) {
  const { mkdtempSync, writeFileSync } = require('node:fs');
  const { join } = require('node:path');
  const { tmpdir } = require('node:os');
  const { spawn } = require('node:child_process');
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-bench-worker-'));
  writeFileSync(
    join(dir, 'openclaw.json'),
    JSON.stringify({ workspaces: [{ id: 'team' }], logging: { level: 'warn' } }),
  );
  const proc = spawn(process.execPath, [join(__dirname, '..', 'dist', 'server', 'cli', 'index.js'), 'worker'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: redisUrl,
      OPENCLAW_STATE_DIR: join(dir, 'state'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (b) => {
      out += b;
      if (out.includes('Worker running')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`openclaw worker exited (${code}): ${out}`)));
  });
  return proc;
}

async function main() {
  const { spawnRedis } = require('../dist/server/embedded-redis');
  const { startGateway } = require('../dist/server/gateway');
  const { parseConfig } = require('../dist/server/config');
  const { createLogger } = require('../dist/server/logger');

  const child = fork(__filename, ['receiver'], { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  const url = `http://127.0.0.1:${port}/openclaw-events`;
  const redis = await spawnRedis({ persist: false });
  const config = parseConfig({ api: { enabled: false }, logging: { level: 'warn' }, workspaces: [{ id: 'team' }] }, {});
  config.stateDir = '/tmp/openclaw-bench-state';
  const start = (workers) =>
    startGateway({
      config,
      redisUrl: redis.url,
      workers,
      listen: false,
      log: createLogger('warn'),
      say: () => undefined,
    });
  let gateway;
  let worker;
  try {
    const concurrency = config.webhooks.concurrency;
    const base = await baseline(url, concurrency, child);
    console.log(
      `baseline: plain undici loop (concurrency ${concurrency}) ${Math.round(base.rate)} req/s, send-to-arrival p50 ${f1(base.p50)} ms p99 ${f1(base.p99)} ms`,
    );

    // 1. The default: workers in the gateway process.
    gateway = await start(true);
    await gateway.ctx.stores.webhooks.create({
      id: 'wh_bench',
      url,
      events: ['message.sent'],
      workspaces: null,
      scope: ['*'],
      description: 'bench',
      secret: SECRET,
      retries: 3,
      timeoutMs: 5000,
      source: 'api',
      createdBy: null,
    });
    await measure('(workers in the gateway process)', gateway.ctx, child, base);
    await gateway.close();

    // 2. Scale-out: the gateway only emits; one `openclaw worker` process delivers.
    gateway = await start(false);
    worker = await startWorkerProcess(redis.url);
    await measure('(one openclaw worker process)', gateway.ctx, child, base);
  } finally {
    worker?.kill('SIGTERM');
    await gateway?.close();
    await redis.stop();
    child.send('exit');
  }
}

if (process.argv[2] === 'receiver') receiver();
else
  main().then(
    () => process.exit(0), // whatever another feature left open must not keep `npm run bench` waiting
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
