/** The gateway's version, read from package.json (works from server/ and from dist/server/). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function find(): string {
  for (const rel of ['..', '../..']) {
    const p = join(__dirname, rel, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'openclaw-gateway' && pkg.version) return pkg.version;
    }
  }
  return '0.0.0';
}

export const VERSION = find();
