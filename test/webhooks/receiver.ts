/**
 * A real webhook receiver for tests: an Express 5 app on 127.0.0.1 running the contract's
 * verifyWebhook handler unchanged (test/webhooks/contract-receiver.js), and verifying every
 * request's Standard Webhooks headers with the `standardwebhooks` package. A script of
 * answers (`fail`) can make the next requests fail, hang, redirect or answer 410 before the
 * contract handler sees them; it can be stopped and started again on the same port.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { standardWebhooksSecret } from '../../server/webhooks/signing';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the contract's receiver is plain CommonJS, kept verbatim
const mountContractHandler = require('./contract-receiver.js') as (
  app: express.Express,
  ex: typeof express,
  proc: { env: Record<string, string> },
  con: { log: (...a: unknown[]) => void },
) => void;

export type Answer =
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Never answer (the gateway's timeout must end the attempt). */
  | { hang: true };

export interface Hit {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  /** What the receiver answered: the scripted status, or the contract handler's (200 / 401). */
  status: number | 'hang';
  /** The Standard Webhooks library accepted the headers and body. */
  standardOk: boolean;
}

export interface Accepted {
  /** Exactly what the contract handler logged: `event.event`, `event.data`. */
  event: string;
  data: Record<string, any>;
  /** The whole parsed body. */
  body: Record<string, any>;
  headers: Hit['headers'];
}

export interface Receiver {
  /** The URL to subscribe: http://127.0.0.1:<port>/openclaw-events */
  url: string;
  secret: string;
  hits: Hit[];
  accepted: Accepted[];
  /** The next requests get these answers, in order; then the contract handler answers. */
  fail(...answers: Answer[]): void;
  /** Every request gets this answer (after any scripted ones) until called with null: an outage. */
  failAll(answer: Answer | null): void;
  /** Forgets what was received (between tests). */
  reset(): void;
  /** Resolves when `accepted` satisfies the predicate (polls; fails after timeoutMs). */
  waitFor(pred: (accepted: Accepted[]) => boolean, timeoutMs?: number, what?: string): Promise<Accepted[]>;
  waitForHits(n: number, timeoutMs?: number): Promise<Hit[]>;
  /** Closes the port (connections refused) until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function poll<T>(
  get: () => T | Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export async function startReceiver(secret: string): Promise<Receiver> {
  const hits: Hit[] = [];
  const accepted: Accepted[] = [];
  const script: Answer[] = [];
  let always: Answer | null = null;
  const standard = new Webhook(standardWebhooksSecret(secret));

  const app = express();
  app.use(express.raw({ type: 'application/json' }));
  app.use((req, res, next) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let standardOk = false;
    try {
      standard.verify(raw, req.headers as Record<string, string>);
      standardOk = true;
    } catch {
      /* recorded as false */
    }
    const hit: Hit = { headers: req.headers, raw, status: 0, standardOk };
    hits.push(hit);
    const answer = script.shift() ?? always ?? undefined;
    if (answer && 'hang' in answer) {
      hit.status = 'hang';
      return;
    }
    if (answer) {
      hit.status = answer.status;
      res
        .status(answer.status)
        .set(answer.headers ?? {})
        .send(answer.body ?? `scripted ${answer.status}`);
      return;
    }
    res.on('finish', () => (hit.status = res.statusCode));
    next();
  });
  const recorder = {
    log: (_label: unknown, event: string, data: Record<string, any>) => {
      const hit = hits[hits.length - 1];
      accepted.push({ event, data, body: JSON.parse(hit.raw), headers: hit.headers });
    },
  };
  mountContractHandler(app, express, { env: { WEBHOOK_SECRET: secret } }, recorder as never);

  let server: Server | null = null;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const s = app.listen(port, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve()));
      server = s;
      s.keepAliveTimeout = 60_000;
    }).then(() => {
      port = (server!.address() as AddressInfo).port;
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
      server = null;
    });
  await start();

  return {
    url: `http://127.0.0.1:${port}/openclaw-events`,
    secret,
    hits,
    accepted,
    fail: (...answers) => void script.push(...answers),
    failAll: (answer) => void (always = answer),
    reset: () => {
      hits.length = 0;
      accepted.length = 0;
    },
    waitFor: (pred, timeoutMs = 10000, what = 'deliveries') => poll(() => accepted, pred, timeoutMs, what),
    waitForHits: (n, timeoutMs = 10000) =>
      poll(
        () => hits,
        (h) => h.length >= n,
        timeoutMs,
        `${n} requests`,
      ),
    stop,
    start,
    close: stop,
  };
}
