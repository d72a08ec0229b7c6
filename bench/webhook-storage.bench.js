#!/usr/bin/env node
/**
 * Redis memory per message with 200 subscriptions on ["*"] and a 30 KB message: each message
 * emits `message.received` (the 30 KB text) and `message.sent` (a 30 KB answer), so 400
 * deliveries per message. Target: under 200 KB of Redis growth per message, delivery logs
 * included (an event's body is stored once; each delivery is a small record referencing it).
 *
 * Own redis-server; the gateway (workers in-process, no HTTP listener) emits through
 * ctx.events, the real fan-out path, to a receiver on 127.0.0.1 answering 200. Memory is read
 * (INFO memory, used_memory) after a warm-up and after the measured messages, each time once
 * every delivery has arrived and the queue is empty. Bounded: 13 messages, 5,200 deliveries.
 */
const http = require('node:http');

const SUBSCRIPTIONS = 200;
const MESSAGES = Number(process.env.BENCH_STORAGE_MESSAGES ?? 10);
const WARMUP = 3;
const TEXT = 'lorem ipsum dolor sit amet, '.repeat(1100).slice(0, 30_000); // a 30 KB message
const TARGET_BYTES = 200 * 1024;

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function usedMemory(redis) {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

async function main() {
  const Redis = require('ioredis');
  const { spawnRedis } = require('../dist/server/embedded-redis');
  const { startGateway } = require('../dist/server/gateway');
  const { parseConfig } = require('../dist/server/config');
  const { createLogger } = require('../dist/server/logger');

  let received = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  receiver.keepAliveTimeout = 60_000;
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${receiver.address().port}/openclaw-events`;

  const redisServer = await spawnRedis({ persist: false });
  const redis = new Redis(redisServer.url);
  const config = parseConfig({ api: { enabled: false }, logging: { level: 'warn' }, workspaces: [{ id: 'team' }] }, {});
  config.stateDir = '/tmp/openclaw-bench-state';
  const gateway = await startGateway({
    config,
    redisUrl: redisServer.url,
    workers: true,
    listen: false,
    log: createLogger('warn'),
    say: () => undefined,
  });
  const { ctx } = gateway;
  const queue = ctx.queues.get('webhooks');
  try {
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      await ctx.stores.webhooks.create({
        id: `wh_bench_${i}`,
        url,
        events: ['*'],
        workspaces: null,
        scope: ['*'],
        description: null,
        secret: 'bench-secret-0123456789abcdef',
        retries: 7,
        timeoutMs: 5000,
        source: 'api',
        createdBy: null,
      });
    }
    let sent = 0;
    const message = async (n) => {
      const data = {
        messageId: `msg_${n}`,
        workspace: 'team',
        userId: 'bench',
        channel: 'api',
        sessionId: 'sess_bench',
      };
      await ctx.events.emit('message.received', 'team', { ...data, message: TEXT });
      await ctx.events.emit('message.sent', 'team', { ...data, response: TEXT, tokensUsed: 5000, latencyMs: 1 });
      sent += 2 * SUBSCRIPTIONS;
    };
    const settled = async () => {
      const until = Date.now() + 120_000;
      for (;;) {
        const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (received >= sent && Object.values(c).every((n) => n === 0)) return;
        if (Date.now() > until)
          throw new Error(`not settled: ${received} of ${sent} deliveries, queue ${JSON.stringify(c)}`);
        await sleep(50);
      }
    };

    for (let i = 0; i < WARMUP; i++) await message(`warm_${i}`);
    await settled();
    const before = await usedMemory(redis);
    const t0 = Date.now();
    for (let i = 0; i < MESSAGES; i++) await message(i);
    await settled();
    const seconds = (Date.now() - t0) / 1000;
    const after = await usedMemory(redis);

    const perMessage = (after - before) / MESSAGES;
    const bodyBytes = await redis.memory(
      'USAGE',
      `oc:{whe:${(await ctx.stores.webhooks.listDeliveries('wh_bench_0', 1, 0, 86400)).data[0].eventId}}:body`,
    );
    const recordBytes = (perMessage - 2 * bodyBytes) / (2 * SUBSCRIPTIONS);
    const failed = (await ctx.stores.webhooks.listDeliveries('wh_bench_0', 100, 0, 86400)).data.filter(
      (d) => d.status !== 'delivered',
    );
    if (failed.length) throw new Error(`undelivered: ${JSON.stringify(failed[0])}`);
    console.log(
      `webhook storage: Redis grew ${kb(perMessage)} per message (${SUBSCRIPTIONS} subscriptions on ["*"], a 30 KB message → ${2 * SUBSCRIPTIONS} deliveries; target < ${kb(TARGET_BYTES)}: ${perMessage < TARGET_BYTES ? 'met' : 'MISSED'})`,
    );
    console.log(
      `  of which 2 event bodies stored once (${kb(bodyBytes)} each) and about ${Math.round(recordBytes)} bytes per delivery (record with its attempt, log entry); ` +
        `${MESSAGES} messages, ${MESSAGES * 2 * SUBSCRIPTIONS} deliveries in ${seconds.toFixed(1)} s; ` +
        `before: one copy of the body per delivery, about ${kb(2 * SUBSCRIPTIONS * 30_000)} per message`,
    );
  } finally {
    await gateway.close();
    redis.disconnect();
    await redisServer.stop();
    receiver.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
