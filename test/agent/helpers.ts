/** Builds an agent the way the gateway does (config → registry → createAgent) on the test Redis, and runs it collecting events. */
import Redis from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import { parseConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { createStores } from '../../server/store';
import { createAgent } from '../../server/agent';
import { createModelRegistry } from '../../server/agent/providers/registry';
import type { Agent, AgentEvent, AgentInput, AgentResult } from '../../server/agent/types';
import type { Workspace } from '../../server/store/workspaces';
import type { Clock } from '../../server/clock';
import { flushTestDb, testRedisUrl } from '../helpers/redis';

export interface TestAgent {
  agent: Agent;
  redis: Redis;
  stores: ReturnType<typeof createStores>;
  close(): Promise<void>;
}

export const FIXED_CLOCK: Clock = { now: () => Date.parse('2026-04-30T14:00:00Z') };

export async function startTestAgent(
  rawConfig: Record<string, any>,
  opts: { env?: NodeJS.ProcessEnv; clock?: Clock } = {},
): Promise<TestAgent> {
  await flushTestDb();
  const config = parseConfig({ logging: { level: 'silent' }, ...rawConfig }, {});
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') as unknown as FastifyBaseLogger;
  const redis = new Redis(testRedisUrl());
  const clock = opts.clock ?? FIXED_CLOCK;
  const stores = createStores(redis, clock);
  const models = createModelRegistry(config, opts.env ?? {});
  const agent = createAgent({ config, log, models, stores, clock });
  return { agent, redis, stores, close: async () => void (await redis.quit()) };
}

export function workspace(skills: string[] = [], agent = 'balanced', id = 'team'): Workspace {
  return { id, label: id, agent, skills, allowlist: [], createdAt: '2026-01-01T00:00:00.000Z', source: 'api' };
}

let seq = 0;
export function input(message: string, over: Partial<AgentInput> = {}): AgentInput {
  return {
    messageId: `msg_test${++seq}`,
    workspace: workspace(),
    userId: 'api-user',
    sessionId: 'sess_test',
    message,
    history: [],
    ...over,
  };
}

export async function collect(agent: Agent, inp: AgentInput): Promise<{ events: AgentEvent[]; result: AgentResult }> {
  const events: AgentEvent[] = [];
  const result = await agent.run(inp, (e) => void events.push(e));
  return { events, result };
}

/** Runs and returns the rejection (fails the test when the run succeeds). */
export async function failure(agent: Agent, inp: AgentInput): Promise<{ error: any; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  try {
    await agent.run(inp, (e) => void events.push(e));
  } catch (error) {
    return { error, events };
  }
  throw new Error('expected the run to fail');
}

/** Tokens joined, other events as they are: a readable picture of the event order. */
export function timeline(events: AgentEvent[]): Array<string | AgentEvent> {
  return events.map((e) => (e.type === 'token' ? `token:${e.content}` : e));
}
