/**
 * Keeps V8's young generation at its initial size until the gateway is up.
 *
 * Start-up (loading modules, compiling schemas) allocates objects that nearly all survive, so V8
 * doubles the young generation at each scavenge up to its maximum (two 16 MB semi-spaces) and it
 * stays that size while the gateway idles: ~30 MB of a ~125 MB idle RSS. Traffic is what should
 * size it. Growth is held from the moment this module loads (the first import of gateway.ts) and
 * released once the first gateway of the process is up; under load V8 then grows it as usual,
 * when scavenges find many survivors.
 *
 * `--semi-space-growth-factor` is read each time the young generation grows, so setting it at
 * run time takes effect (Node warns that flags set after start may do nothing; this one is a
 * plain factor). An operator's own setting (NODE_OPTIONS or node's arguments) is left alone.
 */
import { setFlagsFromString } from 'node:v8';

const V8_DEFAULT_GROWTH_FACTOR = 2; // Node 20 and 24
const operatorSetIt = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /semi[-_]space/.test(a));
let held = false;

if (!operatorSetIt) {
  setFlagsFromString('--semi-space-growth-factor=1');
  held = true;
}

/** From now on the young generation grows with the traffic. */
export function releaseYoungGeneration(): void {
  if (!held) return;
  held = false;
  setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH_FACTOR}`);
}
