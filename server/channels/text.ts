/** Text helpers shared by the platforms. */

/**
 * Splits an answer into parts of at most `max` characters (Telegram: 4,096), preferring a
 * paragraph, then a line, then a word boundary in the last fifth of a part, and never splitting
 * a surrogate pair.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = -1;
    for (const sep of ['\n\n', '\n', ' ']) {
      const at = rest.lastIndexOf(sep, max);
      if (at >= max * 0.8) {
        cut = at + sep.length;
        break;
      }
    }
    if (cut <= 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // high surrogate: keep the pair together
    }
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length || !parts.length) parts.push(rest);
  return parts;
}

/** Replaces every secret (tokens, signing secrets) in a text: errors and reasons are logged and emitted. */
export function scrubber(secrets: Array<string | undefined>): (text: string) => string {
  const list = secrets.filter((s): s is string => !!s && s.length >= 4);
  return (text) => list.reduce((t, s) => t.split(s).join('[redacted]'), text);
}
