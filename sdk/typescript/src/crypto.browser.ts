/**
 * The browser build's stand-in for ./crypto.ts: webhooks are verified on a server (Node, Bun,
 * Deno) that holds the secret; a page never should. The rest of the SDK works in browsers.
 */
const unsupported = (): never => {
  throw new Error(
    'OpenClaw: webhook verification needs node:crypto (Node, Bun, Deno); the browser build has none. Verify deliveries on your server.',
  );
};

export const hmacSha256 = (_key: Uint8Array, ..._parts: Uint8Array[]): Uint8Array => unsupported();
export const equalBytes = (_a: Uint8Array, _b: Uint8Array): boolean => unsupported();
