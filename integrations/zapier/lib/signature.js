'use strict';

/**
 * Checks a hook's Standard Webhooks signature (`webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">`) when Zapier hands the raw request over. The key is
 * what the gateway signs with: a `whsec_<base64>` secret's decoded bytes (24–64 of them, the
 * Standard Webhooks form new subscriptions get), any other secret's UTF-8 bytes. Zapier prefixes forwarded headers with `Http-`; both
 * spellings are accepted. Returns true (valid), false (forged), or null (nothing to check).
 */
const { createHmac, timingSafeEqual } = require('crypto');

const header = (headers, name) => {
  for (const [k, v] of Object.entries(headers || {})) {
    const key = k
      .toLowerCase()
      .replace(/^http-/, '')
      .replace(/_/g, '-');
    if (key === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
};

const STANDARD_SECRET = /^whsec_((?:[A-Za-z0-9+/]{4}){8,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/;
const signingKey = (secret) => {
  const m = STANDARD_SECRET.exec(secret);
  const decoded = m ? Buffer.from(m[1], 'base64') : null;
  return decoded && decoded.length >= 24 && decoded.length <= 64 ? decoded : Buffer.from(secret, 'utf8');
};

const verifyHook = (secret, rawRequest) => {
  if (!secret || !rawRequest || typeof rawRequest.content !== 'string') return null;
  const id = header(rawRequest.headers, 'webhook-id');
  const timestamp = header(rawRequest.headers, 'webhook-timestamp');
  const signatures = header(rawRequest.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) return null;
  const expected = Buffer.from(
    createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.${rawRequest.content}`).digest('base64'),
  );
  return String(signatures)
    .split(' ')
    .map((s) => Buffer.from(s.replace(/^v1,/, '')))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
};

module.exports = { verifyHook, signingKey };
