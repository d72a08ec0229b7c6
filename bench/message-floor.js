#!/usr/bin/env node
/**
 * The floor of a message that is a BullMQ job, for messages.bench.js: the least a server can do
 * and still keep the gateway's first guarantee (every message a durable job, answered once it is
 * recorded), with none of the rest (no API key, session, idempotency, event stream, webhooks,
 * stats). `node bench/message-floor.js <redisUrl> <upstreamUrl>` (forked; sends {url} when up).
 *
 * POST /m {message} → Queue.add (the gateway's job options) → a Worker in the same process
 * (concurrency 64, the gateway's lock settings) calls the upstream with stream: true, reads the
 * answer out of the SSE chunks and returns it → BullMQ stores it as the job's return value
 * (moveToFinished) → its `completed` event hands it to the waiting request, which answers.
 * Fastify, BullMQ, ioredis and undici: the gateway's own parts, at their defaults.
 */
const { randomUUID } = require('node:crypto');
const Fastify = require('fastify');
const IORedis = require('ioredis');
const { Queue, Worker } = require('bullmq');
const { Agent, request } = require('undici');

async function main(redisUrl, upstreamUrl) {
  const connection = () => new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('floor', {
    connection: connection(),
    prefix: '{oc:floor}',
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { count: 1000, age: 3600 },
      removeOnFail: { age: 24 * 3600 },
    },
  });
  const upstreamAgent = new Agent({ keepAliveTimeout: 60_000 });
  const worker = new Worker(
    'floor',
    async (job) => {
      const res = await request(`${upstreamUrl}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: upstreamAgent,
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
        body: JSON.stringify({
          model: 'fake-model',
          stream: true,
          messages: [{ role: 'user', content: job.data.message }],
        }),
      });
      let answer = '';
      for (const line of (await res.body.text()).split('\n'))
        if (line.startsWith('data: {')) answer += JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? '';
      return answer;
    },
    { connection: connection(), prefix: '{oc:floor}', concurrency: 64, lockDuration: 8000, stalledInterval: 4000 },
  );
  const waiting = new Map();
  worker.on('completed', (job, answer) => {
    waiting.get(job.id)?.(answer);
    waiting.delete(job.id);
  });
  const app = Fastify();
  app.post('/m', async (req) => {
    const id = randomUUID();
    const answered = new Promise((resolve) => waiting.set(id, resolve));
    await queue.add('m', { message: req.body.message }, { jobId: id });
    return { response: await answered };
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.send({ url });
  process.on('message', async (m) => {
    if (m !== 'exit') return;
    await app.close();
    await worker.close();
    await queue.close();
    process.exit(0);
  });
}

main(process.argv[2], process.argv[3]).catch((err) => {
  console.error(err);
  process.exit(1);
});
