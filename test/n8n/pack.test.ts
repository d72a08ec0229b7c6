/**
 * The installable pack: packages/n8n-nodes-openclaw is its own package, laid out like n8n's
 * starter and built by n8n's node CLI (`n8n-node build`), under n8n's verified community-node
 * rules; `n8n-node lint` passes with zero warnings. This is how the lint is part of `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '../..');
const packDir = join(root, 'packages/n8n-nodes-openclaw');
const pkg = JSON.parse(readFileSync(join(packDir, 'package.json'), 'utf8'));
// eslint-plugin-n8n-nodes-base switches to its own self-test mode under NODE_ENV=test (jest's).
const env = { ...process.env, NODE_ENV: 'production' };
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
/** `dist/…js` paths of the sources under `dir` whose names end with `suffix` (what the n8n key must list). */
const built = (dir: string, suffix: string) =>
  walk(join(packDir, dir))
    .filter((f) => f.endsWith(suffix))
    .map((f) => `dist/${relative(packDir, f).replace(/\.ts$/, '.js')}`)
    .sort();
// The eslint the package resolves (its devDependency), not whichever the root has.
const eslintBin = join(require.resolve('eslint/package.json', { paths: [packDir] }), '../bin/eslint.js');
// Building and linting spawn npm, tsc and eslint: generous bounds for a loaded 2-core machine
// (under a load average of 18 the whole file took about 3 minutes).
jest.setTimeout(240_000);

