/**
 * A fake WhatsApp Cloud API (Graph API): `POST /v21.0/<phone-number-id>/messages` (text messages
 * and read receipts with a typing indicator), `GET /v21.0/<phone-number-id>`; a wrong token gets
 * 401 with Meta's `OAuthException` code 190. Plus a sender of webhook deliveries the way Meta
 * signs them: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.
 */
import { createHmac } from 'node:crypto';
import { startFakeServer, sendJson, type FakeServer } from './http';

export interface FakeWhatsApp extends FakeServer {
  /** channels.whatsapp.graphUrl */
  graphUrl: string;
  token: string;
  phoneNumberId: string;
  /** Text messages sent: { to, body }. */
  texts(): Array<{ to: string; body: string }>;
  /** Read receipts with typing indicators: message ids. */
  typing(): string[];
}

export async function startFakeWhatsApp(opts: { token?: string; phoneNumberId?: string } = {}): Promise<FakeWhatsApp> {
  const token = opts.token ?? 'EAAFakeWhatsAppAccessTokenForTests';
  const phoneNumberId = opts.phoneNumberId ?? '123456789012345';
  let seq = 0;
  const server = await startFakeServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      return sendJson(res, 401, {
        error: {
          message: 'Invalid OAuth access token - Cannot parse access token',
          type: 'OAuthException',
          code: 190,
          fbtrace_id: 'AfakeTrace',
        },
      });
    }
    if (req.method === 'GET' && req.path === `/v21.0/${phoneNumberId}`)
      return sendJson(res, 200, {
        id: phoneNumberId,
        display_phone_number: '+1 555 010 0000',
        verified_name: 'OpenClaw Test',
      });
    if (req.method === 'POST' && req.path === `/v21.0/${phoneNumberId}/messages`) {
      const b = req.body ?? {};
      if (b.messaging_product !== 'whatsapp')
        return sendJson(res, 400, {
          error: { message: '(#100) The parameter messaging_product is required.', type: 'OAuthException', code: 100 },
        });
      if (b.status === 'read') return sendJson(res, 200, { success: true });
      if (b.type !== 'text' || !b.text?.body || !b.to)
        return sendJson(res, 400, {
          error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 },
        });
      return sendJson(res, 200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: b.to, wa_id: b.to }],
        messages: [{ id: `wamid.FAKE${++seq}` }],
      });
    }
    return sendJson(res, 400, { error: { message: 'Unsupported request', type: 'GraphMethodException', code: 100 } });
  });
  const posts = () =>
    server.requests
      .filter((r) => r.method === 'POST' && r.path === `/v21.0/${phoneNumberId}/messages`)
      .map((r) => r.body);
  return {
    ...server,
    graphUrl: `${server.url}/v21.0`,
    token,
    phoneNumberId,
    texts: () =>
      posts()
        .filter((b) => b.type === 'text')
        .map((b) => ({ to: b.to, body: b.text.body })),
    typing: () =>
      posts()
        .filter((b) => b.status === 'read' && b.typing_indicator)
        .map((b) => b.message_id),
  };
}

let msgSeq = 0;

/** A webhook delivery carrying one text message from `from` (a wa_id) to `phoneNumberId`. */
export function whatsappTextDelivery(phoneNumberId: string, from: string, text: string, id = `wamid.IN${++msgSeq}`) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550100000', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: 'Test User' }, wa_id: from }],
              messages: [
                { from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** POSTs a delivery to the gateway as Meta does; `signature` overrides the real one. */
export async function whatsappDeliver(
  gatewayUrl: string,
  appSecret: string,
  delivery: unknown,
  o: { signature?: string } = {},
): Promise<{ status: number; body: any }> {
  const body = JSON.stringify(delivery);
  const signature = o.signature ?? `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
  const res = await fetch(`${gatewayUrl}/channels/whatsapp/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body,
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}
