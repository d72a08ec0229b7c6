/**
 * What the start banner prints: the addresses the HTTP server is actually bound to, as URLs.
 * A wildcard bind (0.0.0.0 / ::) is spelled out as every local interface it reaches, so the
 * banner never suggests "local only" when the port is open to the network.
 */
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

export type BoundAddress = Pick<AddressInfo, 'address' | 'family' | 'port'>;

const isWildcard = (address: string) => address === '0.0.0.0' || address === '::';
const isV6 = (family: string) => family === 'IPv6';
const urlOf = (address: string, v6: boolean, port: number) => `http://${v6 ? `[${address}]` : address}:${port}`;

/** Local interface addresses a wildcard bind of `family` serves (`::` also serves IPv4 on Linux). */
function interfaceAddresses(wildcard: string): Array<{ address: string; v6: boolean }> {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  return all
    .filter((i) => wildcard === '::' || i.family === 'IPv4')
    .filter((i) => !(i.family === 'IPv6' && i.address.startsWith('fe80'))) // link-local needs a zone id
    .map((i) => ({ address: i.address, v6: i.family === 'IPv6' }));
}

export interface Banner {
  /** The first URL: what tests and humans connect to (loopback when the bind includes it). */
  url: string;
  /** Every URL the server can be reached at, loopback first. */
  urls: string[];
  /** True when the bind is reachable from other machines (a wildcard or a non-loopback address). */
  exposed: boolean;
}

export function describeBound(addresses: BoundAddress[]): Banner {
  const urls: string[] = [];
  for (const a of addresses) {
    if (isWildcard(a.address)) for (const i of interfaceAddresses(a.address)) urls.push(urlOf(i.address, i.v6, a.port));
    else urls.push(urlOf(a.address, isV6(a.family), a.port));
  }
  const unique = [...new Set(urls)];
  const loopback = (u: string) => u.startsWith('http://127.') || u.startsWith('http://[::1]');
  unique.sort((a, b) => Number(loopback(b)) - Number(loopback(a)));
  const exposed = addresses.some((a) => isWildcard(a.address)) || unique.some((u) => !loopback(u));
  return { url: unique[0] ?? urlOf('127.0.0.1', false, addresses[0]?.port ?? 0), urls: unique, exposed };
}
