// The store's Lua scripts (server/store/lua/*.lua) beside the compiled store in dist/: tsc copies
// only TypeScript, and LuaScript.file() reads them from its own directory.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(root, 'server', 'store', 'lua'), join(root, 'dist', 'server', 'store', 'lua'), { recursive: true });
