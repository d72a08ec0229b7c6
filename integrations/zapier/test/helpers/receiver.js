'use strict';

/**
 * A stand-in for Zapier's side of the wire, on 127.0.0.1: it records every POST (the hook URLs
 * Zapier gives performSubscribe, the callback URL of z.generateCallbackUrl()) with its raw body
 * and headers, answers 200 (or a scripted status), and lets a test await a request.
 */
const http = require('http');

async function startReceiver() {
  const requests = [];
  const script = [];
  const waiters = new Set();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (b) => (raw += b));
    req.on('end', () => {
      const status = script.shift() || 200;
      requests.push({
        path: req.url,
        method: req.method,
        headers: req.headers,
        raw,
        body: raw ? JSON.parse(raw) : null,
        status,
      });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"success"}');
      for (const w of [...waiters]) w();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;

  return {
    /** A fresh URL on this receiver, like Zapier's per-Zap hook URLs. */
    url: (p) => `${base}${p}`,
    requests,
    /** The next requests get these statuses (then 200). */
    fail: (...statuses) => script.push(...statuses),
    /** Resolves with the first request matching `pred` (already received or still to come). */
    waitFor(pred, timeoutMs = 60000, what = 'a request') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = requests.find(pred);
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${what}; got ${requests.map((r) => r.path).join(', ') || 'nothing'}`,
            ),
          );
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** How Zapier hands a caught hook to perform: the parsed body, and the raw request with Http- prefixed headers. */
const zapierHookBundle = (authData, subscribeData, hit, inputData = {}) => ({
  authData,
  inputData,
  subscribeData,
  cleanedRequest: hit.body,
  rawRequest: {
    method: hit.method,
    querystring: '',
    content: hit.raw,
    headers: Object.fromEntries(
      Object.entries(hit.headers).map(([k, v]) => [
        `Http-${k.replace(/(^|-)([a-z])/g, (_m, d, c) => d + c.toUpperCase())}`,
        v,
      ]),
    ),
  },
});

module.exports = { startReceiver, zapierHookBundle };
