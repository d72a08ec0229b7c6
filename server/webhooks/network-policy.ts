/**
 * Where webhook deliveries may go (SSRF policy), decided per subscription and per address:
 *
 * - forbidden, for everyone: link-local (169.254.0.0/16, fe80::/10) and cloud metadata
 *   (169.254.169.254, fd00:ec2::254, 100.100.100.200, 192.0.0.192), unspecified, multicast,
 *   broadcast; also when embedded in an IPv6 address (IPv4-mapped, IPv4-compatible, NAT64
 *   64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32).
 * - private (loopback, RFC 1918, CGNAT, unique-local, reserved…): only for trusted
 *   subscriptions (made by a key over `*`, or declared in `webhooks.outbound`), or for a host
 *   listed in `webhooks.allowedHosts`.
 * - public: always.
 *
 * Checked when a subscription is made (literal addresses and `localhost` names) and at every
 * connection, on the address actually dialled (after DNS), so a name that later resolves to
 * 10.0.0.5 or 169.254.169.254 is refused too (DNS rebinding).
 */
import ipaddr from 'ipaddr.js';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';

export type AddressClass = 'public' | 'private' | 'forbidden';

/** Metadata services outside 169.254.0.0/16: AWS IPv6, Alibaba Cloud, Oracle Cloud. */
const METADATA = ['fd00:ec2::254', '100.100.100.200', '192.0.0.192'].map((a) => ipaddr.parse(a).toNormalizedString());

const V4_FORBIDDEN = new Set(['linkLocal', 'unspecified', 'broadcast', 'multicast']);
const V4_PRIVATE = new Set(['loopback', 'private', 'carrierGradeNat', 'reserved']);
const V6_FORBIDDEN = new Set(['linkLocal', 'unspecified', 'multicast']);
const V6_PRIVATE = new Set(['loopback', 'uniqueLocal', 'deprecatedSiteLocal']);

const worst = (...classes: AddressClass[]): AddressClass =>
  classes.includes('forbidden') ? 'forbidden' : classes.includes('private') ? 'private' : 'public';

const v4From = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);

function classifyV4(ip: ipaddr.IPv4): AddressClass {
  if (METADATA.includes(ip.toNormalizedString())) return 'forbidden';
  const range = ip.range();
  if (V4_FORBIDDEN.has(range)) return 'forbidden';
  return V4_PRIVATE.has(range) ? 'private' : 'public';
}

function classifyV6(ip: ipaddr.IPv6): AddressClass {
  if (METADATA.includes(ip.toNormalizedString())) return 'forbidden';
  const p = ip.parts;
  const range = ip.range();
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return classifyV4(v4From(p[6], p[7]));
    case 'rfc6052': // NAT64 64:ff9b::/96 (and the local-use 64:ff9b:1::/48): the IPv4 is the low 32 bits
      return worst(classifyV4(v4From(p[6], p[7])), p[1] === 0xff9b && p[2] === 1 ? 'private' : 'public');
    case '6to4': // 2002:AABB:CCDD::/48
      return worst(classifyV4(v4From(p[1], p[2])), 'public');
    case 'teredo': // 2001:0:server(32):flags:port:client(32, inverted)
      return worst(classifyV4(v4From(p[2], p[3])), classifyV4(v4From(~p[6] & 0xffff, ~p[7] & 0xffff)));
  }
  if (V6_FORBIDDEN.has(range)) return 'forbidden';
  if (V6_PRIVATE.has(range)) return 'private';
  // IPv4-compatible ::a.b.c.d (deprecated, still routed to the IPv4 host by some stacks).
  if (p.slice(0, 6).every((x) => x === 0)) return classifyV4(v4From(p[6], p[7]));
  return range === 'unicast' ? 'public' : 'private';
}

