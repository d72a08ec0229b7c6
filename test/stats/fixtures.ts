/** Finished messages for stats tests, recorded through the gateway's own onMessageFinished hook. */
import type { FinishedMessage } from '../../server/context';
import type { Clock } from '../../server/clock';
import { costUSD } from '../../server/agent/pricing';
import { parseConfig } from '../../server/config';

let seq = 0;
const pricing = parseConfig({}, {});

/** A finished message at `at` (ISO); cost from the built-in price table like the pipeline does. */
export function finished(at: string, o: Partial<FinishedMessage> = {}): FinishedMessage {
  const model = o.model ?? 'gpt-4o';
  const tokensIn = o.tokensIn ?? 1000;
  const tokensOut = o.tokensOut ?? 2000;
  return {
    messageId: o.messageId ?? `msg_fixture_${++seq}`,
    workspace: 'team',
    userId: 'alice',
    sessionId: 'sess_fixture',
    status: 'done',
    provider: 'openai',
    latencyMs: 1000,
    toolsInvoked: [],
    ...o,
    model,
    tokensIn,
    tokensOut,
    costUSD: o.costUSD !== undefined ? o.costUSD : costUSD(pricing, model, tokensIn, tokensOut),
    finishedAt: Date.parse(at),
  };
}

/** A clock tests move by hand. */
export function manualClock(iso: string): Clock & { set(iso: string): void } {
  let now = Date.parse(iso);
  return { now: () => now, set: (to: string) => void (now = Date.parse(to)) };
}
