/** Checks on subscription input that a JSON schema cannot express (URL shape, event names, private hosts). */
import { invalidField } from '../errors';
import { isPrivateHost } from './network-policy';
import { SUBSCRIBABLE_EVENTS } from './matching';

export const MAX_URL_LENGTH = 2048;

/** http(s), absolute, no credentials; private hosts only when `allowPrivateNetworks`. */
export function checkUrl(raw: string, allowPrivateNetworks: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidField('url', 'must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField('url', `must use http or https, not ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password) throw invalidField('url', 'must not contain credentials; authenticate the request with the signature instead');
  if (!allowPrivateNetworks && isPrivateHost(url.hostname)) {
    throw invalidField('url', `${url.hostname} is a private network address, and this gateway does not deliver to those (webhooks.allowPrivateNetworks is false)`);
  }
  return raw;
}

/** Known event names (or `*`), duplicates dropped, order kept. */
export function checkEvents(events: string[]): string[] {
  const unknown = events.find((e) => !SUBSCRIBABLE_EVENTS.includes(e));
  if (unknown !== undefined) throw invalidField('events', `unknown event '${unknown}'; valid: ${SUBSCRIBABLE_EVENTS.join(', ')}`);
  return [...new Set(events)];
}
