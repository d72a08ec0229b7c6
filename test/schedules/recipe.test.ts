/**
 * The daily standup recipe of docs/schedules.md, as written: the receiver script is taken from the
 * doc and run as its own Node process; Slack's incoming-webhook URL points at a local stand-in.
 * Schedule + webhook subscription through the API, run now, and the summary reaches "Slack".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFakeServer, type FakeServer } from '../fakes/http';
import { ROOT, tempDir } from '../foundation/process';
import { poll } from '../webhooks/receiver';

/** The ```js block of the recipe, un-indented from its list item. */
function receiverScript(): string {
  const doc = readFileSync(join(ROOT, 'docs', 'schedules.md'), 'utf8');
  const m = /```js\n((?: {3}\/\/ standup-to-slack\.js[\s\S]*?))\n {3}```/.exec(doc);
  if (!m) throw new Error('docs/schedules.md: the standup-to-slack.js block is missing');
  return m[1].replace(/^ {3}/gm, '');
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('docs/schedules.md: the daily standup recipe with the gateway alone', () => {
  let gw: TestGateway;
  let slack: FakeServer;
  let child: ChildProcess;
  let port: number;
  const secret = 'whsec_standup_recipe';

  beforeAll(async () => {
    slack = await startFakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    port = await freePort();
    const dir = tempDir('openclaw-recipe-');
    writeFileSync(join(dir, 'standup-to-slack.js'), receiverScript());
    child = spawn(process.execPath, [join(dir, 'standup-to-slack.js')], {
      env: {
        PATH: process.env.PATH,
        NODE_PATH: join(ROOT, 'node_modules'),
        PORT: String(port),
        WEBHOOK_SECRET: secret,
        SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXXX`,
      },
      stdio: 'ignore',
    });
    await poll(
      () =>
        fetch(`http://127.0.0.1:${port}/`).then(
          () => true,
          () => false,
        ),
      (up) => up,
      10000,
      'the receiver to listen',
    );
    gw = await startTestGateway({ config: { model: 'offline' } });
  });
  afterAll(async () => {
    child?.kill();
    await gw?.close();
    await slack?.close();
  });

  it('posts the standup summary to Slack', async () => {
    expect(
      (await gw.request('POST', '/api/v1/workspaces', { body: { id: 'engineering', skills: ['github'] } })).status,
    ).toBe(201);
    const schedule = await gw.request('POST', '/api/v1/schedules', {
      body: {
        id: 'standup',
        workspace: 'engineering',
        userId: 'standup-bot',
        message: 'Summarize all GitHub commits and Jira tickets closed yesterday for the team standup.',
        cron: '0 9 * * 1-5',
        timezone: 'America/New_York',
      },
    });
    expect(schedule.status).toBe(201);
    const sub = await gw.request('POST', '/api/v1/webhooks', {
      body: {
        url: `http://127.0.0.1:${port}/openclaw-events`,
        secret,
        events: ['schedule.completed', 'schedule.failed'],
        workspaces: ['engineering'],
      },
    });
    expect(sub.status).toBe(201);

    const run = await gw.request('POST', '/api/v1/schedules/standup/run');
    expect(run.status).toBe(202);
    const [posted] = await poll(
      () => slack.requests,
      (r) => r.length >= 1,
      20000,
      'the Slack post',
    );
    const message = await gw.request('GET', `/api/v1/messages/${run.body.messageId}`);
    expect(message.status).toBe(200);
    expect(posted.method).toBe('POST');
    expect(posted.path).toBe('/services/T000/B000/XXXX');
    expect(posted.body).toEqual({ text: `*Standup summary*\n${message.body.response}` });
    // The receiver answered 200 (signature valid): the delivery is logged as delivered.
    const deliveries = await poll(
      () =>
        gw
          .request('GET', `/api/v1/webhooks/${sub.body.id}/deliveries`)
          .then((r) => r.body.data as Array<Record<string, unknown>>),
      (d) => d.some((x) => x.status === 'delivered'),
      10000,
      'the delivery log',
    );
    expect(deliveries.find((x) => x.status === 'delivered')).toMatchObject({ event: 'schedule.completed' });
  });
});
