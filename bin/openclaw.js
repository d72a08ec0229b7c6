#!/usr/bin/env node
// Entry point for `npx openclaw …` from a checkout: builds once if dist/ is missing, then runs the CLI.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');
const root = join(__dirname, '..');
const entry = join(root, 'dist', 'server', 'cli', 'index.js');
if (!existsSync(entry)) {
  process.stderr.write('openclaw: building (first run)…\n');
  execFileSync(process.execPath, [join(root, 'scripts', 'build-server.mjs')], { stdio: 'inherit', cwd: root });
}
require(entry);
