/**
 * The webhook-mode platforms on one real gateway: WhatsApp Cloud API (verification GET, signed
 * POSTs, answers and typing indicator through a fake Graph API, a refused token turning health)
 * and Telegram in webhook mode (X-Telegram-Bot-Api-Secret-Token).
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFakeWhatsApp, whatsappDeliver, whatsappTextDelivery, type FakeWhatsApp } from '../fakes/whatsapp';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram';
import { poll } from '../webhooks/receiver';
import { capturedLogger, seedWorkspace } from './helpers';

const APP_SECRET = 'meta-app-secret-for-tests-0123456789';
const VERIFY_TOKEN = 'verify-me-please';
const TG_SECRET = 'telegram-webhook-secret_0123';

describe('WhatsApp and Telegram webhook mode', () => {
  let wa: FakeWhatsApp;
  let tg: FakeTelegram;
  let gw: TestGateway;
  const logs = capturedLogger();

  beforeAll(async () => {
    wa = await startFakeWhatsApp();
    tg = await startFakeTelegram();
    await seedWorkspace('team', ['whatsapp:15550001111', 'telegram:42']);
    gw = await startTestGateway({
      flush: false,
      log: logs.log,
      env: { WHATSAPP_TOKEN: wa.token, WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN },
      config: {
        channels: {
          whatsapp: {
            accessToken: '${WHATSAPP_TOKEN}',
            phoneNumberId: wa.phoneNumberId,
            verifyToken: '${WHATSAPP_VERIFY_TOKEN}',
            appSecret: '${WHATSAPP_APP_SECRET}',
            workspace: 'team',
            graphUrl: wa.graphUrl,
            probeIntervalMs: 60000,
          },
          telegram: {
            botToken: tg.token,
            workspace: 'team',
            mode: 'webhook',
            webhookSecret: TG_SECRET,
            apiRoot: tg.url,
          },
        },
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await wa?.close();
    await tg?.close();
  });

  it('WhatsApp: verification echoes hub.challenge with the right verify token only', async () => {
    const ok = await fetch(
      `${gw.url}/channels/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(
      `${gw.url}/channels/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`,
    );
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error.code).toBe('verification_failed');
  });

  it('WhatsApp: an allowlisted number is answered, with a typing indicator on its message', async () => {
    const delivery = whatsappTextDelivery(wa.phoneNumberId, '15550001111', 'hola from whatsapp');
    expect((await whatsappDeliver(gw.url, APP_SECRET, delivery)).status).toBe(200);
    const [text] = await poll(
      () => wa.texts(),
      (t) => t.length === 1,
      15000,
      'the WhatsApp answer',
    );
    expect(text).toEqual({ to: '15550001111', body: expect.stringContaining('You said: hola from whatsapp') });
    expect(wa.typing()).toEqual([delivery.entry[0].changes[0].value.messages[0].id]);
    // Meta delivers again when unsure: the same message id is not answered twice.
    expect((await whatsappDeliver(gw.url, APP_SECRET, delivery)).status).toBe(200);
    const sessions = (await gw.request('GET', '/api/v1/sessions?workspace=team')).body.data;
    expect(sessions).toEqual([
      expect.objectContaining({ userId: 'whatsapp:15550001111', channel: 'whatsapp', messageCount: 2 }),
    ]);
  });

  it('WhatsApp: a forged X-Hub-Signature-256 is 401 and reaches nobody; a stranger is ignored', async () => {
    const forged = await whatsappDeliver(
      gw.url,
      APP_SECRET,
      whatsappTextDelivery(wa.phoneNumberId, '15550001111', 'forged'),
      { signature: 'sha256=' + '0'.repeat(64) },
    );
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('invalid_signature');
    expect(
      (await whatsappDeliver(gw.url, APP_SECRET, whatsappTextDelivery(wa.phoneNumberId, '15559999999', 'stranger')))
        .status,
    ).toBe(200);
    expect(
      (await whatsappDeliver(gw.url, APP_SECRET, whatsappTextDelivery(wa.phoneNumberId, '15550001111', 'genuine')))
        .status,
    ).toBe(200);
    await poll(
      () => wa.texts(),
      (t) => t.some((x) => x.body.includes('genuine')),
      15000,
      'the genuine answer',
    );
    expect(wa.texts().map((t) => t.to)).toEqual(['15550001111', '15550001111']);
    expect(wa.texts().some((t) => t.body.includes('forged'))).toBe(false);
  });

  it('Telegram webhook: the secret token header is required; a good update is answered', async () => {
    const update = {
      update_id: 555001,
      message: {
        message_id: 9,
        from: { id: 42, is_bot: false, first_name: 'Ada' },
        chat: { id: 42, type: 'private', first_name: 'Ada' },
        date: 1700000000,
        text: 'via webhook',
      },
    };
    const post = (secret?: string) =>
      fetch(`${gw.url}/channels/telegram/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
        },
        body: JSON.stringify(update),
      });
    expect((await post()).status).toBe(401);
    expect((await post('wrong-secret')).status).toBe(401);
    expect((await post(TG_SECRET)).status).toBe(200);
    const [answer] = await poll(
      () => tg.sent(),
      (s) => s.length === 1,
      15000,
      'the Telegram answer',
    );
    expect(answer).toEqual({ chat_id: 42, text: expect.stringContaining('You said: via webhook') });
    expect(tg.calls.some((c) => c.method === 'getUpdates')).toBe(false);
  });

  it('health lists both channels as connected', async () => {
    expect((await gw.request('GET', '/api/v1/health')).body).toMatchObject({
      status: 'ok',
      channels: { telegram: 'connected', whatsapp: 'connected' },
    });
  });

  it('never writes the access token or secrets to the log', () => {
    const all = logs.lines().join('\n');
    for (const secret of [wa.token, APP_SECRET, VERIFY_TOKEN, TG_SECRET, tg.token]) expect(all).not.toContain(secret);
  });
});
