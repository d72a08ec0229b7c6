#!/usr/bin/env node
/**
 * `npm run bench`: runs every bench/*.bench.js one after another (each is bounded in count and
 * time, loopback only) and prints each figure next to the baseline it measured in the same run.
 * `npm run bench -- messages` runs only the benchmarks whose file name contains "messages".
 */
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const filter = process.argv[2] ?? '';
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
  .sort();
if (!files.length) {
  console.error(`no benchmark matches '${filter}'`);
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, [join(__dirname, f)], {
    stdio: 'inherit',
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  if (r.status !== 0) {
    failed++;
    console.log(`${f}: FAILED (exit ${r.status ?? r.signal})`);
  }
}
process.exit(failed ? 1 : 0);
