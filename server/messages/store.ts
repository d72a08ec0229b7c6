/**
 * Message records (status and final result, for GET /messages/{id}, async mode and idempotent
 * replays) and each message's event stream (what SSE relays and what waiters follow). Both
 * expire after messages.retentionHours.
 *
 * Redis keys (one message's keys share the hash tag {<messageId>}, so one script finishes both):
 *   oc:msg:{<id>}     → hash: id, workspace, userId, sessionId, channel, seq, status, createdAt,
 *                        startedAt, finishedAt, result (JSON), error (JSON), hooked (the
 *                        finished hooks ran: set with the outcome), attempts
 *                        (runs started), event (the outbox: the message.sent / error.agent event
 *                        written with the outcome, re-emitted by whoever completes the message)
 *   oc:msg:{<id>}:ev  → stream of events; field `d` = the event as JSON, exactly the SSE data line;
 *                        the final entry also has field `r` = the Outcome as JSON (for waiters)
 */
import type Redis from 'ioredis';
import { ERROR_CODES, errorCodeOr, type ErrorCode } from '../errors';
import type { DomainEvent } from '../events';
import { LuaScript } from '../store/lua';

/** What a finished message reports to onMessageFinished hooks (stats, metrics). */
export interface FinishedMessage {
  messageId: string;
  workspace: string;
  userId: string;
  sessionId: string;
  status: 'done' | 'error';
  model: string;
  provider: string;
  tokensIn: number;
  tokensOut: number;
  /** null when the model has no known price. */
  costUSD: number | null;
  latencyMs: number;
  /** Epoch ms when it finished (from ctx.clock). */
  finishedAt: number;
  toolsInvoked: string[];
}

const R = {
  rec: (id: string) => `oc:msg:{${id}}`,
  events: (id: string) => `oc:msg:{${id}}:ev`,
};
export const eventStreamKey = R.events;
export const EVENT_FIELD = 'd';
export const OUTCOME_FIELD = 'r';
/** Appends each ARGV as its own entry; returns their ids (handed to local readers with the events). */
const XADD_EACH = new LuaScript(
  `local ids = {} for i = 1, #ARGV do ids[i] = redis.call('XADD', KEYS[1], '*', '${EVENT_FIELD}', ARGV[i]) end return ids`,
);
// Every message creates and finishes a record: one script by SHA each instead of a MULTI of 4–6
// commands (same atomicity, a third of the commands to build, send and parse).
// A record the worker already wrote keeps what it holds (the submit's create and its job's add go
// out together, so the job may start first): only missing fields are filled in.
/** KEYS: record. ARGV: ttlMs, field, value, … */
const CREATE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 2))
else for i = 2, #ARGV, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end end
redis.call('PEXPIRE', KEYS[1], ARGV[1])`);
/**
 * Stores the outcome, the final event and the outbox event together, once: 0 when the message had
 * already finished (a re-run or a repair lost the race: nothing is written), else the stream ids
 * of the events not yet written (each its own entry) followed by the final event's. The run's
 * last events travel with it (one round trip less per message, and never after another run's
 * final event). KEYS: record, events. ARGV: ttlMs, final event JSON, outcome JSON, count of
 * events, event JSON × count, field, value, …
 */
const FINISH = new LuaScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'done' or status == 'error' then return 0 end
local n = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], unpack(ARGV, 5 + n))
local ids = {}
for i = 1, n do ids[i] = redis.call('XADD', KEYS[2], '*', '${EVENT_FIELD}', ARGV[4 + i]) end
ids[n + 1] = redis.call('XADD', KEYS[2], '*', '${EVENT_FIELD}', ARGV[2], '${OUTCOME_FIELD}', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return ids
`);
/**
 * Starts a run: the attempt number (1 first, 2+ after a takeover), 0 when already finished, -1
 * (nothing written) when the record is not there. KEYS: record. ARGV: startedAt.
 */
