#!/usr/bin/env node
/**
 * Messages: the latency the gateway adds over calling the same model server directly, and
 * messages/s at 64 concurrent clients, side by side in one run with Portkey's open-source
 * gateway (@portkey-ai/gateway, a devDependency) in front of the same upstream.
 *
 * Four processes on 127.0.0.1 and one redis-server of their own:
 *   upstream - a fake OpenAI-compatible server: every chat completion streams the same 12-word
 *              answer as SSE chunks (+ usage), like a real provider but instantly, or answers
 *              it as one JSON body when the request does not ask for a stream;
 *   gateway  - `startGateway` with HTTP + in-process workers (config below);
 *   portkey  - `build/start-server.js --headless`, told the upstream by x-portkey-custom-host;
 *   driver   - this process: undici keep-alive clients.
 * Runs:
 *   latency   - one client, sequential: POST /v1/chat/completions straight to the upstream (the
 *               baseline) vs POST /api/v1/messages through the gateway to the same upstream;
 *               added = gateway − direct, at p50 and p99. Also the offline model alone.
 *               Portkey to the same upstream, measured the same way, both streaming (SSE) and
 *               asked for the whole answer (stream: false); the targets compare with the faster.
 *   throughput- 64 clients (one session each), as many messages as they can for a few seconds:
 *               the offline model (the 2,000 msg/s target), the fake upstream through the
 *               gateway, through Portkey, and directly (baseline).
 *   health    - 64 clients on GET /healthz (no key) and GET /api/v1/health with a key that has
 *               a rate limit (so it is counted): what authentication costs (target ≥ 0.7x).
 *   streams   - time to first token through POST /api/v1/messages/stream vs straight from the
 *               upstream (p50/p99), then 1,000 concurrent streams that must all end with `done`,
 *               with the gateway's RSS growth per stream.
 *   where the time goes - Redis commands sent per message (MONITOR, 200 sequential messages),
 *               Redis time per message by command (INFO commandstats), CPU per message, idle RSS.
 * Bounded: ~1,000 sequential requests and BENCH_MESSAGES_SECONDS (default 4) per throughput run.
 */
const { fork, spawn } = require('node:child_process');
const net = require('node:net');
const http = require('node:http');

const SEQUENTIAL = Number(process.env.BENCH_MESSAGES_SEQUENTIAL ?? 500);
const WARMUP = Number(process.env.BENCH_MESSAGES_WARMUP ?? 50);
const SECONDS = Number(process.env.BENCH_MESSAGES_SECONDS ?? 4);
const CLIENTS = Number(process.env.BENCH_MESSAGES_CLIENTS ?? 64);
const COUNTED = Number(process.env.BENCH_MESSAGES_COUNTED ?? 200);
const STREAM_SEQUENTIAL = Number(process.env.BENCH_MESSAGES_STREAM_SEQUENTIAL ?? 300);
const STREAMS = Number(process.env.BENCH_MESSAGES_STREAMS ?? 1000);
const ANSWER = 'Here is the latest GitHub activity for the main repo: three merged pull requests.'.split(/(?=\s)/);
const now = () => performance.now();

