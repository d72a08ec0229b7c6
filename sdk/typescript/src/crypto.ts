/**
 * HMAC-SHA256 for webhook verification, from `node:crypto` (Node, Bun and Deno all provide it).
 * Bundlers building for browsers use ./crypto.browser.ts instead (package.json `browser` field):
 * a browser has no webhook secret to check deliveries with.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of the parts, in order, as one message. */
export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Equal bytes, compared in constant time. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
