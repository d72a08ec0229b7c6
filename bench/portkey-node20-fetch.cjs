/**
 * Preloaded into Portkey's gateway by messages.bench.js (`node -r`). On Node 20 a fetch
 * response's headers are immutable, and Portkey 1.15.2 (through @hono/node-server's lightweight
 * Response, which reuses them) appends its x-portkey-* headers to them: every OpenAI call
 * fails with "TypeError: immutable". This re-wraps each upstream response once in a native
 * Response (same body stream, copied headers), which is what Portkey expects.
 */
const NativeResponse = globalThis.Response;
const nativeFetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const res = await nativeFetch(...args);
  return new NativeResponse(res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
};
