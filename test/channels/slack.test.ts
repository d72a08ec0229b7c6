/**
 * Slack on a real gateway: signed Events API deliveries (and forged or stale ones), answers in
 * the thread through a fake Web API, Slack's retries answered once, auth.test refusals turning
 * health, and a schedule whose answer posts itself to #standup (retried when a post fails).
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import {
  startFakeSlack,
  slackDeliver,
  slackMessageEvent,
  slackSignature,
  SLACK_BOT_USER,
  type FakeSlack,
} from '../fakes/slack';
import { startReceiver, poll, type Receiver } from '../webhooks/receiver';
import { capturedLogger, metric, outboundTo, seedWorkspace, RECEIVER_SECRET } from './helpers';

const SIGNING_SECRET = 'slack-signing-secret-for-tests-0123456789';

describe('Slack channel (Events API)', () => {
  let slack: FakeSlack;
  let gw: TestGateway;
  let rx: Receiver;
  const logs = capturedLogger();
  const postsTo = (channel: string) => slack.posts().filter((p) => p.channel === channel);
  const sessionsOf = async (userId: string) =>
    ((await gw.request('GET', '/api/v1/sessions?workspace=team')).body.data as any[]).filter(
      (s) => s.userId === userId,
    );

  beforeAll(async () => {
    slack = await startFakeSlack();
    rx = await startReceiver(RECEIVER_SECRET);
    await seedWorkspace('team', ['slack:U0ALLOWED']);
    gw = await startTestGateway({
      flush: false,
      log: logs.log,
      env: { SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET: SIGNING_SECRET },
      config: {
        channels: {
          slack: {
            botToken: '${SLACK_BOT_TOKEN}',
            signingSecret: '${SLACK_SIGNING_SECRET}',
            workspace: 'team',
            apiUrl: slack.apiUrl,
            probeIntervalMs: 300,
          },
        },
        webhooks: outboundTo(rx.url, ['channel.disconnected', 'channel.connected', 'schedule.completed']),
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await slack?.close();
    await rx?.close();
  });

  it('answers the url_verification challenge', async () => {
    const res = await slackDeliver(gw.url, SIGNING_SECRET, {
      token: 'x',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });
    expect(res).toMatchObject({
      status: 200,
      body: { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' },
    });
  });

  it('answers an allowlisted DM in its thread, acknowledging the delivery within 3 s', async () => {
    const envelope = slackMessageEvent({ user: 'U0ALLOWED', text: 'status of the release?' });
    const res = await slackDeliver(gw.url, SIGNING_SECRET, envelope);
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    const [post] = await poll(
      () => postsTo('D0DIRECT'),
      (p) => p.length === 1,
      15000,
      'the answer in the DM',
    );
    expect(post).toEqual({
      channel: 'D0DIRECT',
      thread_ts: envelope.event.ts,
      text: expect.stringContaining('You said: status of the release?'),
    });
    expect(await sessionsOf('slack:U0ALLOWED')).toEqual([expect.objectContaining({ channel: 'slack' })]);
  });

  it("answers Slack's retries of one event once", async () => {
    const envelope = slackMessageEvent({
      user: 'U0ALLOWED',
      text: 'only once please',
      type: 'app_mention',
      channel: 'C0GENERAL',
      channelType: 'channel',
    });
    envelope.event.text = `<@${SLACK_BOT_USER}> only once please`;
    const first = await slackDeliver(gw.url, SIGNING_SECRET, envelope);
    const retries = await Promise.all(
      [1, 2].map((retryNum) => slackDeliver(gw.url, SIGNING_SECRET, envelope, { retryNum })),
    );
    expect([first, ...retries].map((r) => r.status)).toEqual([200, 200, 200]);
    const [post] = await poll(
      () => postsTo('C0GENERAL'),
      (p) => p.length >= 1,
      15000,
      'the answer in #general',
    );
    expect(post).toMatchObject({
      thread_ts: envelope.event.ts,
      text: expect.stringContaining('You said: only once please'),
    });
    // Every later event of this user is answered after this one: once the next answer is out, no second one came.
    await slackDeliver(
      gw.url,
      SIGNING_SECRET,
      slackMessageEvent({
        user: 'U0ALLOWED',
        text: 'next',
        type: 'app_mention',
        channel: 'C0GENERAL',
        channelType: 'channel',
      }),
    );
    await poll(
      () => postsTo('C0GENERAL'),
      (p) => p.some((x) => x.text.includes('You said: next')),
      15000,
      'the next answer',
    );
    expect(postsTo('C0GENERAL').filter((p) => p.text.includes('only once please'))).toHaveLength(1);
    expect(await metric(gw, 'openclaw_channel_messages_total', { channel: 'slack', outcome: 'duplicate' })).toBe(2);
  });

  it('refuses a forged signature (401) and a stale timestamp; neither reaches the agent', async () => {
    const before = slack.posts().length;
    const forged = slackMessageEvent({ user: 'U0ALLOWED', text: 'forged' });
    const bad = await slackDeliver(gw.url, SIGNING_SECRET, forged, {
      signature: slackSignature('not-the-secret', Math.floor(Date.now() / 1000), JSON.stringify(forged)),
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_signature');
    const stale = await slackDeliver(
      gw.url,
      SIGNING_SECRET,
      slackMessageEvent({ user: 'U0ALLOWED', text: 'replayed' }),
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(stale.status).toBe(401);
    const unsigned = await fetch(`${gw.url}/channels/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forged),
    });
    expect(unsigned.status).toBe(401);
    // A later good message is answered and the refused ones never were.
    await slackDeliver(gw.url, SIGNING_SECRET, slackMessageEvent({ user: 'U0ALLOWED', text: 'genuine' }));
    await poll(
      () => slack.posts().slice(before),
      (p) => p.length === 1,
      15000,
      'the genuine answer',
    );
    expect(slack.posts().slice(before)[0].text).toContain('genuine');
    const turns = await gw.request('GET', `/api/v1/sessions/${(await sessionsOf('slack:U0ALLOWED'))[0].id}`);
    expect(JSON.stringify(turns.body)).not.toMatch(/forged|replayed/);
  });

  it('ignores a stranger in a channel', async () => {
    const before = slack.posts().length;
    await slackDeliver(
      gw.url,
      SIGNING_SECRET,
      slackMessageEvent({
        user: 'U0STRANGER',
        text: `<@${SLACK_BOT_USER}> hi`,
        type: 'app_mention',
        channel: 'C0GENERAL',
        channelType: 'channel',
      }),
    );
    await slackDeliver(gw.url, SIGNING_SECRET, slackMessageEvent({ user: 'U0ALLOWED', text: 'after the stranger' }));
    await poll(
      () => slack.posts().slice(before),
      (p) => p.length === 1,
      15000,
      'the allowlisted answer',
    );
    expect(slack.posts().slice(before)[0].text).toContain('after the stranger');
    expect(await sessionsOf('slack:U0STRANGER')).toEqual([]);
    expect(await metric(gw, 'openclaw_channel_messages_total', { channel: 'slack', outcome: 'refused' })).toBe(1);
  });

  it('tells the sender of a message over messages.maxChars how long it may be, once; nothing runs or is stored', async () => {
    const before = postsTo('D0DIRECT').length;
    // Slack takes messages of up to 40,000 characters; the API's limit (the default 32,000) holds here too.
    const envelope = slackMessageEvent({ user: 'U0ALLOWED', text: 'é'.repeat(32_001) });
    expect((await slackDeliver(gw.url, SIGNING_SECRET, envelope)).status).toBe(200);
    expect((await slackDeliver(gw.url, SIGNING_SECRET, envelope, { retryNum: 1 })).status).toBe(200);
    await slackDeliver(gw.url, SIGNING_SECRET, slackMessageEvent({ user: 'U0ALLOWED', text: 'a short one' }));
    const posts = await poll(
      () => postsTo('D0DIRECT').slice(before),
      (p) => p.some((x) => x.text.includes('You said: a short one')),
      15000,
      'the answer to the short message',
    );
    expect(posts).toHaveLength(2);
    expect(posts).toContainEqual({
      channel: 'D0DIRECT',
      thread_ts: envelope.event.ts,
      text: 'Sorry, your message is too long (32,001 characters; the limit is 32,000). Please send a shorter one.',
    });
    const session = (await sessionsOf('slack:U0ALLOWED'))[0];
    const history = await gw.request('GET', `/api/v1/sessions/${session.id}/history?limit=200`);
    const turns = history.body.data as Array<{ content: string }>;
    expect(turns.some((t) => t.content.includes('éééé'))).toBe(false);
    expect(turns[turns.length - 2].content).toBe('a short one');
    expect(await metric(gw, 'openclaw_channel_messages_total', { channel: 'slack', outcome: 'too_long' })).toBe(1);
    expect(logs.lines().join('\n')).not.toContain('éééé');
  });

  it('a schedule posts its answer to #standup, retrying a failed post, and the run shows it', async () => {
    const created = await gw.request('POST', '/api/v1/schedules', {
      body: {
        id: 'standup',
        workspace: 'team',
        userId: 'standup-bot',
        message: 'Daily standup summary',
        cron: '0 9 * * 1-5',
        timezone: 'UTC',
        deliver: { channel: 'slack', to: '#standup' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.deliver).toEqual({ channel: 'slack', to: '#standup' });
    slack.failNext('chat.postMessage', { status: 500 });
    const run = await gw.request('POST', '/api/v1/schedules/standup/run');
    expect(run.status).toBe(202);
    const [post] = await poll(
      () => postsTo('#standup'),
      (p) => p.length === 1,
      20000,
      'the standup post',
    );
    expect(post.text).toContain('You said: Daily standup summary');
    expect(post.thread_ts).toBeUndefined();
    const shown = await poll(
      async () => (await gw.request('GET', '/api/v1/schedules/standup')).body.lastRun,
      (r) => r?.delivery?.status === 'delivered',
      10000,
      'the delivery on the run',
    );
    expect(shown).toMatchObject({
      status: 'completed',
      delivery: { channel: 'slack', to: '#standup', status: 'delivered', attempts: 2, error: null },
    });
    // Two attempts: the first got Slack's 500.
    expect(
      slack.requests.filter((r) => r.path === '/api/chat.postMessage' && String(r.body).includes('standup')),
    ).toHaveLength(2);
  });

  it('refuses deliver to a channel this gateway does not have', async () => {
    const res = await gw.request('POST', '/api/v1/schedules', {
      body: {
        workspace: 'team',
        userId: 'u',
        message: 'm',
        cron: '0 9 * * *',
        timezone: 'UTC',
        deliver: { channel: 'whatsapp', to: '15550001111' },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', field: 'deliver.channel' });
  });

  it('auth.test refused: health disconnected, one channel.disconnected; accepted again: channel.connected', async () => {
    rx.reset();
    slack.failNext('auth.test', { error: 'token_revoked' });
    const events = await rx.waitFor(
      (a) => a.some((e) => e.event === 'channel.connected'),
      15000,
      'disconnected then connected',
    );
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === 'channel.disconnected')).toHaveLength(1);
    expect(names.indexOf('channel.disconnected')).toBeLessThan(names.indexOf('channel.connected'));
    expect(events.find((e) => e.event === 'channel.disconnected')!.data).toMatchObject({
      channel: 'slack',
      workspace: 'team',
      reason: 'Slack refused the call: token_revoked',
    });
    expect((await gw.request('GET', '/api/v1/health')).body).toMatchObject({
      status: 'ok',
      channels: { slack: 'connected' },
    });
  });

  it('never writes the token or the signing secret to the log', () => {
    const all = logs.lines().join('\n');
    expect(all).not.toContain(slack.token);
    expect(all).not.toContain(SIGNING_SECRET);
  });
});