// ---- the fake upstream (its own process) ----
function upstream() {
  const chunk = (delta, finish = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const body =
    chunk({ role: 'assistant', content: '' }) +
    ANSWER.map((w) => chunk({ content: w })).join('') +
    chunk({}, 'stop') +
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: 'fake-model', choices: [], usage: { prompt_tokens: 20, completion_tokens: ANSWER.length, total_tokens: 20 + ANSWER.length } })}\n\n` +
    'data: [DONE]\n\n';
  const whole = JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'fake-model',
    choices: [{ index: 0, message: { role: 'assistant', content: ANSWER.join('') }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 20, completion_tokens: ANSWER.length, total_tokens: 20 + ANSWER.length },
  });
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      if (req.url.endsWith('/models')) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }));
        return;
      }
      if (!text.includes('"stream":true')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(whole); // a caller asking for the whole answer
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', (m) => m === 'exit' && server.close(() => process.exit(0)));
}

// ---- the gateway (its own process) ----
/** role: 'all' (HTTP + workers), 'http' (no workers) or 'worker' (workers only, like `openclaw worker`). */
async function gatewayProcess(redisUrl, upstreamUrl, role) {
  const { startGateway } = require('../dist/server/gateway');
  const { parseConfig } = require('../dist/server/config');
  const { createLogger } = require('../dist/server/logger');
  const config = parseConfig(
    {
      api: { port: 0, host: '127.0.0.1', defaultRateLimit: 0 },
      // The 1,000-stream run opens them all with one key; BENCH_STREAMS_PER_KEY=20 (the default cap) counts them.
      limits: { streamsPerKey: Number(process.env.BENCH_STREAMS_PER_KEY ?? 0) },
      logging: { level: 'warn' },
      workspaces: [
        { id: 'offline', agent: 'offline' },
        { id: 'upstream', agent: 'upstream' },
      ],
      agents: { offline: { model: 'offline' }, upstream: { model: 'fake-model' } },
      providers: {
        fake: {
          type: 'openai-compatible',
          baseUrl: `${upstreamUrl}/v1`,
          apiKey: 'sk-bench',
          models: ['fake-model'],
          retries: 0,
        },
      },
    },
    {},
  );
  config.stateDir = '/tmp/openclaw-bench-state';
  const gw = await startGateway({
    config,
    redisUrl,
    workers: role !== 'http',
    listen: role !== 'worker',
    log: createLogger('warn'),
    say: () => undefined,
  });
  if (role === 'worker') {
    process.send({ ready: true });
    process.on('message', async (m) => m === 'exit' && (await gw.close(), process.exit(0)));
    return;
  }
  const { key } = await gw.ctx.stores.keys.create({ label: 'bench', workspaces: ['*'], rateLimit: 0, source: 'cli' });
  // A key with a (never reached) limit: its requests are counted, as most keys' are.
  const { key: limitedKey } = await gw.ctx.stores.keys.create({
    label: 'bench-limited',
    workspaces: ['*'],
    rateLimit: 1e9,
    source: 'cli',
  });
  process.send({ url: gw.url, key, limitedKey, concurrency: config.workers.concurrency });
  process.on('message', async (m) => {
    if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (m === 'rss') process.send({ rss: process.memoryUsage().rss });
    if (m === 'young')
      process.send({
        young: require('node:v8')
          .getHeapSpaceStatistics()
          .find((s) => s.space_name === 'new_space').space_size,
      });
    if (m === 'exit') {
      await gw.close();
      process.exit(0);
    }
  });
}

// ---- the driver ----
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const f2 = (x) => x.toFixed(2);

function started(child) {
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

const freePort = () =>
  new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

/** Portkey's gateway in its own process; resolves once it answers. */
async function startPortkey() {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('./portkey-node20-fetch.cjs'),
      require.resolve('@portkey-ai/gateway/build/start-server.js'),
      `--port=${port}`,
      '--headless',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(url).then(
      () => true,
      () => false,
    );
    if (up) return { url, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('Portkey gateway did not start within 10 s');
}

async function main() {
  const { Agent, request } = require('undici');
  const { spawnRedis } = require('../dist/server/embedded-redis');
  const redis = process.env.BENCH_REDIS_URL
    ? { url: process.env.BENCH_REDIS_URL, stop: async () => undefined }
    : await spawnRedis({ persist: false });
  const up = fork(__filename, ['upstream'], { stdio: 'inherit' });
  const upstreamUrl = `http://127.0.0.1:${(await started(up)).port}`;
  // BENCH_MESSAGES_WORKER_PROCESS=1: the gateway runs no workers; one `openclaw worker`-like process does.
  const split = !!process.env.BENCH_MESSAGES_WORKER_PROCESS;
  const wp = split ? fork(__filename, ['gateway', redis.url, upstreamUrl, 'worker'], { stdio: 'inherit' }) : null;
  if (wp) await started(wp);
  const gwp = fork(__filename, ['gateway', redis.url, upstreamUrl, split ? 'http' : 'all'], {
    stdio: 'inherit',
    execArgv: [
      ...(process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean),
      ...(process.env.BENCH_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR ?? 'bench-profiles'}`]
        : []),
    ],
  });
  const gw = await started(gwp);
  const startedAt = now();
  const portkey = await startPortkey();
  // The floor of a message that is a BullMQ job (message-floor.js), on the same Redis and upstream.
  const floor = fork(require.resolve('./message-floor.js'), [redis.url, upstreamUrl], { stdio: 'inherit' });
  const floorUrl = (await started(floor)).url;
  // However this driver ends (an error, its output piped into `head` and closed early), its
  // children go with it: left behind, they skew every later measurement on the machine.
  process.on('exit', () => {
    for (const child of [gwp, wp, up, floor, portkey.child, redis.child])
      if (child && child.exitCode === null) child.kill();
  });
  const agent = new Agent({ keepAliveTimeout: 60_000, connections: CLIENTS + 8, pipelining: 1 });

  const direct = async (i) => {
    const res = await request(`${upstreamUrl}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body: JSON.stringify({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: `direct ${i}` }] }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200 || !text.includes('[DONE]')) throw new Error(`upstream answered ${res.statusCode}`);
  };
  const toPortkey = (body) =>
    request(`${portkey.url}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sk-bench',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${upstreamUrl}/v1`,
      },
      body: JSON.stringify(body),
    });
  // Portkey asked for the whole answer (stream: false), as POST /api/v1/messages is: its streaming path
  // holds the end of each answer ~25 ms after the headers on this machine, its JSON path does not.
  const viaPortkeyWhole = async (i) => {
    const res = await toPortkey({ model: 'fake-model', messages: [{ role: 'user', content: `portkey ${i}` }] });
    const body = await res.body.json();
    if (res.statusCode !== 200 || !body.choices?.[0]?.message?.content)
      throw new Error(`Portkey answered ${res.statusCode}: ${JSON.stringify(body).slice(0, 200)}`);
  };
  const viaPortkey = async (i) => {
    const res = await toPortkey({
      model: 'fake-model',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: `portkey ${i}` }],
    });
    const text = await res.body.text();
    if (res.statusCode !== 200 || !text.includes('[DONE]'))
      throw new Error(`Portkey answered ${res.statusCode}: ${text.slice(0, 200)}`);
  };
  const viaFloor = async (i) => {
    const res = await request(`${floorUrl}/m`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: `floor ${i}` }),
    });
    const body = await res.body.json();
    if (res.statusCode !== 200 || body.response !== ANSWER.join(''))
      throw new Error(`floor answered ${res.statusCode}`);
  };
  const get = (path, key) => async () => {
    const res = await request(`${gw.url}${path}`, {
      dispatcher: agent,
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}`);
  };
  const viaGateway =
    (workspace) =>
    async (i, client = 0) => {
      const res = await request(`${gw.url}/api/v1/messages`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.key}` },
        body: JSON.stringify({ workspace, userId: `client-${client}`, message: `message ${i}` }),
      });
      const body = await res.body.json();
      if (res.statusCode !== 200) throw new Error(`gateway answered ${res.statusCode}: ${JSON.stringify(body)}`);
    };

  async function sequential(fn, n, warmUp = WARMUP) {
    for (let i = 0; i < warmUp; i++) await fn(i); // warm-up (BENCH_MESSAGES_WARMUP: past the JIT's warm-up)
    const lat = [];
    for (let i = 0; i < n; i++) {
      const t = now();
      await fn(i);
      lat.push(now() - t);
    }
    return lat.sort((a, b) => a - b);
  }

  /** CPU seconds used so far by the gateway process and by redis-server. */
  const ask = (child, msg, key) =>
    new Promise((resolve) => {
      const on = (m) => key in m && (child.off('message', on), resolve(m[key]));
      child.on('message', on);
      child.send(msg);
    });
  const Redis = require('ioredis');
  const redisInfo = new Redis(redis.url);
  async function cpuNow() {
    const g = await ask(gwp, 'cpu', 'cpu');
    const info = await redisInfo.info('cpu');
    const r = (name) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)[1]);
    // The gateway's main thread alone (JIT and GC helper threads excluded), in clock ticks of 10 ms.
    let main = NaN; // Linux only
    try {
      const stat = require('node:fs').readFileSync(`/proc/${gwp.pid}/task/${gwp.pid}/stat`, 'utf8');
      const [utime, stime] = stat
        .slice(stat.lastIndexOf(')') + 2)
        .split(' ')
        .slice(11, 13)
        .map(Number);
      main = (utime + stime) / 100;
    } catch {
      // not Linux: no per-thread figure
    }
    return { gateway: (g.user + g.system) / 1e6, main, redis: r('used_cpu_user') + r('used_cpu_sys') };
  }

  async function throughput(fn) {
    const warmUntil = now() + 500;
    let cpu0 = null;
    setTimeout(async () => (cpu0 = await cpuNow()), 500);
    const until = warmUntil + SECONDS * 1000;
    let done = 0;
    let i = 0;
    const lat = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        while (now() < until) {
          const t = now();
          await fn(i++, client);
          if (t >= warmUntil) {
            done++;
            lat.push(now() - t);
          }
        }
      }),
    );
    lat.sort((a, b) => a - b);
    const cpu1 = await cpuNow();
    // CPU milliseconds per message in the gateway process and in redis-server: what 2 cores must pay.
    const per = (k) => (cpu0 ? ((cpu1[k] - cpu0[k]) * 1000) / done : NaN);
    return {
      done,
      rate: done / SECONDS,
      p50: pct(lat, 0.5),
      p99: pct(lat, 0.99),
      gwCpu: per('gateway'),
      redisCpu: per('redis'),
    };
  }

  /** Redis commands the gateway's clients send per message (MONITOR, script-internal calls left out), by name. */
  async function commandsPerMessage(fn, n) {
    for (let i = 0; i < 20; i++) await fn(i); // warm-up: scripts loaded, connections open
    const base = new Redis(redis.url);
    const mon = await base.monitor(); // a connection of its own
    const counts = new Map();
    let total = 0;
    mon.on('monitor', (_time, args, source) => {
      if (source === 'lua') return;
      if (process.env.BENCH_MONITOR_DUMP && total < Number(process.env.BENCH_MONITOR_DUMP))
        console.log(`  ${source} ${args.slice(0, 5).join(' ').slice(0, 160)}`);
      total++;
      const name = String(args[0]).toLowerCase();
      counts.set(name, (counts.get(name) ?? 0) + 1);
    });
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < n; i++) await fn(i);
    await new Promise((r) => setTimeout(r, 200)); // the work after each reply (event fan-out, next in session)
    mon.disconnect();
    base.disconnect();
    const top = [...counts].sort((a, b) => b[1] - a[1]).map(([c, k]) => `${c} ${(k / n).toFixed(1)}`);
    return { perMessage: total / n, top: top.join(', ') };
  }

  /** INFO commandstats as {command: {calls, usec}}. */
  async function commandStats() {
    const out = {};
    for (const m of (await redisInfo.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g))
      out[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) };
    return out;
  }
  /** Where Redis spends its time per message between two commandstats snapshots (script-internal commands included). */
  function statsDelta(a, b, n) {
    const rows = Object.keys(b)
      .map((c) => ({ c, calls: (b[c].calls - (a[c]?.calls ?? 0)) / n, usec: (b[c].usec - (a[c]?.usec ?? 0)) / n }))
      .filter((r) => r.calls > 0)
      .sort((x, y) => y.usec - x.usec);
    const usec = rows.reduce((t, r) => t + r.usec, 0);
    return (
      `${usec.toFixed(0)} µs of commands per message: ` +
      rows
        .slice(0, 8)
        .map((r) => `${r.c} ${r.calls.toFixed(1)}× ${r.usec.toFixed(0)} µs`)
        .join(', ')
    );
  }

  /** Time to the first token: straight from the upstream, and through POST /api/v1/messages/stream. */
  async function firstToken(url, init, marker, end) {
    const t = now();
    const res = await request(url, { method: 'POST', dispatcher: agent, ...init });
    let first = null;
    let text = '';
    for await (const chunk of res.body) {
      text += chunk;
      if (first === null && text.includes(marker)) first = now() - t;
    }
    if (res.statusCode !== 200 || first === null || !text.includes(end))
      throw new Error(`stream answered ${res.statusCode}: ${text.slice(0, 200)}`);
    return first;
  }
  const ttftDirect = (i) =>
    firstToken(
      `${upstreamUrl}/v1/chat/completions`,
      {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: `ttft ${i}` }] }),
      },
      '"content":"Here',
      '[DONE]',
    );
  const ttftGateway =
    (workspace) =>
    (i, client = 0) =>
      firstToken(
        `${gw.url}/api/v1/messages/stream`,
        {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.key}` },
          body: JSON.stringify({ workspace, userId: `stream-${client}`, message: `ttft ${i}` }),
        },
        '"type":"token"',
        '"type":"done"',
      );
  async function ttft(fn, n) {
    for (let i = 0; i < 30; i++) await fn(i);
    const l = [];
    for (let i = 0; i < n; i++) l.push(await fn(i));
    return l.sort((a, b) => a - b);
  }

  /** STREAMS concurrent SSE streams, one user each, all open at once: every one must end with `done`; gateway RSS sampled meanwhile. */
  async function manyStreams(count) {
    const streamAgent = new Agent({ keepAliveTimeout: 10_000, connections: count + 16, pipelining: 1 });
    const before = await ask(gwp, 'rss', 'rss');
    const youngBefore = await ask(gwp, 'young', 'young');
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await ask(gwp, 'rss', 'rss'));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t = now();
    let completed = 0;
    const results = await Promise.allSettled(
      Array.from({ length: count }, async (_, i) => {
        const res = await request(`${gw.url}/api/v1/messages/stream`, {
          method: 'POST',
          dispatcher: streamAgent,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.key}` },
          body: JSON.stringify({ workspace: 'upstream', userId: `many-${i}`, message: `stream ${i}` }),
        });
        const text = await res.body.text();
        if (res.statusCode !== 200 || !text.includes('"type":"done"'))
          throw new Error(`stream ${i}: ${res.statusCode} ${text.slice(-200)}`);
        completed++;
      }),
    );
    const seconds = (now() - t) / 1000;
    sampling = false;
    await sampler;
    await streamAgent.close();
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) console.log(`  first failure: ${failed.reason.message}`);
    const youngAfter = await ask(gwp, 'young', 'young');
    return { completed, seconds, before, peak, youngBefore, youngAfter };
  }

  /** Alternating runs (the first of each warms up); the better of two for each, so a burst of load elsewhere hurts less. */
  async function healthRatio() {
    const open = get('/healthz');
    const auth = get('/api/v1/health', gw.limitedKey);
    const runs = { open: [], auth: [] };
    for (let round = 0; round < 3; round++) {
      const o = await throughput(open);
      const a = await throughput(auth);
      if (round > 0) {
        runs.open.push(o);
        runs.auth.push(a);
      }
    }
    const best = (l) => l.reduce((x, y) => (y.rate > x.rate ? y : x));
    const [hOpen, hAuth] = [best(runs.open), best(runs.auth)];
    const cpu = (l) => Math.min(...l.map((r) => r.gwCpu + r.redisCpu));
    return (
      `health at ${CLIENTS} clients: GET /healthz ${Math.round(hOpen.rate)} req/s, GET /api/v1/health with a key (rate-limited, counted) ${Math.round(hAuth.rate)} req/s = ${f2(hAuth.rate / hOpen.rate)}x (target ≥ 0.7x); ` +
      `CPU per request (gateway + redis): /healthz ${f2(cpu(runs.open))} ms, authenticated ${f2(cpu(runs.auth))} ms = ${f2(cpu(runs.open) / cpu(runs.auth))}x the requests per CPU second`
    );
  }

  const MB = (b) => (b / 1048576).toFixed(0);
  async function streamingFigures() {
    const direct = await ttft(ttftDirect, STREAM_SEQUENTIAL);
    const via = await ttft(ttftGateway('upstream'), STREAM_SEQUENTIAL);
    const off = await ttft(ttftGateway('offline'), STREAM_SEQUENTIAL);
    const p = (l, q) => f2(pct(l, q));
    console.log(
      `streaming, time to first token (1 client, ${STREAM_SEQUENTIAL} streams): upstream direct p50 ${p(direct, 0.5)} ms p99 ${p(direct, 0.99)} ms; ` +
        `through the gateway p50 ${p(via, 0.5)} ms p99 ${p(via, 0.99)} ms = added p50 ${f2(pct(via, 0.5) - pct(direct, 0.5))} ms, p99 ${f2(pct(via, 0.99) - pct(direct, 0.99))} ms (target added p50 ≤ 2 ms); offline model p50 ${p(off, 0.5)} ms`,
    );
    const m = await manyStreams(STREAMS);
    console.log(
      `${STREAMS} concurrent streams through the gateway to the upstream: ${m.completed}/${STREAMS} completed with done in ${m.seconds.toFixed(1)} s; ` +
        `gateway RSS ${MB(m.before)} MB before, ${MB(m.peak)} MB at the peak = +${((m.peak - m.before) / 1024 / STREAMS).toFixed(0)} KB per stream ` +
        `(of which the young generation growing with the load: ${MB(m.youngBefore)} → ${MB(m.youngAfter)} MB)`,
    );
    if (m.completed !== STREAMS) process.exitCode = 1;
  }

  try {
    const only = process.env.BENCH_MESSAGES_ONLY; // offline | upstream | health
    if (only === 'health') return void console.log(await healthRatio());
    if (only === 'streams') return void (await streamingFigures());
    if (only === 'commands') {
      for (const ws of ['offline', 'upstream']) {
        const c = await commandsPerMessage(viaGateway(ws), COUNTED);
        console.log(`Redis commands sent per message, ${ws}: ${c.perMessage.toFixed(1)} (${c.top})`);
      }
      const c = await commandsPerMessage(async (i) => void (await ttftGateway('offline')(i)), COUNTED);
      console.log(`Redis commands sent per streamed message, offline: ${c.perMessage.toFixed(1)} (${c.top})`);
      return;
    }
    if (only === 'floor') {
      // The floor beside Portkey and this gateway, 1 client then 64 (see message-floor.js).
      const runs = {
        'bare upstream': direct,
        'Portkey, stream: false': viaPortkeyWhole,
        'floor: Fastify + a BullMQ job': viaFloor,
        'this gateway → upstream': viaGateway('upstream'),
      };
      const base = await sequential(direct, SEQUENTIAL);
      for (const [name, fn] of Object.entries(runs)) {
        const l = await sequential(fn, SEQUENTIAL);
        const t = await throughput(fn);
        console.log(
          `${name.padEnd(32)} 1 client p50 ${f2(pct(l, 0.5))} ms (added ${f2(pct(l, 0.5) - pct(base, 0.5))} ms); ${CLIENTS} clients ${Math.round(t.rate)} req/s`,
        );
      }
      return;
    }
    if (only === 'sequential') {
      // One client, where the time goes: wall time beside the CPU each message costs the gateway and Redis.
      const base = await sequential(direct, SEQUENTIAL);
      console.log(`1 client: bare upstream p50 ${f2(pct(base, 0.5))} ms`);
      for (const ws of (process.env.BENCH_MESSAGES_WORKSPACES || 'offline,upstream').split(',')) {
        await sequential(viaGateway(ws), 0); // warm-up, not counted
        const c0 = await cpuNow();
        const l = await sequential(viaGateway(ws), SEQUENTIAL, 0);
        const c1 = await cpuNow();
        const per = (k) => f2(((c1[k] - c0[k]) * 1000) / SEQUENTIAL);
        console.log(
          `1 client, ${ws}: p50 ${f2(pct(l, 0.5))} ms p99 ${f2(pct(l, 0.99))} ms; CPU per message: gateway ${per('gateway')} ms (main thread ${per('main')} ms), redis ${per('redis')} ms`,
        );
      }
      return;
    }
    if (only) {
      // For profiling: `BENCH_PROF=1 BENCH_MESSAGES_ONLY=offline node bench/messages.bench.js` (profiles in BENCH_PROF_DIR, default ./bench-profiles)
      const young0 = await ask(gwp, 'young', 'young');
      const t = await throughput(viaGateway(only));
      const young1 = await ask(gwp, 'young', 'young');
      console.log(`young generation ${MB(young0)} MB before the run, ${MB(young1)} MB after`);
      console.log(
        `messages/s at ${CLIENTS} clients, ${only}${split ? ' (workers in a second process)' : ''}: ${Math.round(t.rate)} msg/s (p50 ${f2(t.p50)} ms p99 ${f2(t.p99)} ms; CPU per message: gateway ${f2(t.gwCpu)} ms, redis ${f2(t.redisCpu)} ms)`,
      );
      return;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 2000 - now()))); // settled after start
    console.log(`gateway idle RSS 2 s after start: ${MB(await ask(gwp, 'rss', 'rss'))} MB (target ≤ 120 MB)`);
    const cmdOff = await commandsPerMessage(viaGateway('offline'), COUNTED);
    const cmdUp = await commandsPerMessage(viaGateway('upstream'), COUNTED);
    console.log(
      `Redis commands sent per message (MONITOR, ${COUNTED} sequential, scripts count as one): offline ${cmdOff.perMessage.toFixed(1)} (${cmdOff.top}); fake upstream ${cmdUp.perMessage.toFixed(1)}`,
    );
    await streamingFigures(); // early: the 1,000 streams' RSS growth is measured on a gateway that has not yet been through the throughput runs
    const base = await sequential(direct, SEQUENTIAL);
    const pk = await sequential(viaPortkey, SEQUENTIAL);
    const pkWhole = await sequential(viaPortkeyWhole, SEQUENTIAL);
    const through = await sequential(viaGateway('upstream'), SEQUENTIAL);
    const off = await sequential(viaGateway('offline'), SEQUENTIAL);
    const fl = await sequential(viaFloor, SEQUENTIAL);
    const p50 = (l) => pct(l, 0.5);
    const p99 = (l) => pct(l, 0.99);
    const line = (name, l) =>
      `  ${name.padEnd(34)} p50 ${f2(p50(l)).padStart(6)} ms  p99 ${f2(p99(l)).padStart(6)} ms  added over bare upstream: p50 ${f2(p50(l) - p50(base)).padStart(6)} ms, p99 ${f2(p99(l) - p99(base)).padStart(6)} ms`;
    console.log(`1 client, sequential (${SEQUENTIAL} requests each):`);
    console.log(line('bare upstream', base));
    console.log(line('Portkey gateway → upstream, SSE', pk));
    console.log(line('Portkey → upstream, stream: false', pkWhole));
    console.log(line('this gateway → upstream', through));
    console.log(line('this gateway, offline model', off));
    console.log(line('floor: Fastify + a BullMQ job', fl));
    console.log(
      `messages added latency (gateway → same upstream, 1 client): p50 ${f2(p50(through) - p50(base))} ms p99 ${f2(p99(through) - p99(base))} ms; ` +
        `Portkey p50 ${f2(p50(pk) - p50(base))} ms p99 ${f2(p99(pk) - p99(base))} ms (SSE), p50 ${f2(p50(pkWhole) - p50(base))} ms p99 ${f2(p99(pkWhole) - p99(base))} ms (stream: false) ` +
        `(gateway/Portkey's faster p50 ${f2(p50(through) / Math.min(p50(pk), p50(pkWhole)))}x; target added p50 ≤ 1 ms, p99 ≤ 5 ms)`,
    );

    const tBase = await throughput(direct);
    const tPkSse = await throughput(viaPortkey);
    const tPkWhole = await throughput(viaPortkeyWhole);
    const tPk = tPkWhole.rate > tPkSse.rate ? tPkWhole : tPkSse; // compared with Portkey's faster mode
    const cs0 = await commandStats();
    const tOff = await throughput(viaGateway('offline'));
    const cs1 = await commandStats();
    const tUp = await throughput(viaGateway('upstream'));
    const tFloor = await throughput(viaFloor);
    const tline = (name, t) =>
      `  ${name.padEnd(34)} ${String(Math.round(t.rate)).padStart(6)} req/s  p50 ${f2(t.p50).padStart(6)} ms  p99 ${f2(t.p99).padStart(6)} ms`;
    console.log(`${CLIENTS} clients, ${SECONDS} s each:`);
    console.log(tline('bare upstream', tBase));
    console.log(tline('Portkey gateway → upstream, SSE', tPkSse));
    console.log(tline('Portkey → upstream, stream: false', tPkWhole));
    console.log(tline('this gateway → upstream', tUp));
    console.log(tline('this gateway, offline model', tOff));
    console.log(tline('floor: Fastify + a BullMQ job', tFloor));
    console.log(
      `messages/s at ${CLIENTS} clients: gateway → upstream ${Math.round(tUp.rate)} vs Portkey's faster mode ${Math.round(tPk.rate)} req/s = ${f2(tUp.rate / tPk.rate)}x Portkey (target ≥ 1.0x); ` +
        `offline model ${Math.round(tOff.rate)} msg/s = ${f2(tOff.rate / tPk.rate)}x Portkey (workers.concurrency ${gw.concurrency})`,
    );
    console.log(
      `messages CPU per message (what limits msg/s on 2 cores): offline model — gateway ${f2(tOff.gwCpu)} ms + redis ${f2(tOff.redisCpu)} ms; ` +
        `fake upstream — gateway ${f2(tUp.gwCpu)} ms + redis ${f2(tUp.redisCpu)} ms (load average now ${require('node:os').loadavg()[0].toFixed(1)})`,
    );
    console.log(
      `redis time per offline message at ${CLIENTS} clients (INFO commandstats): ${statsDelta(cs0, cs1, tOff.done)}`,
    );

    console.log(
      `the floor of a message that is a BullMQ job (Fastify + add + worker + upstream call + finish, nothing else; bench/message-floor.js): ` +
        `1 client added p50 ${f2(p50(fl) - p50(base))} ms (the target for this gateway: ≤ 1 ms); ${CLIENTS} clients ${Math.round(tFloor.rate)} req/s = ${f2(tFloor.rate / tPk.rate)}x Portkey (target ≥ 1.0x)`,
    );

    console.log(await healthRatio());
  } finally {
    redisInfo.disconnect();
    await agent.close();
    gwp.send('exit');
    wp?.send('exit');
    up.send('exit');
    floor.send('exit');
    portkey.child.kill();
    await new Promise((r) => gwp.once('exit', r));
    await redis.stop();
  }
}

if (process.argv[2] === 'upstream') upstream();
else if (process.argv[2] === 'gateway')
  gatewayProcess(process.argv[3], process.argv[4], process.argv[5]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
