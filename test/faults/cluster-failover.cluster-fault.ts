/**
 * A Redis Cluster master (the one holding the messages queue) is SIGKILLed while messages stream
 * in through a gateway and two `openclaw worker` processes: its replica takes over; meanwhile the
 * gateway answers 503 with Retry-After (never a 500), it recovers without a restart, and every
 * accepted message finishes exactly once (its own answer, counted once in the stats).
 */
import calculateSlot from 'cluster-key-slot';
import Redis from 'ioredis';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startTestCluster, type TestCluster } from '../setup/redis-cluster';
import { startFakeOpenAI } from '../fakes/openai';
import type { FakeLlm } from '../fakes/llm-script';
import type { RecordedRequest } from '../fakes/http';
import { parseClusterNodes } from '../../server/redis';
import { API, report, upstreamConfig, waitFor, workerPool, type WorkerPool } from './harness';

const SENDERS = 4;
/** Sent after the new master serves the slot again: the gateway must take them all. */
const AFTER_RECOVERY = 20;
const lastUser = (req: RecordedRequest) =>
  String(req.body.messages.filter((m: { role: string }) => m.role === 'user').at(-1).content);
const answerTo = (text: string) => `answer to ${text}:${' word'.repeat(10)}`;

interface Sent {
  at: number;
  ms: number;
  status: number;
  code?: string;
  retryAfter: string | null;
  id?: string;
  text: string;
}

/** Node timeout of this scenario's cluster: the replica is promoted a few seconds after the kill. */
const NODE_TIMEOUT_MS = 2000;

type SlotRange = [number, number, ...Array<[string, number, string]>];

/** CLUSTER SLOTS as one node sees it, over a plain connection (no slot map of its own to go stale). */
async function slotsSeenBy(port: number): Promise<{ ok: boolean; ranges: SlotRange[] } | null> {
  const node = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
    commandTimeout: 2000,
  });
  try {
    await node.connect();
    const [info, ranges] = await Promise.all([node.cluster('INFO'), node.cluster('SLOTS')]);
    return { ok: String(info).includes('cluster_state:ok'), ranges: ranges as unknown as SlotRange[] };
  } catch {
    return null;
  } finally {
    node.disconnect();
  }
}

const rangeOf = (ranges: SlotRange[], slot: number) => ranges.find(([from, to]) => slot >= from && slot <= to);

