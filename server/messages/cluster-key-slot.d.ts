/** cluster-key-slot (ioredis's own slot function) ships no types: a key (or keys) → its Redis Cluster slot, 0–16383. */
declare module 'cluster-key-slot' {
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}
