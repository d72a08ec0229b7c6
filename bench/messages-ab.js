#!/usr/bin/env node
/**
 * Two builds of the gateway side by side at one client: `node bench/messages-ab.js <dirA> <dirB>`,
 * each a checkout with its server built (`node scripts/build-server.mjs`) and node_modules.
 *
 * On a shared machine consecutive runs of the same build drift by ±1.5 ms at one client, more than
 * most changes to the message path. Here each build runs its own gateway (HTTP + workers, the
 * config of messages.bench.js) on its own redis-server, both in front of one fake upstream, and
 * the requests alternate A, B, B, A, … so the drift falls on both alike.
 *
 * AB_MODE=send (POST /api/v1/messages, whole request) | stream (POST /api/v1/messages/stream, time
 * to the first token event) | health (GET /api/v1/health with a key that has a rate limit, so it
 * is counted; with AB_CLIENTS > 1); AB_WORKSPACE=upstream | offline; AB_COUNT (1,500 each); AB_WARMUP (400);
 * AB_IDEMPOTENCY=1: every request with a fresh Idempotency-Key, as the SDKs send by default.
 * AB_CLIENTS=64: throughput instead, in AB_ROUNDS (10) bursts of AB_BURST_SECONDS (2) per build, alternating.
 */
const { fork } = require('node:child_process');
const path = require('node:path');

const MODE = process.env.AB_MODE ?? 'send';
const WORKSPACE = process.env.AB_WORKSPACE ?? 'upstream';
const COUNT = Number(process.env.AB_COUNT ?? 1500);
const WARMUP = Number(process.env.AB_WARMUP ?? 400);
const IDEMPOTENCY = process.env.AB_IDEMPOTENCY === '1';
const CLIENTS = Number(process.env.AB_CLIENTS ?? 1);
const ROUNDS = Number(process.env.AB_ROUNDS ?? 10);
const BURST_MS = Number(process.env.AB_BURST_SECONDS ?? 2) * 1000;

const started = (child) =>
  new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });

async function main() {
  const [dirA, dirB] = process.argv.slice(2, 4).map((d) => path.resolve(d));
  if (!dirB) throw new Error('usage: node bench/messages-ab.js <dirA> <dirB>');
  const { request, Agent } = require('undici');
  const { spawnRedis } = require('../dist/server/embedded-redis');
  const children = [];
  const redises = [await spawnRedis({ persist: false }), await spawnRedis({ persist: false })];
  process.on('exit', () =>
    [...children, ...redises.map((r) => r.child)].forEach((c) => c.exitCode === null && c.kill()),
  );
  const benchOf = (dir) => path.join(dir, 'bench/messages.bench.js');
  const up = fork(benchOf(dirA), ['upstream'], { stdio: 'inherit' });
  children.push(up);
  const upstreamUrl = `http://127.0.0.1:${(await started(up)).port}`;
  const gateways = [];
  for (const [i, dir] of [dirA, dirB].entries()) {
    const child = fork(benchOf(dir), ['gateway', redises[i].url, upstreamUrl, 'all'], { stdio: 'inherit' });
    children.push(child);
    gateways.push(await started(child));
  }
  const agent = new Agent({ keepAliveTimeout: 60_000, connections: CLIENTS + 4 });
  const once = async (gw, i, client = 0) => {
    const t = performance.now();
    if (MODE === 'health') {
      const res = await request(`${gw.url}/api/v1/health`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${gw.limitedKey}` },
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`${gw.url} answered ${res.statusCode}`);
      return performance.now() - t;
    }
    const res = await request(`${gw.url}/api/v1/messages${MODE === 'stream' ? '/stream' : ''}`, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${gw.key}`,
        ...(IDEMPOTENCY ? { 'idempotency-key': crypto.randomUUID() } : {}),
      },
      body: JSON.stringify({ workspace: WORKSPACE, userId: `ab-${client}`, message: `message ${i}` }),
    });
    if (res.statusCode !== 200) throw new Error(`${gw.url} answered ${res.statusCode}: ${await res.body.text()}`);
    if (MODE !== 'stream') {
      await res.body.text();
      return performance.now() - t;
    }
    let firstToken = null;
    for await (const chunk of res.body)
      if (firstToken === null && String(chunk).includes('"type":"token"')) firstToken = performance.now() - t;
    return firstToken ?? performance.now() - t;
  };
  // CLIENTS concurrent clients (one session each) on one gateway for BURST_MS: messages answered.
  const burst = async (gw) => {
    const until = performance.now() + BURST_MS;
    let done = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let i = 0; performance.now() < until; i++, done++) await once(gw, i, client);
      }),
    );
    return done;
  };
  const times = [[], []];
  try {
    for (let i = 0; i < WARMUP; i++) for (const gw of gateways) await once(gw, i);
    if (CLIENTS > 1) {
      for (const gw of gateways) await burst(gw); // past the JIT's warm-up at this load
      const done = [0, 0];
      for (let r = 0; r < ROUNDS; r++) for (const k of r % 2 ? [1, 0] : [0, 1]) done[k] += await burst(gateways[k]);
      const what = MODE === 'health' ? 'GET /api/v1/health (counted key)' : `POST /api/v1/messages, ${WORKSPACE}`;
      console.log(`${what}, ${CLIENTS} clients, ${ROUNDS} bursts of ${BURST_MS} ms each, alternating:`);
      for (const [k, dir] of [dirA, dirB].entries())
        console.log(`  ${'AB'[k]} ${dir}: ${Math.round(done[k] / ((ROUNDS * BURST_MS) / 1000))} req/s`);
      return;
    }
    for (let i = 0; i < COUNT; i++) {
      const order = i % 2 ? [1, 0] : [0, 1];
      for (const k of order) times[k].push(await once(gateways[k], i));
    }
  } finally {
    await agent.close();
  }
  const pct = (l, q) => {
    const sorted = l.slice().sort((x, y) => x - y);
    return sorted[Math.floor(q * (l.length - 1))].toFixed(2);
  };
  const what = MODE === 'stream' ? 'time to first token' : 'POST /api/v1/messages';
  console.log(`${what}, ${WORKSPACE}, 1 client, ${COUNT} each, alternating:`);
  for (const [k, dir] of [dirA, dirB].entries())
    console.log(
      `  ${'AB'[k]} ${dir}: p50 ${pct(times[k], 0.5)} ms  p90 ${pct(times[k], 0.9)} ms  p99 ${pct(times[k], 0.99)} ms`,
    );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
