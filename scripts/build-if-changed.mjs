// `npm start` / `npm run worker`: build only when a source changed since the last build, so a
// restart costs the gateway's own start and nothing more; then run the CLI command given
// (`start`, `worker`) in this same process, sparing a second Node start-up. The check compares modification times
// of the gateway's and the SDK's sources (and the files that shape the build) with a stamp written
// after a successful `npm run build`; anything newer, or no stamp, runs the full build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(root, 'dist', '.build-stamp');
const SOURCES = [
  'server',
  'queues',
  'sdk/typescript/src',
  'sdk/typescript/scripts',
  'console',
  'scripts/build-console.mjs',
];
const BUILD_FILES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'sdk/typescript/package.json',
  'sdk/typescript/tsconfig.json',
  'sdk/typescript/tsconfig.esm.json',
  'sdk/typescript/tsconfig.cjs.json',
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export function isStale() {
  if (!existsSync(STAMP) || !existsSync(join(root, 'dist', 'server', 'cli', 'index.js'))) return true;
  const built = statSync(STAMP).mtimeMs;
  return [...SOURCES, ...BUILD_FILES].some((p) => newest(join(root, p)) > built);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const command = process.argv.slice(2);
  if (command[0] === '--stamp') {
    // After a successful build (the last step of `npm run build`).
    writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  } else {
    if (isStale()) {
      process.stderr.write('sources changed since the last build: building…\n');
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    }
    if (command.length) {
      const cli = join(root, 'dist', 'server', 'cli', 'index.js');
      process.argv = [process.argv[0], cli, ...command];
      await import(pathToFileURL(cli).href);
    }
  }
}
