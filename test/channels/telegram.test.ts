/**
 * Telegram on a real gateway (long polling through grammY against a local fake Bot API): the
 * allowlisted user is answered in their chat, strangers are ignored and counted, the allowlist
 * counts from the next message, long answers are split at 4,096 characters, and a Bot API that
 * goes away turns health to disconnected with one channel.disconnected, then channel.connected.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram';
import { startReceiver, poll, type Receiver } from '../webhooks/receiver';
import { capturedLogger, metric, outboundTo, seedWorkspace, RECEIVER_SECRET } from './helpers';

describe('Telegram channel (polling)', () => {
  let tg: FakeTelegram;
  let gw: TestGateway;
  let rx: Receiver;
  const logs = capturedLogger();
  const sentTo = (chat: number) => tg.sent().filter((s) => Number(s.chat_id) === chat);

  beforeAll(async () => {
    tg = await startFakeTelegram();
    rx = await startReceiver(RECEIVER_SECRET);
    await seedWorkspace('team', ['telegram:42']);
    gw = await startTestGateway({
      flush: false,
      log: logs.log,
      env: { TELEGRAM_BOT_TOKEN: tg.token },
      config: {
        channels: { telegram: { botToken: '${TELEGRAM_BOT_TOKEN}', workspace: 'team', apiRoot: tg.url } },
        webhooks: outboundTo(rx.url, ['message.received', 'message.sent', 'channel.disconnected', 'channel.connected']),
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await tg?.close();
    await rx?.close();
  });

  it('answers an allowlisted user in their chat, through the ordinary message pipeline', async () => {
    tg.userSays({ id: 42, first_name: 'Ada' }, 'hello from telegram');
    const [answer] = await poll(
      () => sentTo(42),
      (s) => s.length === 1,
      15000,
      'the answer in chat 42',
    );
    expect(answer.text).toContain('You said: hello from telegram');
    expect(
      tg.calls.some(
        (c) => c.method === 'sendChatAction' && Number(c.body.chat_id) === 42 && c.body.action === 'typing',
      ),
    ).toBe(true);

    const sessions = await gw.request('GET', '/api/v1/sessions?workspace=team');
    expect(sessions.body.data).toEqual([
      expect.objectContaining({ workspace: 'team', userId: 'telegram:42', channel: 'telegram' }),
    ]);
    const received = await rx.waitFor((a) => a.some((e) => e.event === 'message.sent'), 10000, 'message.sent');
    const got = received.find((e) => e.event === 'message.received')!;
    expect(got.data).toMatchObject({
      workspace: 'team',
      userId: 'telegram:42',
      channel: 'telegram',
      message: 'hello from telegram',
    });
    const users = await gw.request('GET', '/api/v1/stats/users?workspace=team');
    expect(users.body.data).toEqual([expect.objectContaining({ userId: 'telegram:42', messages: 1 })]);
  });

  it('ignores a stranger: no agent run, no answer, logged without the text and counted', async () => {
    tg.userSays({ id: 99 }, 'secret plans nobody should log');
    tg.userSays({ id: 42 }, 'second message');
    // Updates are handled in order: once 42's second answer is out, 99's message was dealt with.
    await poll(
      () => sentTo(42),
      (s) => s.length === 2,
      15000,
      "42's second answer",
    );
    expect(sentTo(99)).toEqual([]);
    const sessions = await gw.request('GET', '/api/v1/sessions?workspace=team');
    expect(sessions.body.data.map((s: any) => s.userId)).toEqual(['telegram:42']);
    expect(await metric(gw, 'openclaw_channel_messages_total', { channel: 'telegram', outcome: 'refused' })).toBe(1);
    const refusal = logs.lines().find((l) => l.includes('telegram:99'));
    expect(refusal).toContain('not on the workspace allowlist');
    expect(logs.lines().join('\n')).not.toContain('secret plans');
  });

  it('admits a sender from the next message after PATCH /workspaces/{id}/allowlist', async () => {
    const patched = await gw.request('PATCH', '/api/v1/workspaces/team/allowlist', { body: { add: ['telegram:99'] } });
    expect(patched.status).toBe(200);
    tg.userSays({ id: 99 }, 'may I now?');
    const [answer] = await poll(
      () => sentTo(99),
      (s) => s.length === 1,
      15000,
      'the answer in chat 99',
    );
    expect(answer.text).toContain('You said: may I now?');
  });

  it('splits an answer longer than 4,096 characters into several messages, in order', async () => {
    const long = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
    tg.userSays({ id: 42 }, long);
    const parts = await poll(
      () => sentTo(42).slice(2),
      (s) => s.length >= 2,
      15000,
      'the long answer',
    );
    expect(parts.every((p) => p.text.length <= 4096)).toBe(true);
    expect(parts.map((p) => p.text).join('')).toContain(long);
  });

  it('never writes the bot token to the log', () => {
    expect(logs.lines().join('\n')).not.toContain(tg.token);
  });

  it('a Bot API that goes away: health disconnected + degraded, one channel.disconnected, then channel.connected', async () => {
    const health = async () => (await gw.request('GET', '/api/v1/health')).body;
    expect(await health()).toMatchObject({ status: 'ok', channels: { telegram: 'connected' } });
    rx.reset();
    await tg.goAway();
    await poll(health, (h) => h.channels.telegram === 'disconnected', 20000, 'telegram disconnected');
    expect((await health()).status).toBe('degraded');
    const down = (
      await rx.waitFor((a) => a.some((e) => e.event === 'channel.disconnected'), 10000, 'channel.disconnected')
    ).find((e) => e.event === 'channel.disconnected')!;
    expect(down.data).toMatchObject({
      channel: 'telegram',
      workspace: 'team',
      reason: expect.stringContaining('cannot reach the Telegram Bot API'),
    });
    expect(Date.parse(down.data.since)).not.toBeNaN();

    // grammY keeps retrying every 3 s while it is away: still one event for the outage.
    const failedPolls = tg.calls.length;
    await tg.comeBack();
    await poll(health, (h) => h.channels.telegram === 'connected', 20000, 'telegram connected again');
    expect((await health()).status).toBe('ok');
    const events = await rx.waitFor((a) => a.some((e) => e.event === 'channel.connected'), 10000, 'channel.connected');
    expect(events.filter((e) => e.event === 'channel.disconnected')).toHaveLength(1);
    expect(events.find((e) => e.event === 'channel.connected')!.data).toMatchObject({
      channel: 'telegram',
      workspace: 'team',
      since: down.data.since,
    });
    expect(tg.calls.length).toBeGreaterThan(failedPolls);

    // And it answers again.
    tg.userSays({ id: 42 }, 'back?');
    await poll(
      () => sentTo(42).filter((s) => s.text.includes('You said: back?')),
      (s) => s.length === 1,
      15000,
      'an answer after the outage',
    );
  });

  // Last: a second gateway on the same Redis syncs its own config (webhook subscriptions included).
  it('the start-up log says an empty allowlist admits nobody', async () => {
    const own = capturedLogger();
    const tg2 = await startFakeTelegram();
    const gw2 = await startTestGateway({
      log: own.log,
      flush: false,
      workers: false,
      config: {
        workspaces: [{ id: 'closed' }],
        channels: { telegram: { botToken: tg2.token, workspace: 'closed', apiRoot: tg2.url } },
      },
    });
    try {
      expect(own.lines().join('\n')).toContain(
        "workspace 'closed' allowlist has no telegram: entries, so every telegram sender is refused (default deny)",
      );
    } finally {
      await gw2.close();
      await tg2.close();
    }
  });
});
