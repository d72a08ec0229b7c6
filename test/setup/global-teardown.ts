export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __REDIS__?: { stop(): Promise<void> } }).__REDIS__?.stop();
}