describe('Redis Cluster: a master killed under a stream of messages', () => {
  let cluster: TestCluster;
  let llm: FakeLlm;
  let gw: TestGateway;
  let workers: WorkerPool;

  beforeAll(async () => {
    cluster = await startTestCluster({ nodeTimeoutMs: NODE_TIMEOUT_MS });
    llm = await startFakeOpenAI({ paceMs: 20, fallback: (req) => ({ text: answerTo(lastUser(req)) }) });
    const config = upstreamConfig(llm);
    const target = { cluster: { nodes: parseClusterNodes(cluster.nodes) } };
    gw = await startTestGateway({ redisUrl: target, config, workers: false });
    workers = workerPool(config, { REDIS_CLUSTER_NODES: cluster.nodes });
    await workers.add();
    await workers.add();
  }, 90000);
  afterAll(async () => {
    await gw?.close();
    await workers?.stop();
    await llm?.close();
    await cluster?.stop();
  });

  it('answers 503 (never 500) until the replica takes over, recovers by itself, finishes every accepted message once', async () => {
    const sent: Sent[] = [];
    let n = 0;
    let stopAt = Infinity;
    const send = async () => {
      const i = n++;
      const text = `m${i}`;
      const t0 = Date.now();
      const res = await gw.request('POST', `${API}/messages`, {
        body: { workspace: 'team', userId: `user-${i}`, message: text, async: true },
      });
      sent.push({
        at: Date.now(),
        ms: Date.now() - t0,
        status: res.status,
        code: res.body?.error?.code,
        retryAfter: res.headers.get('retry-after'),
        // A refusal after the message took its place names it: it may have been queued all the same.
        id: res.body?.messageId ?? res.body?.error?.messageId,
        text,
      });
    };
    const senders = Array.from({ length: SENDERS }, async () => {
      while (sent.length < stopAt) await send();
    });

    await waitFor(() => sent.filter((s) => s.status === 202).length >= 40, 30000, 'messages flowing');
    // The master holding the messages queue's slot, and its replica (the one to be promoted).
    const queueSlot = calculateSlot('{oc:messages}');
    // Once the replica is attached (on a busy machine it may still be joining as messages flow).
    const before = await waitFor(
      async () => {
        const range = rangeOf((await slotsSeenBy(cluster.ports[0]))?.ranges ?? [], queueSlot);
        return range && range.length >= 4 ? range : null;
      },
      30000,
      "the queue master's replica to attach",
    );
    const [victim, replica] = [before[2][1], before[3][1]];
    const witness = cluster.ports.find((p) => p !== victim && p !== replica)!;
    const killedAt = Date.now();
    process.kill(cluster.pidOf(victim), 'SIGKILL');

    // Promoted once the other masters agree the node is gone (NODE_TIMEOUT_MS) and elect its
    // replica; asked of a third node, which is what a client refreshing its slot map sees.
    const newMaster = await waitFor(
      async () => {
        const seen = await slotsSeenBy(witness);
        const owner = seen?.ok ? rangeOf(seen.ranges, queueSlot)?.[2][1] : undefined;
        return owner !== undefined && owner !== victim ? owner : null;
      },
      60000,
      `node ${witness} to see replica ${replica} promoted for slot ${queueSlot}`,
    );
    const promotedAt = Date.now();
    expect(newMaster).toBe(replica);

    // Keep sending until the gateway has taken AFTER_RECOVERY messages in a row, then stop.
    await waitFor(
      () =>
        sent.length > AFTER_RECOVERY && sent.slice(-AFTER_RECOVERY).every((s) => s.status === 202 && s.at > promotedAt),
      60000,
      'the gateway taking messages again',
    );
    stopAt = sent.length;
    await Promise.all(senders);

    const refused = sent.filter((s) => s.status !== 202);
    // The slot's master was gone for longer than a request rides out: some were refused, as 503s.
    expect(refused.length).toBeGreaterThan(0);
    for (const s of refused) {
      expect({ status: s.status, code: s.code }).toEqual({ status: 503, code: 'unavailable' });
      expect(s.retryAfter).toMatch(/^\d+$/);
    }
    const lastRefusal = Math.max(killedAt, ...refused.map((s) => s.at));
    const accepted = sent.filter((s) => s.status === 202);

    const outcomes = await waitFor(
      async () => {
        const all = await Promise.all(
          accepted.map(async (s) => (await gw.request('GET', `${API}/messages/${s.id}`)).body),
        );
        return all.every((m) => m.status === 'done' || m.status === 'error') ? all : undefined;
      },
      120000,
      'every accepted message to finish',
    );
    const finishedAt = Date.now();
    report('cluster master killed', {
      sent: sent.length,
      accepted: accepted.length,
      answered_503: refused.length,
      slowest_answer_ms: Math.max(...sent.map((s) => s.ms)),
      failover_ms: promotedAt - killedAt,
      recovered_after_ms: lastRefusal - killedAt,
      all_finished_after_ms: finishedAt - killedAt,
      killed_port: victim,
      promoted_replica_port: newMaster,
    });
    outcomes.forEach((m, i) => expect(m).toMatchObject({ status: 'done', response: answerTo(accepted[i].text) }));
    // Refusals that named their message (Redis went away between queueing it and answering): each
    // ends like any message (done, or worker_failed when its job never got queued) or was never stored.
    const named = refused.filter((s) => s.id);
    const fates = await waitFor(
      async () => {
        const all = await Promise.all(
          named.map(async (s) => (await gw.request('GET', `${API}/messages/${s.id}`)).body),
        );
        return all.every((m) => m.error?.code === 'not_found' || m.status === 'done' || m.status === 'error')
          ? all
          : undefined;
      },
      60000,
      'every refused message that was named to be concluded',
    );
    const concluded = fates.filter((m) => m.status === 'done' || m.status === 'error');
    // Exactly once: one counted message per accepted one (and per named one that ran), whatever was retried during the failover.
    const { totals } = (await gw.request('GET', `${API}/stats`)).body;
    report('cluster master killed, outcomes', {
      counted: totals.messages,
      errors: totals.errors,
      refused_named: named.length,
      refused_named_that_ran: concluded.length,
    });
    expect(totals.messages).toBe(accepted.length + concluded.length);
  });
});
