/**
 * The installable pack: `npm run build:n8n` output is its own package under n8n's verified
 * community-node rules, and the whole pack (sources and built files) passes n8n's community lint
 * with zero warnings. This is how the lint is part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const packDir = join(root, 'dist/n8n');
// Building and linting spawn tsc, npm and eslint: generous bounds for a loaded 2-core machine.
jest.setTimeout(120_000);

describe('n8n-nodes-openclaw package', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build-n8n-pack.mjs')], { cwd: root, stdio: 'pipe' });
  }, 120_000);

  it('has its own package.json: keyword, n8n key with every node and credential, peer n8n-workflow only, no dependencies or scripts', () => {
    const pkg = JSON.parse(readFileSync(join(packDir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('n8n-nodes-openclaw');
    expect(pkg.keywords).toContain('n8n-community-node-package');
    expect(pkg.n8n).toEqual({
      n8nNodesApiVersion: 1,
      strict: true,
      credentials: ['dist/credentials/OpenClawApi.credentials.js'],
      nodes: ['dist/nodes/OpenClaw/OpenClaw.node.js', 'dist/nodes/OpenClawTrigger/OpenClawTrigger.node.js'],
    });
    expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.scripts).toBeUndefined();
    expect(pkg.files).toEqual(['dist']);
  });

  it('packs only the compiled nodes, credentials, icons and codex files', () => {
    const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packDir, encoding: 'utf8' }));
    const files: string[] = report.files.map((f: { path: string }) => f.path);
    expect(files.filter((f) => !f.startsWith('dist/')).sort()).toEqual(['README.md', 'package.json']);
    expect(files.every((f) => /^(dist\/(nodes|credentials)\/.+\.(js|json|svg)|README\.md|package\.json)$/.test(f))).toBe(true);
    for (const f of ['dist/nodes/OpenClaw/openclaw.svg', 'dist/nodes/OpenClaw/openclaw.dark.svg', 'dist/nodes/OpenClaw/OpenClaw.node.json', 'dist/nodes/OpenClawTrigger/OpenClawTrigger.node.json']) {
      expect(files).toContain(f);
    }
    // Nothing of the gateway ships: every require is n8n-workflow, crypto or a file of the pack.
    for (const f of files.filter((f) => f.endsWith('.js'))) {
      const requires = [...readFileSync(join(packDir, f), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      for (const r of requires) expect(r).toMatch(/^(n8n-workflow|crypto|\.{1,2}\/.+)$/);
    }
  });

  it("passes n8n's community lint (recommended incl. n8n Cloud rules + n8n-nodes-base nodes/credentials/community) with zero warnings", () => {
    let output = '';
    try {
      output = execFileSync(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings', '0', '--format', 'json', 'nodes', 'credentials', 'dist/n8n'], {
        cwd: root,
        encoding: 'utf8',
        // eslint-plugin-n8n-nodes-base switches to its own self-test mode under NODE_ENV=test.
        env: { ...process.env, NODE_ENV: 'production' },
      });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    const results: Array<{ filePath: string; messages: Array<{ ruleId: string; message: string; line: number }> }> = JSON.parse(output);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath.replace(root + '/', '')}:${m.line} ${m.ruleId} ${m.message}`));
    expect(problems).toEqual([]);
    const linted = results.map((r) => r.filePath.replace(root + '/', ''));
    expect(linted).toEqual(expect.arrayContaining(['nodes/OpenClaw/OpenClaw.node.ts', 'credentials/OpenClawApi.credentials.ts', 'dist/n8n/package.json', 'dist/n8n/dist/nodes/OpenClaw/OpenClaw.node.js']));
  });
});
