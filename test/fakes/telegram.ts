/**
 * A fake Telegram Bot API speaking the real wire format: `POST /bot<token>/<method>` with a JSON
 * body, answered `{"ok":true,"result":…}` or `{"ok":false,"error_code","description"}`.
 *   getMe, deleteWebhook, getUpdates (long polling: held until an update arrives or `timeout`
 *   seconds pass; `offset` confirms earlier updates), sendMessage (4,096 characters at most, as
 *   Telegram enforces), sendChatAction.
 * A wrong token gets 401 Unauthorized, as Telegram answers.
 *
 *   const tg = await startFakeTelegram();
 *   tg.userSays({ id: 42, first_name: 'Ada' }, 'hello');   // queued for the next getUpdates
 *   await tg.goAway(); … await tg.comeBack();                // same port, polling resumes
 */
import type { ServerResponse } from 'node:http';
import { startFakeServer, sendJson, type FakeServer, type RecordedRequest } from './http';

export interface TelegramUser {
  id: number;
  first_name?: string;
  is_bot?: boolean;
}

export interface FakeTelegram {
  /** The `apiRoot` for grammY / channels.telegram.apiRoot. */
  url: string;
  token: string;
  /** Every Bot API call received, across restarts: { method, body }. */
  calls: Array<{ method: string; body: any }>;
  /** A user writes to the bot in their private chat (chat id = user id) or in `chatId`; returns the update_id. */
  userSays(from: TelegramUser, text: string, chatId?: number): number;
  /** sendMessage calls: { chat_id, text }. */
  sent(): Array<{ chat_id: number | string; text: string }>;
  /** The server closes (every connection cut) until comeBack(). */
  goAway(): Promise<void>;
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

export const TELEGRAM_BOT = {
  id: 7000001,
  is_bot: true,
  first_name: 'OpenClaw',
  username: 'openclaw_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

export async function startFakeTelegram(opts: { token?: string } = {}): Promise<FakeTelegram> {
  const token = opts.token ?? '7000001:AAFakeTokenForTestsOnly_0123456789abc';
  const calls: FakeTelegram['calls'] = [];
  const updates: Array<{ update_id: number; message: unknown }> = [];
  let nextUpdateId = 100000;
  let nextMessageId = 1;
  let confirmed = 0;
  const waiting = new Set<() => void>();

  const ok = (res: ServerResponse, result: unknown) => sendJson(res, 200, { ok: true, result });
  const fail = (res: ServerResponse, code: number, description: string) =>
    sendJson(res, code, { ok: false, error_code: code, description });

  const handler = async (req: RecordedRequest, res: ServerResponse) => {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.path);
    if (!m) return fail(res, 404, 'Not Found');
    if (m[1] !== token) return fail(res, 401, 'Unauthorized');
    const method = m[2];
    const body = req.body && typeof req.body === 'object' ? req.body : {};
    calls.push({ method, body });
    switch (method) {
      case 'getMe':
        return ok(res, TELEGRAM_BOT);
      case 'deleteWebhook':
        return ok(res, true);
      case 'getUpdates': {
        const offset = Number(body.offset ?? 0);
        if (offset > confirmed) confirmed = offset;
        const pending = () => updates.filter((u) => u.update_id >= confirmed).slice(0, Number(body.limit ?? 100));
        const timeoutMs = Number(body.timeout ?? 0) * 1000;
        if (!pending().length && timeoutMs > 0) {
          await new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(t);
              waiting.delete(done);
              resolve();
            };
            const t = setTimeout(done, timeoutMs);
            waiting.add(done);
            res.on('close', done);
          });
        }
        if (res.destroyed) return;
        return ok(res, pending());
      }
      case 'sendMessage': {
        const text = String(body.text ?? '');
        if (!text) return fail(res, 400, 'Bad Request: message text is empty');
        if (text.length > 4096) return fail(res, 400, 'Bad Request: message is too long');
        return ok(res, {
          message_id: nextMessageId++,
          from: TELEGRAM_BOT,
          chat: { id: Number(body.chat_id), type: 'private' },
          date: Math.floor(Date.now() / 1000),
          text,
        });
      }
      case 'sendChatAction':
        return ok(res, true);
      default:
        return fail(res, 404, 'Not Found: method not found');
    }
  };

  let server: FakeServer = await startFakeServer(handler);
  const port = Number(new URL(server.url).port);
  let up = true;
  return {
    url: server.url,
    token,
    calls,
    userSays(from, text, chatId) {
      const update_id = nextUpdateId++;
      const chat =
        chatId === undefined
          ? { id: from.id, type: 'private', first_name: from.first_name ?? 'User' }
          : { id: chatId, type: 'group', title: 'Group' };
      updates.push({
        update_id,
        message: {
          message_id: nextMessageId++,
          from: { is_bot: false, first_name: 'User', ...from },
          chat,
          date: Math.floor(Date.now() / 1000),
          text,
        },
      });
      for (const wake of [...waiting]) wake();
      return update_id;
    },
    sent: () =>
      calls.filter((c) => c.method === 'sendMessage').map((c) => ({ chat_id: c.body.chat_id, text: c.body.text })),
    async goAway() {
      up = false;
      await server.close();
    },
    async comeBack() {
      server = await startFakeServer(handler, { port });
      up = true;
    },
    close: () => (up ? server.close() : Promise.resolve()),
  };
}
