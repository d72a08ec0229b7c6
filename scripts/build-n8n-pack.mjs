// Builds the n8n community package `n8n-nodes-openclaw` into dist/n8n/: compiled nodes and
// credentials under dist/n8n/dist/, their icons and codex files, and a package.json of its own
// (no dependencies, peer n8n-workflow only, no scripts) so no gateway code ever ships in it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// N8N_PACK_OUT: build elsewhere (npm run pack stages its own copy).
const out = process.env.N8N_PACK_OUT ?? join(root, 'dist/n8n');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
const distPaths = (dir, suffix) =>
  walk(join(root, dir))
    .filter((f) => f.endsWith(suffix))
    .map((f) => `dist/${relative(root, f).replace(/\.ts$/, '.js')}`)
    .sort();

rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.n8n.json'), '--outDir', join(out, 'dist')], {
  stdio: 'inherit',
});

// Icons and codex (.node.json) files sit next to the compiled node, where n8n looks for them.
for (const dir of ['nodes', 'credentials']) {
  for (const file of walk(join(root, dir)).filter((f) => /\.(svg|png|json)$/.test(f))) {
    const target = join(out, 'dist', relative(root, file));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
  }
}

const pkg = {
  name: 'n8n-nodes-openclaw',
  version: rootPkg.version,
  description: 'n8n nodes for the OpenClaw gateway: send and stream messages to an AI agent, manage sessions, workspaces and usage, and trigger workflows on signed OpenClaw events.',
  keywords: ['n8n-community-node-package', 'n8n', 'openclaw', 'ai', 'agent'],
  license: 'MIT',
  homepage: 'https://github.com/openclaw/openclaw-gateway/blob/main/docs/n8n.md',
  author: { name: 'OpenClaw', email: 'maintainers@openclaw.dev' },
  repository: { type: 'git', url: 'git+https://github.com/openclaw/openclaw-gateway.git' },
  engines: { node: '>=20.15' },
  files: ['dist'],
  n8n: {
    n8nNodesApiVersion: 1,
    strict: true,
    credentials: distPaths('credentials', '.credentials.ts'),
    nodes: distPaths('nodes', '.node.ts'),
  },
  peerDependencies: { 'n8n-workflow': '*' },
};
// The root package.json carries the same `n8n` key so the community lint, run on the sources,
// resolves the pack's credentials; keep the two in step.
const declared = JSON.stringify(rootPkg.n8n ?? {});
const built = JSON.stringify({ n8nNodesApiVersion: 1, credentials: pkg.n8n.credentials, nodes: pkg.n8n.nodes });
if (declared !== built) {
  throw new Error(`package.json "n8n" must be ${built} (found ${declared}): update it with npm pkg set`);
}
writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(out, 'README.md'),
  `# n8n-nodes-openclaw\n\n${pkg.description}\n\nInstall this tarball (built by \`npm run pack\` in the gateway's checkout) with \`npm install <path>/n8n-nodes-openclaw-${pkg.version}.tgz\` inside \`~/.n8n/nodes\`, then restart n8n. Once published to npm: Settings > Community Nodes, name \`n8n-nodes-openclaw\`. Documentation: ${pkg.homepage}\n`,
);
console.log(`n8n pack built in ${out.startsWith(root) ? relative(root, out) : out}: ${pkg.n8n.nodes.length} nodes, ${pkg.n8n.credentials.length} credentials`);
