/** Payloads of the message and session domain events (see docs/messages.md and docs/sessions.md). */
import type { Session } from '../store/sessions';

export const sessionEventData = (s: Session) => ({
  sessionId: s.id,
  workspace: s.workspace,
  userId: s.userId,
  channel: s.channel,
  createdAt: s.createdAt,
  lastActiveAt: s.lastActiveAt,
  messageCount: s.messageCount,
  tokensUsed: s.tokensUsed,
});
