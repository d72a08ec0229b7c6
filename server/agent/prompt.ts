/**
 * What the model reads: the preset's system prompt plus the message's context (local date and
 * time in the user's timezone, the answer language), then the session's earlier turns and the
 * new message.
 */
import type { ChatMessage } from './providers/chat';
import type { AgentInput } from './types';
import type { ResolvedPreset } from './presets';

// Building an Intl formatter costs far more than using one: keep them, per time zone (bounded).
const MAX_FORMATTERS = 512;
const formatters = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws on an unknown zone, so only valid zones are kept.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

let languageNames: Intl.DisplayNames | undefined;

// The text changes once a minute (zone offsets are whole minutes): formatToParts, ~50 µs, runs
// once per zone and minute instead of once per message. Keyed like `formatters`, bounded with it.
const lastText = new Map<string, { minute: number; text: string }>();

/** "Thursday 2026-04-30 10:00 (America/New_York, GMT-4)", "… 14:00 (UTC)"; an unknown zone falls back to UTC. */
export function localDateTime(now: Date, timeZone = 'UTC'): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastText.get(timeZone);
  if (last?.minute === minute) return last.text;
  const text = formatLocalDateTime(now, timeZone);
  if (lastText.size >= MAX_FORMATTERS) lastText.clear();
  lastText.set(timeZone, { minute, text });
  return text;
}

function formatLocalDateTime(now: Date, timeZone: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = dateTimeFormat(timeZone).formatToParts(now);
  } catch {
    return localDateTime(now, 'UTC');
  }
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  const zone = timeZone === 'UTC' ? 'UTC' : `${timeZone}, ${get('timeZoneName')}`;
  return `${get('weekday')} ${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} (${zone})`;
}

/** "German (de)"; the tag alone when the runtime has no name for it. */
export function languageName(tag: string): string {
  try {
    const name = (languageNames ??= new Intl.DisplayNames(['en'], { type: 'language' })).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

export function systemPrompt(
  preset: ResolvedPreset,
  input: Pick<AgentInput, 'context' | 'workspace' | 'userId'>,
  now: Date,
): string {
  const lines = [preset.systemPrompt.trim(), ''];
  lines.push(`Current local date and time: ${localDateTime(now, input.context?.timezone)}.`);
  if (input.context?.language) lines.push(`Answer in ${languageName(input.context.language)}.`);
  lines.push(`Workspace: ${input.workspace.id}. User: ${input.userId}.`);
  return lines.join('\n');
}

export function chatMessages(input: Pick<AgentInput, 'history' | 'message'>): ChatMessage[] {
  return [
    ...input.history.map((t): ChatMessage => ({ role: t.role, content: t.content })),
    { role: 'user', content: input.message },
  ];
}
