// `npm run pack`: installable artifacts in dist/packages/ while nothing is published yet —
// the TypeScript SDK and the n8n pack as npm tarballs (`npm pack`), the Python SDK as an sdist
// and a wheel (setuptools' own PEP 517 backend, the one pyproject.toml names). Each is built from
// the sources in a staging directory of its own, so packing never races a build of the tree.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' };

/** A Python with setuptools ≥ 61 and wheel (both needed to build a wheel offline); OPENCLAW_PYTHON first. */
export function findPython() {
  const check =
    'import setuptools, wheel, sys; v = tuple(int(x) for x in setuptools.__version__.split(".")[:2]); sys.exit(0 if v >= (61, 0) else 1)';
  for (const candidate of [process.env.OPENCLAW_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    try {
      execFileSync(candidate, ['-c', check], { stdio: 'ignore' });
      return candidate;
    } catch {
      /* missing, or without setuptools/wheel: try the next */
    }
  }
  throw new Error(
    'no python3 with setuptools ≥ 61 and wheel: install them (Debian: apt-get install python3-setuptools python3-wheel) or set OPENCLAW_PYTHON',
  );
}

function npmPack(dir, out) {
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { ...quiet, cwd: dir }),
  );
  return info.filename;
}

const skipBuilt = (src) => !/__pycache__|\.egg-info|[/\\](build|dist|node_modules)$/.test(src);

/** The TypeScript SDK: its sources copied, built with its own build script, packed. */
function sdkTarball(stage, out) {
  const dir = join(stage, 'api-client');
  cpSync(join(root, 'sdk', 'typescript'), dir, { recursive: true, filter: skipBuilt });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir'); // its build's TypeScript
  execFileSync(process.execPath, [join(dir, 'scripts', 'build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  rmSync(join(dir, 'node_modules'));
  return npmPack(dir, out);
}

/** The n8n pack: its workspace package copied, built with n8n's node CLI (`npm run build`), packed. */
function n8nTarball(stage, out) {
  const dir = join(stage, 'n8n-nodes-openclaw');
  // A copy, not packages/n8n-nodes-openclaw itself: n8n-node build empties dist/, which tests read meanwhile.
  cpSync(join(root, 'packages', 'n8n-nodes-openclaw'), dir, { recursive: true, filter: skipBuilt });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir'); // @n8n/node-cli, TypeScript, n8n-workflow
  execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir });
  rmSync(join(dir, 'node_modules'));
  return npmPack(dir, out);
}

function pythonDists(stage, out, python) {
  // setuptools writes build/ and *.egg-info next to the sources: build from a copy.
  const dir = join(stage, 'python');
  cpSync(join(root, 'sdk', 'python'), dir, { recursive: true, filter: skipBuilt });
  // setuptools talks on stdout: its chatter goes to stderr (shown only on failure), the file names to stdout.
  const script = [
    'import contextlib, sys',
    'from setuptools import build_meta as b',
    'out = sys.argv[1]  # read first: setuptools rewrites sys.argv',
    'with contextlib.redirect_stdout(sys.stderr):',
    '    names = [b.build_sdist(out), b.build_wheel(out)]',
    'print("\\n".join(names))',
  ].join('\n');
  try {
    return execFileSync(python, ['-W', 'ignore', '-c', script, out], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      cwd: dir,
    })
      .trim()
      .split('\n');
  } catch (err) {
    throw new Error(`building the Python SDK failed:\n${err.stderr ?? err.message}`);
  }
}

/** Builds every artifact into `out` (emptied first); returns their file names. */
export function pack(out = join(root, 'dist', 'packages')) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const python = findPython();
  const stage = mkdtempSync(join(tmpdir(), 'openclaw-pack-'));
  try {
    const built = [sdkTarball(stage, out), n8nTarball(stage, out), ...pythonDists(stage, out, python)];
    const present = readdirSync(out);
    const missing = built.filter((f) => !present.includes(f));
    if (missing.length) throw new Error(`not built: ${missing.join(', ')}`);
    return built;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? join(root, 'dist', 'packages');
  for (const file of pack(out)) console.log(join(out, file));
}
