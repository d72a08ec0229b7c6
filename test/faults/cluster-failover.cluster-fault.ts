/**
 * A Redis Cluster master (the one holding the messages queue) is SIGKILLed while messages stream
 * in through a gateway and two `openclaw worker` processes: its replica takes over; meanwhile the
 * gateway answers 503 with Retry-After (never a 500), it recovers without a restart, and every
 * accepted message finishes exactly once (its own answer, counted once in the stats).
 */
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
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
const lastUser = (req: RecordedRequest) => String(req.body.messages.filter((m: { role: string }) => m.role === 'user').at(-1).content);
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

/** The master port serving `slot`, per CLUSTER SLOTS as seen by a node that answers. */
async function masterOf(client: Cluster, slot: number): Promise<number | null> {
  const ranges = await client.cluster('SLOTS');
  const r = ranges.find(([from, to]) => slot >= from && slot <= to);
  return r ? Number(r[2][1]) : null;
}

describe('Redis Cluster: a master killed under a stream of messages', () => {
  let cluster: TestCluster;
  let llm: FakeLlm;
  let gw: TestGateway;
  let workers: WorkerPool;
  let admin: Cluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
    llm = await startFakeOpenAI({ paceMs: 20, fallback: (req) => ({ text: answerTo(lastUser(req)) }) });
    const config = upstreamConfig(llm);
    const target = { cluster: { nodes: parseClusterNodes(cluster.nodes) } };
    gw = await startTestGateway({ redisUrl: target, config, workers: false });
    workers = workerPool(config, { REDIS_CLUSTER_NODES: cluster.nodes });
    await workers.add();
    await workers.add();
    admin = new Cluster(target.cluster.nodes);
  }, 90000);
  afterAll(async () => {
    admin?.disconnect();
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
      const res = await gw.request('POST', `${API}/messages`, { body: { workspace: 'team', userId: `user-${i}`, message: text, async: true } });
      sent.push({ at: Date.now(), ms: Date.now() - t0, status: res.status, code: res.body?.error?.code, retryAfter: res.headers.get('retry-after'), id: res.body?.messageId, text });
    };
    const senders = Array.from({ length: SENDERS }, async () => {
      while (sent.length < stopAt) await send();
    });

    await waitFor(() => sent.filter((s) => s.status === 202).length >= 40, 30000, 'messages flowing');
    const queueSlot = calculateSlot('{oc:messages}');
    const victim = (await masterOf(admin, queueSlot))!;
    const killedAt = Date.now();
    process.kill(cluster.pidOf(victim), 'SIGKILL');

    // Its replica is promoted once the other masters agree the node is gone (cluster-node-timeout 1.5 s).
    const survivor = cluster.ports.find((p) => p !== victim)!;
    const probe = new Cluster([{ host: '127.0.0.1', port: survivor }]);
    const newMaster = await waitFor(
      async () => {
        const m = await masterOf(probe, queueSlot).catch(() => null);
        const info = m && m !== victim ? String(await probe.cluster('INFO').catch(() => '')) : '';
        return info.includes('cluster_state:ok') ? m : null;
      },
      30000,
      'a replica promoted',
    );
    const promotedAt = Date.now();
    probe.disconnect();

    // Keep sending until the gateway has taken AFTER_RECOVERY messages in a row, then stop.
    await waitFor(() => sent.length > AFTER_RECOVERY && sent.slice(-AFTER_RECOVERY).every((s) => s.status === 202 && s.at > promotedAt), 60000, 'the gateway taking messages again');
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
        const all = await Promise.all(accepted.map(async (s) => (await gw.request('GET', `${API}/messages/${s.id}`)).body));
        return all.every((m) => m.status === 'done' || m.status === 'error') ? all : undefined;
      },
      120000,
      'every accepted message to finish',
    );
    report('cluster master killed', {
      sent: sent.length,
      accepted: accepted.length,
      answered_503: refused.length,
      slowest_answer_ms: Math.max(...sent.map((s) => s.ms)),
      failover_ms: promotedAt - killedAt,
      recovered_after_ms: lastRefusal - killedAt,
      killed_port: victim,
      new_master_port: newMaster,
    });
    outcomes.forEach((m, i) => expect(m).toMatchObject({ status: 'done', response: answerTo(accepted[i].text) }));
    // Exactly once: one counted message per accepted one, whatever was retried during the failover.
    const { totals } = (await gw.request('GET', `${API}/stats`)).body;
    expect(totals.messages).toBe(accepted.length);
  });
});
