/**
 * The TypeScript SDK across a gateway's graceful stop: the stopping gateway ends the open stream
 * with `shutting_down`, the SDK resumes it from its last event on the next instance behind the same
 * address (a stand-in for a load balancer: the test's fetch sends each request to the current
 * gateway), another worker takes the handed-back job over (a `restart` event), and `final()`
 * returns exactly the new attempt's answer.
 */
import { OpenClaw, type StreamEvent } from '../../sdk/typescript/src/index';
import { startFakeOpenAI } from '../fakes/openai';
import type { FakeLlm } from '../fakes/llm-script';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('TypeScript SDK: a stream across a graceful stop', () => {
  let llm: FakeLlm;
  let a: TestGateway;
  let b: TestGateway | undefined;
  const config = () => ({
    workspaces: [{ id: 'team' }],
    providers: {
      fake: { type: 'openai-compatible', baseUrl: `${llm.url}/v1`, apiKey: 'sk-test', retries: 0, retryBaseDelayMs: 1 },
    },
    model: 'fake-model',
    shutdown: { graceMs: 300 },
  });
  beforeAll(async () => {
    llm = await startFakeOpenAI();
    a = await startTestGateway({ config: config() });
  });
  afterAll(async () => {
    await b?.close();
    await a.close();
    await llm.close();
  });

  it('resumes on the next gateway and keeps only the answer that finished', async () => {
    llm.reply({ stallAfter: 'A doomed first' });
    let current = a.url;
    const balanced: typeof fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      return fetch(url.replace(a.url, current), init);
    };
    const client = new OpenClaw({ apiKey: a.adminKey, baseUrl: a.url, fetch: balanced });

    const seen: StreamEvent[] = [];
    let closing: Promise<unknown> | undefined;
    const stream = client.messages.stream({ workspace: 'team', userId: 'sdk', message: 'carry on' });
    for await (const e of stream.events()) {
      seen.push(e);
      if (!closing && e.type === 'token') {
        b = await startTestGateway({ flush: false, config: config() });
        current = b.url;
        closing = a.gateway.close();
      }
    }
    await closing;
    expect(seen.filter((e) => e.type === 'restart')).toEqual([{ type: 'restart', attempt: 2 }]);
    expect(seen.at(-1)).toMatchObject({ type: 'done', messageId: stream.messageId });

    const again = await client.messages.resume(stream.messageId!).final();
    expect(again.text).toBe('fake answer to: carry on');
    const stored = await b!.request('GET', `/api/v1/messages/${stream.messageId}`);
    expect(stored.body).toMatchObject({ status: 'done', response: 'fake answer to: carry on' });
  });
});
