#!/usr/bin/env node
/**
 * Stats reads do not grow with history: with 1,000,000 messages recorded over 366 days,
 * GET /api/v1/stats for the whole 366-day period is timed against the same request for 1 day
 * (the baseline, measured in the same run on the same data).
 *
 * The history is written through the stats store's own bulk path (importDay: per-user rows of a
 * workspace-day, the same keys record() writes), since recording a million messages one by one
 * would take minutes. Own redis-server, own gateway on 127.0.0.1; bounded in count and time.
 */
const { spawnRedis } = require('../dist/server/embedded-redis');
const { startGateway } = require('../dist/server/gateway');
const { parseConfig } = require('../dist/server/config');
const { createLogger } = require('../dist/server/logger');
const { daysBetween } = require('../dist/server/metrics/stats-store');

const MESSAGES = 1_000_000;
const WORKSPACES = ['team', 'ops', 'support', 'research'];
const USERS_PER_WORKSPACE = 400;
const ACTIVE_USERS_PER_DAY = 120;
const FROM = '2025-05-01';
const TO = '2026-05-01'; // 366 days
const REQUESTS = 200;

/** Deterministic PRNG (mulberry32) so every run stores the same history. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits `n` messages of one workspace-day over a random set of active users. */
function dayRows(n, date, random) {
  const rows = new Map();
  const dayStart = Date.parse(`${date}T00:00:00Z`);
  for (let i = 0; i < n; i++) {
    const userId = `user-${Math.floor(random() * USERS_PER_WORKSPACE) % USERS_PER_WORKSPACE}`;
    const slot = Math.floor(random() * ACTIVE_USERS_PER_DAY);
    const id = `${userId.slice(0, 5)}${(Number(userId.slice(5)) + slot) % USERS_PER_WORKSPACE}`;
    let r = rows.get(id);
    if (!r)
      rows.set(
        id,
        (r = {
          userId: id,
          messages: 0,
          errors: 0,
          tokensIn: 0,
          tokensOut: 0,
          costMicros: 0,
          latencyMs: 0,
          lastActivityMs: dayStart,
        }),
      );
    const tin = 200 + Math.floor(random() * 800);
    const tout = 300 + Math.floor(random() * 1500);
    r.messages++;
    r.tokensIn += tin;
    r.tokensOut += tout;
    r.costMicros += Math.round(tin * 2.5 + tout * 10); // gpt-4o list price, USD × 1e6 per token
    r.latencyMs += 500 + Math.floor(random() * 3000);
    r.lastActivityMs = Math.max(r.lastActivityMs, dayStart + Math.floor(random() * 86_400_000));
  }
  return [...rows.values()];
}

async function timeRequests(url, key, path) {
  const headers = { authorization: `Bearer ${key}` };
  const times = [];
  const server = [];
  let body;
  for (let i = 0; i < REQUESTS + 20; i++) {
    const t0 = process.hrtime.bigint();
    const res = await fetch(url + path, { headers });
    body = await res.json();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 200) throw new Error(`${path} → ${res.status} ${JSON.stringify(body)}`);
    if (i >= 20) {
      // the first 20 warm up
      times.push(ms);
      server.push(Number(res.headers.get('x-openclaw-overhead-ms')));
    }
  }
  const p = (list, q) => list.sort((a, b) => a - b)[Math.floor(list.length * q)];
  return { p50: p(times, 0.5), p95: p(times, 0.95), serverP50: p(server, 0.5), body };
}

async function main() {
  const redis = await spawnRedis({ persist: false });
  let gateway;
  try {
    const config = parseConfig(
      {
        api: { port: 0, host: '127.0.0.1', defaultRateLimit: 0 },
        logging: { level: 'warn' },
        workspaces: WORKSPACES.map((id) => ({ id })),
      },
      {},
    );
    config.stateDir = '/tmp/openclaw-bench-state';
    gateway = await startGateway({
      config,
      redisUrl: redis.url,
      workers: false,
      log: createLogger('warn'),
      say: () => undefined,
    });
    const { stats, keys } = gateway.ctx.stores;
    const { key } = await keys.create({
      label: 'bench',
      workspaces: ['*'],
      permissions: ['stats:read'],
      source: 'cli',
    });

    const days = daysBetween(FROM, TO);
    const random = rng(42);
    const t0 = Date.now();
    let written = 0;
    const slots = days.length * WORKSPACES.length;
    let slot = 0;
    for (const date of days) {
      await Promise.all(
        WORKSPACES.map((ws) => {
          // Spread exactly MESSAGES over every workspace-day.
          const n = Math.floor(((slot + 1) * MESSAGES) / slots) - Math.floor((slot * MESSAGES) / slots);
          slot++;
          written += n;
          return stats.importDay(ws, date, dayRows(n, date, random));
        }),
      );
    }
    console.log(
      `recorded ${written.toLocaleString('en-US')} messages over ${days.length} days × ${WORKSPACES.length} workspaces in ${((Date.now() - t0) / 1000).toFixed(1)} s (bulk path)`,
    );

    const one = await timeRequests(gateway.url, key, `/api/v1/stats?from=${TO}&to=${TO}`);
    const year = await timeRequests(gateway.url, key, `/api/v1/stats?from=${FROM}&to=${TO}`);
    if (year.body.totals.messages !== MESSAGES)
      throw new Error(`expected ${MESSAGES} messages in the period, the API says ${year.body.totals.messages}`);
    if (year.body.byDay.length !== 366) throw new Error('expected 366 days');
    const users = await timeRequests(gateway.url, key, `/api/v1/stats/users?workspace=team&from=${FROM}&to=${TO}`);

    const line = (label, r) =>
      `${label}: p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms (in the gateway: p50 ${r.serverP50.toFixed(2)} ms)`;
    console.log(line('GET /stats 1-day period (baseline)', one));
    console.log(
      `${line(`GET /stats 366-day period, ${year.body.totals.messages.toLocaleString('en-US')} messages, ${year.body.totals.uniqueUsers} unique users`, year)}` +
        ` — ${(year.p50 / one.p50).toFixed(1)}× the 1-day baseline for 366× the days`,
    );
    console.log(line(`GET /stats/users 366-day period (top 20 of ${users.body.uniqueUsers})`, users));
  } finally {
    await gateway?.close();
    redis.child.kill('SIGKILL'); // a throwaway server: no need to wait for a clean shutdown
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
