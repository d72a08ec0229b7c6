/**
 * docs/architecture.md walks the code file by file, so every file it names must exist: a path
 * with a directory, from the repository root or from server/ (how the doc's tables name them);
 * a bare file name, somewhere in the tree the doc describes. Moving or renaming a file without
 * updating the doc fails here.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const ROOT = join(__dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
const SOURCE_DIRS = [
  'server',
  'queues',
  'scripts',
  'bin',
  'console',
  'bench',
  'test',
  'sdk',
  'integrations',
  '.github',
];

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !e.parentPath.includes('node_modules') && !e.parentPath.includes('/dist'))
    .map((e) => e.name);
}

const named = [...new Set([...DOC.matchAll(/`([\w./*-]+\.(?:ts|mjs|js|lua|sh|yml))`/g)].map((m) => m[1]))].filter(
  (name) => !name.includes('*') && !name.startsWith('dist/'),
);

describe('docs/architecture.md', () => {
  test('names files', () => {
    expect(named.length).toBeGreaterThan(50);
  });

  test.each(named.filter((n) => n.includes('/')))('%s exists', (path) => {
    expect(existsSync(join(ROOT, path)) || existsSync(join(ROOT, 'server', path))).toBe(true);
  });

  test('every bare file name exists in the tree', () => {
    const present = new Set([...SOURCE_DIRS.flatMap(filesUnder), ...readdirSync(ROOT).filter((n) => n.includes('.'))]);
    const missing = named.filter((n) => !n.includes('/') && !present.has(basename(n)));
    expect(missing).toEqual([]);
  });
});
