/** Checks on subscription input that a JSON schema cannot express (URL shape, event names, the SSRF policy). */
import { invalidField, ApiError } from '../errors';
import { refusalForUrlHost, type TargetPolicy } from './network-policy';
import { SUBSCRIBABLE_EVENTS } from './matching';

export const MAX_URL_LENGTH = 2048;

/**
 * http(s), absolute (WHATWG URL), no credentials, no control characters or spaces (WHATWG
 * parsing silently drops tab/CR/LF, so they are refused before parsing), and a host the SSRF
 * policy lets this subscription reach (`trusted`: created by a key over `*`). Returns the URL
 * as given.
 */
export function checkUrl(raw: string, policy: TargetPolicy, trusted: boolean, field = 'url'): string {
  if (/[\u0000-\u0020\u007f-\u009f]/.test(raw))
    throw invalidField(field, 'must not contain spaces or control characters (CR, LF, tab…)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidField(field, 'must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidField(field, `must use http or https, not ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password)
    throw invalidField(field, 'must not contain credentials; authenticate the request with the signature instead');
  const why = refusalForUrlHost(policy, trusted, url.hostname);
  if (why) throw new ApiError('url_not_allowed', `${field}: ${why}`, {}, { field });
  return raw;
}

/** Known event names (or `*`), duplicates dropped, order kept. */
export function checkEvents(events: string[]): string[] {
  const unknown = events.find((e) => !SUBSCRIBABLE_EVENTS.includes(e));
  if (unknown !== undefined)
    throw invalidField('events', `unknown event '${unknown}'; valid: ${SUBSCRIBABLE_EVENTS.join(', ')}`);
  return [...new Set(events)];
}
