/**
 * `npm run pack`'s artifacts install and import where users put them: the TypeScript SDK tarball
 * into a scratch npm project (require and import, then a call to a live gateway), the n8n pack
 * tarball into an n8n nodes folder (its nodes load with n8n's own n8n-workflow), the Python wheel
 * and sdist into a venv (import, then a call to the gateway). Offline: nothing is fetched.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const ROOT = join(__dirname, '..', '..');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const exec = promisify(execFile);
const run = async (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  (
    await exec(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, npm_config_update_notifier: 'false', ...opts.env },
      timeout: 180_000,
      maxBuffer: 16 << 20,
    })
  ).stdout;
const npmInstall = (cwd: string, spec: string, ...extra: string[]) =>
  run(
    'npm',
    ['install', spec, '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...extra],
    { cwd },
  );

describe('npm run pack: the artifacts install and import', () => {
  let work: string;
  let out: string;
  let files: string[];
  let gw: TestGateway;
  const artifact = (name: string) => join(out, name);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'openclaw-pack-test-'));
    out = join(work, 'packages');
    files = (await run(process.execPath, [join(ROOT, 'scripts', 'pack.mjs'), out]))
      .trim()
      .split('\n')
      .map((l) => l.slice(out.length + 1));
    gw = await startTestGateway();
  }, 240_000);
  afterAll(async () => {
    await gw?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('builds the four artifacts, named by version', () => {
    expect(files.sort()).toEqual(
      [
        `n8n-nodes-openclaw-${VERSION}.tgz`,
        `openclaw-api-client-${VERSION}.tgz`,
        `openclaw_client-${VERSION}-py3-none-any.whl`,
        `openclaw-client-${VERSION}.tar.gz`,
      ].sort(),
    );
  });

  it('the TypeScript SDK: npm install of the tarball, then require, import and a call', async () => {
    const app = join(work, 'ts-app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{"name":"scratch","private":true}\n');
    await npmInstall(app, artifact(`openclaw-api-client-${VERSION}.tgz`));
    const cjs = await run(
      process.execPath,
      ['-e', "const { OpenClaw } = require('@openclaw/api-client'); console.log(typeof OpenClaw)"],
      { cwd: app },
    );
    expect(cjs.trim()).toBe('function');
    const esm = `import { OpenClaw } from '@openclaw/api-client';
const client = new OpenClaw({ baseUrl: process.env.OPENCLAW_URL, apiKey: process.env.OPENCLAW_API_KEY });
console.log(JSON.stringify(await client.health()));`;
    const health = JSON.parse(
      await run(process.execPath, ['--input-type=module', '-e', esm], {
        cwd: app,
        env: { OPENCLAW_URL: gw.url, OPENCLAW_API_KEY: gw.adminKey },
      }),
    );
    expect(health).toMatchObject({ status: 'ok', version: VERSION });
  }, 120_000);

  it('the n8n pack: npm install of the tarball in a nodes folder; its nodes and credentials load', async () => {
    const nodes = join(work, '.n8n', 'nodes');
    mkdirSync(nodes, { recursive: true });
    writeFileSync(join(nodes, 'package.json'), '{"name":"installed-nodes","private":true}\n');
    await npmInstall(nodes, artifact(`n8n-nodes-openclaw-${VERSION}.tgz`), '--legacy-peer-deps');
    const pkgDir = join(nodes, 'node_modules', 'n8n-nodes-openclaw');
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    // What n8n does: load every file the package's `n8n` key lists, n8n-workflow being n8n's own (here the repo's).
    const load = `const pkg = require(${JSON.stringify(join(pkgDir, 'package.json'))});
const out = [];
for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
  for (const C of Object.values(require(require('path').join(${JSON.stringify(pkgDir)}, f)))) {
    const o = new C();
    out.push(o.description ? o.description.name : o.name);
  }
}
console.log(JSON.stringify(out.sort()));`;
    const names = JSON.parse(
      await run(process.execPath, ['-e', load], { cwd: nodes, env: { NODE_PATH: join(ROOT, 'node_modules') } }),
    );
    expect(names).toEqual(['openClaw', 'openClawApi', 'openClawTrigger']);
    expect(pkg.keywords).toContain('n8n-community-node-package');
  }, 120_000);

  it('the Python SDK: pip install of the wheel, then of the sdist, into a venv; import and a call', async () => {
    const python = (
      await run(process.execPath, [
        '--input-type=module',
        '-e',
        `import { findPython } from ${JSON.stringify(join(ROOT, 'scripts', 'pack.mjs'))}; console.log(findPython())`,
      ])
    ).trim();
    const venv = join(work, 'venv');
    // System site packages: the sdist is built with the setuptools and wheel already installed (no index).
    await run(python, ['-m', 'venv', '--system-site-packages', venv]);
    const py = join(venv, 'bin', 'python');
    const call = `import os, openclaw
from openclaw import OpenClaw
client = OpenClaw(base_url=os.environ["OPENCLAW_URL"], api_key=os.environ["OPENCLAW_API_KEY"])
r = client.messages.send(workspace="default", user_id="pack-test", message="hello from a venv")
print(openclaw.__file__)
print(r.response)`;
    const env = { OPENCLAW_URL: gw.url, OPENCLAW_API_KEY: gw.adminKey, PYTHONPATH: '' };
    for (const file of [`openclaw_client-${VERSION}-py3-none-any.whl`, `openclaw-client-${VERSION}.tar.gz`]) {
      await run(py, [
        '-m',
        'pip',
        'install',
        '--no-index',
        '--no-build-isolation',
        '--quiet',
        '--disable-pip-version-check',
        artifact(file),
      ]);
      const [where, answer] = (await run(py, ['-c', call], { cwd: work, env })).trim().split('\n');
      expect(where.startsWith(venv)).toBe(true);
      expect(answer).toContain('hello from a venv');
      await run(py, ['-m', 'pip', 'uninstall', '--yes', '--quiet', 'openclaw-client']);
    }
  }, 180_000);
});