const START = new LuaScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'done' or status == 'error' then return 0 end
if redis.call('HEXISTS', KEYS[1], 'id') == 0 then return -1 end
redis.call('HSET', KEYS[1], 'status', 'running', 'startedAt', ARGV[1])
return redis.call('HINCRBY', KEYS[1], 'attempts', 1)
`);

/** PEXPIRE takes whole milliseconds (retentionHours may be fractional). */
const wholeMs = (ms: number) => Math.max(1, Math.round(ms));

export type MessageStatus = 'queued' | 'running' | 'done' | 'error';

/** The synchronous reply (the contract's fields plus model, tokensIn, tokensOut, costUSD). */
export interface MessageResult {
  messageId: string;
  response: string;
  tokensUsed: number;
  latencyMs: number;
  sessionId: string;
  toolsInvoked: string[];
  finishReason: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  costUSD: number | null;
}

/** Why a message failed: the error code and message, and the HTTP status a synchronous reply gets. */
/** Why a message failed: a catalogue code and a message safe to show. Build it with failure(). */
export interface MessageFailure {
  code: ErrorCode;
  message: string;
  /** The code's status, derived from the catalogue. Still stored: gateways before 1.5 read it from here. */
  status: number;
}

export const failure = (code: ErrorCode, message: string): MessageFailure => ({
  code,
  message,
  status: ERROR_CODES[code].status,
});

/** A failure read back from Redis: a code this version's catalogue does not know reads as agent_error. */
const storedFailure = (raw: { code: string; message: string }): MessageFailure =>
  failure(errorCodeOr(raw.code, 'agent_error'), raw.message);

/** An outcome read back from Redis (a stream's final entry). */
export function parseOutcome(json: string): Outcome {
  const outcome = JSON.parse(json) as Outcome;
  return outcome.status === 'error' ? { status: 'error', error: storedFailure(outcome.error) } : outcome;
}

/** How a message ended: what a synchronous reply is made of. */
export type Outcome = { status: 'done'; result: MessageResult } | { status: 'error'; error: MessageFailure };

export interface MessageRecord {
  id: string;
  workspace: string;
  userId: string;
  sessionId: string;
  channel: string;
  seq: number;
  status: MessageStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  result: MessageResult | null;
  error: MessageFailure | null;
}

export type NewMessage = Pick<
  MessageRecord,
  'id' | 'workspace' | 'userId' | 'sessionId' | 'channel' | 'seq' | 'createdAt'
>;

function toRecord(h: Record<string, string>): MessageRecord {
  return {
    id: h.id,
    workspace: h.workspace,
    userId: h.userId,
    sessionId: h.sessionId,
    channel: h.channel,
    seq: Number(h.seq),
    status: h.status as MessageStatus,
    createdAt: h.createdAt,
    startedAt: h.startedAt || null,
    finishedAt: h.finishedAt || null,
    result: h.result ? (JSON.parse(h.result) as MessageResult) : null,
    error: h.error ? storedFailure(JSON.parse(h.error) as MessageFailure) : null,
  };
}

export class MessageStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {}

  async create(m: NewMessage, ttlMs: number): Promise<void> {
    const fields = { ...m, seq: String(m.seq), status: 'queued', startedAt: '', finishedAt: '' };
    await CREATE.run(this.redis, [R.rec(m.id)], [wholeMs(ttlMs), ...Object.entries(fields).flat()]);
  }

  async get(id: string): Promise<MessageRecord | null> {
    const h = await this.redis.hgetall(R.rec(id));
    return h.id ? toRecord(h) : null;
  }

  /**
   * Marks a run started: its attempt number (2+ when another worker's run died), 0 when the
   * message already finished, -1 when its record is not there (create() it, then start again).
   */
  async start(id: string): Promise<number> {
    return (await START.run(this.redis, [R.rec(id)], [new Date(this.now()).toISOString()])) as number;
  }

  /**
   * Appends events, each its own stream entry (its own SSE id), in one round trip. Callers need
   * not await each batch: commands on the one data connection run in the order they were sent,
   * so events stay in order and the final MULTI lands after them.
   */
  appendEvents(id: string, eventJsons: string[]): Promise<string[]> {
    return XADD_EACH.run(this.redis, [R.events(id)], eventJsons) as Promise<string[]>;
  }

  /**
   * Stores the outcome, appends the run's unwritten events and then the final event (done or
   * error, carrying the outcome) and records the domain event that announces it (the outbox), all
   * in one script. Returns the stream ids of `eventJsons` followed by the final event's; null when
   * the message had already finished: nothing was written.
   */
  async finish(
    id: string,
    outcome: Outcome,
    finalEventJson: string,
    announce: DomainEvent,
    ttlMs: number,
    eventJsons: readonly string[] = [],
  ): Promise<string[] | null> {
    const fields: Record<string, string> =
      outcome.status === 'done'
        ? { status: 'done', result: JSON.stringify(outcome.result) }
        : { status: 'error', error: JSON.stringify(outcome.error) };
    const hash = Object.entries({
      ...fields,
      finishedAt: new Date(this.now()).toISOString(),
      event: JSON.stringify(announce),
      hooked: '1',
    }).flat();
    const r = (await FINISH.run(
      this.redis,
      [R.rec(id), R.events(id)],
      [wholeMs(ttlMs), finalEventJson, JSON.stringify(outcome), eventJsons.length, ...eventJsons, ...hash],
    )) as string[] | number;
    return Array.isArray(r) ? r : null;
  }

  /** The event recorded with the outcome (null while unfinished, or for a message finished before outboxes existed). */
  async announcement(id: string): Promise<DomainEvent | null> {
    const e = await this.redis.hget(R.rec(id), 'event');
    return e ? (JSON.parse(e) as DomainEvent) : null;
  }

  /** The record's status; null when there is no record. */
  async status(id: string): Promise<MessageStatus | null> {
    return (await this.redis.hget(R.rec(id), 'status')) as MessageStatus | null;
  }

  /** Whether the message's finished hooks ran (its outcome is stored: finish() marks them). */
  async hooksRan(id: string): Promise<boolean> {
    return (await this.redis.hexists(R.rec(id), 'hooked')) === 1;
  }
}
