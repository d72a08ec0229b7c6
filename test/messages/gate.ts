/**
 * A gate in front of a fake model server: each request waits until the test opens the gate, then
 * is proxied unchanged. Lets tests hold a message mid-run (disconnects, heartbeats, timeouts) and
 * prove parallelism (N requests waiting at once can only happen if N run at once).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFakeOpenAI } from '../fakes/openai';

export interface Gate {
  url: string;
  /** How many requests are being held right now. */
  waiting(): number;
  /** Lets every held request (and all later ones, when `stayOpen`) through. */
  open(stayOpen?: boolean): void;
  close(): Promise<void>;
}

export async function startGate(target: string): Promise<Gate> {
  let held: Array<() => void> = [];
  let alwaysOpen = false;
  const forward = async (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    try {
      const upstream = await fetch(target + req.url, {
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
        ) as Record<string, string>,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(body),
      });
      const headers: Record<string, string> = {};
      upstream.headers.forEach((v, k) => (headers[k] = v));
      res.writeHead(upstream.status, headers);
      const reader = upstream.body?.getReader();
      for (let r = await reader?.read(); r && !r.done; r = await reader!.read()) res.write(r.value);
      res.end();
    } catch {
      res.destroy();
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const go = () => void forward(req, Buffer.concat(chunks), res);
      if (alwaysOpen || !req.url?.includes('/chat/completions')) go();
      else held.push(go);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    waiting: () => held.length,
    open(stayOpen = false) {
      alwaysOpen = stayOpen;
      const now = held;
      held = [];
      now.forEach((go) => go());
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A gateway whose model (the fake OpenAI server) sits behind a gate; `extra` adds to its config. */
export async function startGatedGateway(
  extra: Record<string, any> = {},
): Promise<{ gate: Gate; gw: TestGateway; close: () => Promise<void> }> {
  const llm = await startFakeOpenAI();
  const gate = await startGate(llm.url);
  const gw = await startTestGateway({
    config: {
      workspaces: [{ id: 'team' }],
      providers: {
        fake: {
          type: 'openai-compatible',
          baseUrl: `${gate.url}/v1`,
          apiKey: 'sk-test',
          retries: 0,
          retryBaseDelayMs: 1,
        },
      },
      model: 'fake-model',
      ...extra,
    },
  });
  return {
    gate,
    gw,
    async close() {
      gate.open(true);
      await gw.close();
      await gate.close();
      await llm.close();
    },
  };
}