/** Classifies an IP literal (IPv6 with or without brackets); null when it is not one. */
export function classifyAddress(address: string): AddressClass | null {
  const raw = address.replace(/^\[(.*)\]$/, '$1');
  if (!ipaddr.isValid(raw)) return null;
  // ipaddr.js also accepts shorthand IPv4 ("127.1"); only canonical dotted quads and IPv6 count.
  if (!raw.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(raw)) return null;
  const ip = ipaddr.parse(raw);
  return ip.kind() === 'ipv4' ? classifyV4(ip as ipaddr.IPv4) : classifyV6(ip as ipaddr.IPv6);
}

const normHost = (host: string) =>
  host
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase()
    .replace(/\.$/, '');

/** `webhooks.allowedHosts`: host names (exact), IP addresses and CIDR ranges. */
export class HostAllowList {
  private readonly names = new Set<string>();
  private readonly ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];

  /** Throws naming the entry that is neither a host name, an IP nor a CIDR range. */
  constructor(entries: string[]) {
    for (const entry of entries) {
      const e = normHost(entry.trim());
      if (e.includes('/')) {
        if (!ipaddr.isValidCIDR(e)) throw new Error(`'${entry}' is not a valid CIDR range`);
        this.ranges.push(ipaddr.parseCIDR(e));
      } else if (ipaddr.isValid(e) && (e.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(e))) {
        const ip = ipaddr.parse(e);
        this.ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
      } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(e)) {
        this.names.add(e);
      } else {
        throw new Error(`'${entry}' is not a host name, an IP address or a CIDR range`);
      }
    }
  }

  /** True when the URL's host name is listed, or the address lies in a listed range. */
  allows(host: string, address: string): boolean {
    if (this.names.has(normHost(host))) return true;
    const raw = normHost(address);
    if (!ipaddr.isValid(raw)) return false;
    let ip = ipaddr.parse(raw);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    return this.ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
  }
}

export interface TargetPolicy {
  allowedHosts: HostAllowList;
  /** False only with the legacy `webhooks.allowPrivateNetworks: false`: no subscription is trusted. */
  trustOperators: boolean;
}

/** Who a subscription's deliveries act for: trusted ones (operators, config) may reach private networks. */
export const isTrustedSubscription = (sub: { source: string; scope: string[] }) =>
  sub.source === 'config' || sub.scope.includes('*');

export function policyFromConfig(config: { allowedHosts: string[]; allowPrivateNetworks?: boolean }): TargetPolicy {
  return {
    allowedHosts: new HostAllowList(config.allowedHosts),
    trustOperators: config.allowPrivateNetworks !== false,
  };
}

/**
 * Why this address may not be dialled for this host, or null when it may. `trusted`: the
 * subscription belongs to an operator (key over `*`) or to the config.
 */
export function refusal(policy: TargetPolicy, trusted: boolean, host: string, address: string): string | null {
  const cls = classifyAddress(address) ?? 'public';
  if (cls === 'public') return null;
  const shown = normHost(host) === normHost(address) ? normHost(address) : `${normHost(host)} (${normHost(address)})`;
  if (cls === 'forbidden') return `${shown} is a link-local or cloud metadata address, which webhooks never target`;
  if ((trusted && policy.trustOperators) || policy.allowedHosts.allows(host, address)) return null;
  return `${shown} is a private or loopback address; only keys over every workspace (*) may target those, or hosts listed in webhooks.allowedHosts`;
}

/** What the URL alone tells: `localhost` names are loopback; literal IPs are classified as they are. */
export function refusalForUrlHost(policy: TargetPolicy, trusted: boolean, hostname: string): string | null {
  const host = normHost(hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) return refusal(policy, trusted, host, '127.0.0.1');
  return classifyAddress(host) ? refusal(policy, trusted, host, host) : null;
}

export class RefusedTargetError extends Error {
  readonly code = 'ETARGETREFUSED';
  constructor(reason: string) {
    super(`refused to connect: ${reason}`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A dns.lookup for net/tls.connect that fails when any address the name resolves to is refused. */
export function policyLookup(policy: TargetPolicy, trusted: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const why = refusal(policy, trusted, hostname, a.address);
        if (why) return callback(new RefusedTargetError(why), []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
