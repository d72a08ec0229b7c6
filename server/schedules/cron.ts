/**
 * The schedules' cron dialect, checked before anything reaches BullMQ (which parses patterns
 * with the same library, cron-parser 5): five fields `minute hour day-of-month month
 * day-of-week`, or six with a leading `second`. Names (jan-dec, sun-sat), lists, ranges, steps
 * and cron-parser's `L`, `#` and `?` are allowed; macros (`@daily`) and the `H` hash
 * (different per process) are not, so every gateway computes the same ticks.
 */
import { CronExpressionParser } from 'cron-parser';

const FIELD = /^[0-9A-Za-z*,\-/#?]+$/;
const NAMES = /jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat/gi;

export class CronError extends Error {
  constructor(
    public readonly field: 'cron' | 'timezone',
    /** What is wrong, without the field name (the message starts with it). */
    public readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'CronError';
  }
}

/** True when Intl (ICU) knows the zone, e.g. `America/New_York`, `UTC`; `+05:00` and typos are not. */
export function isTimeZone(tz: string): boolean {
  // Newer ICU (Node 22+) also takes offsets such as `+05:00`: not a zone name (no DST rules).
  if (!tz || tz.length > 64 || /^[+-]/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Throws CronError naming the field at fault; returns the pattern with single spaces. */
export function checkCron(cron: string, timezone: string): string {
  if (!isTimeZone(timezone))
    throw new CronError(
      'timezone',
      `unknown time zone '${timezone}'; use an IANA name such as America/New_York or UTC`,
    );
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new CronError(
      'cron',
      `expected 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading seconds field, got ${fields.length}`,
    );
  }
  const bad = fields.find((f) => !FIELD.test(f) || /[^L]/i.test(f.replace(NAMES, '').replace(/[^A-Za-z]/g, '')));
  if (bad !== undefined) throw new CronError('cron', `invalid field '${bad}'`);
  const pattern = fields.join(' ');
  try {
    nextRuns(pattern, timezone, Date.now(), 1);
  } catch (err) {
    throw new CronError('cron', (err as Error).message);
  }
  return pattern;
}

/** The next `count` ticks strictly after `from` (epoch ms), as epoch ms. Fewer when the pattern ends. */
export function nextRuns(cron: string, timezone: string, from: number, count: number): number[] {
  const expr = CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(from) });
  const out: number[] = [];
  while (out.length < count && expr.hasNext()) out.push(expr.next().getTime());
  if (count > 0 && out.length === 0) throw new Error('the pattern never matches a date');
  return out;
}
