// Builds the gateway into dist/: tsc, then the store's Lua scripts (server/store/lua/*.lua) beside
// the compiled store, since tsc copies only TypeScript and LuaScript.file() reads them from its own
// directory. `npm run build` and bin/openclaw.js's first-run build both come through here.
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
cpSync(join(root, 'server', 'store', 'lua'), join(root, 'dist', 'server', 'store', 'lua'), { recursive: true });