describe('n8n-nodes-openclaw package', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: packDir, stdio: 'pipe', env });
  }, 240_000);

  it('has its own package.json: keyword, n8n key with every node and credential, peer n8n-workflow only, no dependencies or install scripts', () => {
    expect(pkg.name).toBe('n8n-nodes-openclaw');
    expect(pkg.keywords).toContain('n8n-community-node-package');
    expect(pkg.n8n).toEqual({
      n8nNodesApiVersion: 1,
      strict: true,
      credentials: ['dist/credentials/OpenClawApi.credentials.js'],
      nodes: ['dist/nodes/OpenClaw/OpenClaw.node.js', 'dist/nodes/OpenClawTrigger/OpenClawTrigger.node.js'],
    });
    // The n8n key is written by hand: it must name every node and credential of the sources.
    expect(pkg.n8n.nodes).toEqual(built('nodes', '.node.ts'));
    expect(pkg.n8n.credentials).toEqual(built('credentials', '.credentials.ts'));
    expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
    expect(pkg.dependencies).toBeUndefined();
    // Nothing runs when n8n installs it; building and linting are n8n's node CLI.
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[hook]).toBeUndefined();
    expect(pkg.scripts).toMatchObject({
      build: 'n8n-node build',
      lint: 'n8n-node lint',
      prepublishOnly: 'n8n-node prerelease',
    });
    expect(Object.keys(pkg.devDependencies)).toContain('@n8n/node-cli');
    expect(pkg.files).toEqual(['dist']);
    // Same version as the gateway it talks to: released together (docs/n8n.md).
    expect(pkg.version).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('packs only the compiled nodes, credentials, icons and codex files', () => {
    for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(existsSync(join(packDir, f))).toBe(true);
    const [report] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packDir, encoding: 'utf8' }),
    );
    const files: string[] = report.files.map((f: { path: string }) => f.path);
    expect(files.filter((f) => !f.startsWith('dist/')).sort()).toEqual(['README.md', 'package.json']);
    expect(
      files.every((f) => /^(dist\/(nodes|credentials)\/.+\.(js|json|svg)|README\.md|package\.json)$/.test(f)),
    ).toBe(true);
    for (const f of [
      'dist/nodes/OpenClaw/openclaw.svg',
      'dist/nodes/OpenClaw/openclaw.dark.svg',
      'dist/nodes/OpenClaw/OpenClaw.node.json',
      'dist/nodes/OpenClawTrigger/OpenClawTrigger.node.json',
    ]) {
      expect(files).toContain(f);
    }
    // Nothing of the gateway ships: every require is n8n-workflow, crypto or a file of the pack.
    for (const f of files.filter((f) => f.endsWith('.js'))) {
      const requires = [...readFileSync(join(packDir, f), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      for (const r of requires) expect(r).toMatch(/^(n8n-workflow|crypto|\.{1,2}\/.+)$/);
    }
  });

  it("passes `n8n-node lint` (strict: n8n's own eslint config, Cloud rules included) with zero warnings", () => {
    // What n8n-node lint does, run here directly (once, for the report as JSON): in strict mode it
    // refuses an eslint.config.mjs changed from its template, then runs `eslint .`, failing on
    // errors only; here warnings fail too. `npm run lint:n8n` runs n8n-node lint itself.
    // The template n8n-node lint compares with (its dist/configs/eslint.js is the `./eslint` export).
    const template = join(
      require.resolve('@n8n/node-cli/eslint', { paths: [packDir] }),
      '../../template/templates/shared/default/eslint.config.mjs',
    );
    const normalized = (file: string) => readFileSync(file, 'utf8').replace(/\s+/g, ' ').trim();
    expect(normalized(join(packDir, 'eslint.config.mjs'))).toBe(normalized(template));
    let output = '';
    try {
      output = execFileSync(process.execPath, [eslintBin, '--max-warnings', '0', '--format', 'json', '.'], {
        cwd: packDir,
        encoding: 'utf8',
        env,
      });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    const results: Array<{ filePath: string; messages: Array<{ ruleId: string; message: string; line: number }> }> =
      JSON.parse(output);
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${relative(packDir, r.filePath)}:${m.line} ${m.ruleId} ${m.message}`),
    );
    expect(problems).toEqual([]);
    const linted = results.map((r) => relative(packDir, r.filePath));
    expect(linted).toEqual(
      expect.arrayContaining([
        'nodes/OpenClaw/OpenClaw.node.ts',
        'nodes/OpenClawTrigger/OpenClawTrigger.node.ts',
        'credentials/OpenClawApi.credentials.ts',
        'package.json',
      ]),
    );
  });
});

describe('.github/workflows/release-n8n.yml', () => {
  type Step = { name?: string; run?: string; 'working-directory'?: string; env?: Record<string, string> };
  const workflow = parse(readFileSync(join(root, '.github/workflows/release-n8n.yml'), 'utf8')) as {
    on: { push: { tags: string[] } };
    permissions: Record<string, string>;
    jobs: { publish: { permissions: Record<string, string>; steps: Step[] } };
  };
  const job = workflow.jobs.publish;
  const step = (name: string) => job.steps.find((s) => s.name === name)!;

  it('publishes this package with an npm provenance statement, on a release tag, with the OIDC token the statement needs', () => {
    expect(workflow.on.push.tags).toContain('v[0-9]+.[0-9]+.[0-9]+');
    expect(workflow.permissions).toEqual({});
    expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    const publish = step('Publish with provenance');
    expect(publish['working-directory']).toBe('packages/n8n-nodes-openclaw');
    expect(publish.run).toBe('npm publish --provenance --access public');
    // Lint, the n8n tests and the build come before the publish.
    const names = job.steps.map((s) => s.name);
    for (const before of ['Lint (n8n-node lint)', 'n8n tests', 'Build (n8n-node build)']) {
      expect(names.indexOf(before)).toBeGreaterThan(-1);
      expect(names.indexOf(before)).toBeLessThan(names.indexOf('Publish with provenance'));
    }
  });

  it('refuses a tag that does not name the package version', () => {
    const check = (tag: string) =>
      spawnSync('bash', ['-e', '-c', step("The tag names the package's version").run!], {
        cwd: root,
        env: { ...process.env, GITHUB_REF_NAME: tag },
        encoding: 'utf8',
      });
    expect(check(`v${pkg.version}`).status).toBe(0);
    const wrong = check('v0.0.1');
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain(`tag v0.0.1 but packages/n8n-nodes-openclaw is ${pkg.version}`);
  });
});
