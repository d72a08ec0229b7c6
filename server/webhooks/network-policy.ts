/**
 * Private-network policy for outbound webhooks. With `webhooks.allowPrivateNetworks: false`
 * the gateway refuses loopback, private, link-local and other non-public addresses, both when
 * a subscription is made (literal IPs and `localhost`) and at every connection (after DNS
 * resolution, so a public name that resolves to 10.0.0.5 is refused too: no DNS rebinding).
 */
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

const unbracket = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

/** True for an IP address that is not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const ip = unbracket(address);
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip); // IPv4-mapped IPv6
    return mapped ? blocked.check(mapped[1], 'ipv4') : blocked.check(ip, 'ipv6');
  }
  return false;
}

/** What can be told from the URL alone: `localhost` names and literal private IPs. */
export function isPrivateHost(hostname: string): boolean {
  const host = unbracket(hostname).toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host);
}

export class PrivateNetworkError extends Error {
  readonly code = 'EPRIVATENETWORK';
  constructor(host: string, address: string) {
    super(`refused to connect to ${host} (${address}): private network addresses are not allowed (webhooks.allowPrivateNetworks is false)`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A dns.lookup replacement for net/tls.connect that fails when any resolved address is private. */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new PrivateNetworkError(hostname, bad.address), []);
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
