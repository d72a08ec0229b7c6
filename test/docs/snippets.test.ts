/**
 * Docs cannot rot: every code block of README.md and docs/*.md marked runnable (```sh runnable,
 * see snippets.ts) runs, as pasted, against a live gateway, and must exit 0. One gateway per
 * document, its blocks in order (a later block may use what an earlier one created).
 *
 * What the test supplies is what a reader has after the README's first steps: a gateway (the
 * docs' http://localhost:3000 is replaced by its address), OPENCLAW_URL and OPENCLAW_API_KEY (an
 * admin key), a project directory where `npx openclaw` is the gateway's CLI (on the same Redis)
 * and `@openclaw/api-client` is installed, and the Python SDK importable. Runners: bash (curl
 * fails on an HTTP error, like `curl --fail-with-body`), node for JavaScript (ES modules), tsx for
 * TypeScript, python3 for Python.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { testRedisUrl } from '../helpers/redis';
import { CLI, requireBuild } from '../foundation/process';
import { documentedSnippets, runnableSnippets, type Snippet } from './snippets';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const snippets = documentedSnippets(ROOT);
const byFile = [...new Set(snippets.map((s) => s.file))].map(
  (file) => [file, snippets.filter((s) => s.file === file)] as const,
);

/** A reader's project: `npx openclaw` and `@openclaw/api-client` resolve to this checkout. */
function readerProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-docs-'));
  writeFileSync(join(dir, 'package.json'), '{"name":"docs-reader","private":true,"type":"module"}\n');
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  // The SDK built from its sources into the project (not the tree's sdk/typescript/dist, which
  // test/sdk/package.test.ts rebuilds meanwhile).
  const sdk = join(dir, 'node_modules', '@openclaw', 'api-client');
  cpSync(join(ROOT, 'sdk', 'typescript'), sdk, {
    recursive: true,
    filter: (src) => !/[/\\](dist|node_modules)$/.test(src),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(sdk, 'node_modules'), 'dir'); // its build's TypeScript
  execFileSync(process.execPath, [join(sdk, 'scripts', 'build.mjs')], { stdio: 'pipe' });
  writeFileSync(join(dir, 'node_modules', '.bin', 'openclaw'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(dir, 'node_modules', '.bin', 'openclaw'), 0o755);
  return dir;
}

function command(s: Snippet, dir: string, index: number): [string, string[]] {
  switch (s.lang) {
    case 'sh':
    case 'bash':
      return ['bash', ['-c', `set -eo pipefail\ncurl() { command curl --fail-with-body -sS "$@"; }\n${s.code}`]];
    case 'js':
    case 'javascript':
      return [process.execPath, ['--input-type=module', '-e', s.code]];
    case 'ts':
    case 'typescript': {
      const file = join(dir, `snippet-${index}.mts`);
      writeFileSync(file, s.code);
      return [process.execPath, [TSX, file]];
    }
    case 'python':
    case 'py':
      return ['python3', ['-c', s.code]];
    default:
      throw new Error(`${s.file}:${s.line}: no runner for a runnable '${s.lang}' block`);
  }
}

function run(
  s: Snippet,
  index: number,
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const [cmd, args] = command(s, dir, index);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

it('finds runnable blocks in the README and the docs, in every language it runs', () => {
  expect(snippets.filter((s) => s.file === 'README.md').length).toBeGreaterThanOrEqual(4);
  for (const lang of ['sh', 'ts', 'python']) expect(snippets.map((s) => s.lang)).toContain(lang);
  // The marker: only blocks that say so.
  expect(runnableSnippets('x.md', '```sh\necho no\n```\n```sh runnable\necho yes\n```\n').map((s) => s.code)).toEqual([
    'echo yes',
  ]);
});

describe.each(byFile)('%s', (file, blocks) => {
  let gw: TestGateway;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    requireBuild();
    // (the SDK build below can take a while on a loaded machine)
    gw = await startTestGateway();
    dir = readerProject();
    env = {
      PATH: `${join(dir, 'node_modules', '.bin')}:${process.env.PATH}`,
      HOME: process.env.HOME,
      OPENCLAW_URL: gw.url,
      OPENCLAW_API_KEY: gw.adminKey,
      REDIS_URL: testRedisUrl(),
      PYTHONPATH: join(ROOT, 'sdk', 'python', 'src'),
      npm_config_update_notifier: 'false',
      LOG_LEVEL: 'warn',
    };
  }, 180_000);
  afterAll(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(blocks.map((b, i) => [`line ${b.line} (${b.lang})`, b, i] as const))(
    '%s runs as pasted',
    async (_name, block, i) => {
      const pasted = { ...block, code: block.code.replaceAll('http://localhost:3000', gw.url) };
      const { code, output } = await run(pasted, i, dir, env);
      expect({ where: `${file}:${block.line}`, code, output }).toEqual({
        where: `${file}:${block.line}`,
        code: 0,
        output: expect.any(String),
      });
    },
    180_000,
  );
});
