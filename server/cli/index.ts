#!/usr/bin/env node
/** The `openclaw` command: start, worker, api-key. */
// First: the young generation grows with traffic, not with what start-up loads (young-generation.ts).
import '../young-generation';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config';
import { VERSION } from '../version';
import { apiKeyCommand, CliError } from './api-key';
import { configJsonSchema } from '../config-json-schema';

const USAGE = `openclaw ${VERSION}

Usage:
  openclaw start [--config openclaw.json]      run the gateway (HTTP API + workers)
  openclaw worker [--config openclaw.json]     run message/webhook/schedule workers only
  openclaw api-key create --label "My App" --workspaces team,admins [--permissions stats:read,…] [--rate-limit 30] [--json]
  openclaw api-key create --label "Admin" --admin    (every workspace, every permission)
  openclaw config schema                       print the JSON Schema of openclaw.json
  openclaw api-key list [--json]
  openclaw api-key revoke <key | masked key | id>
  openclaw api-key rotate <key | masked key | id> [--json]

Environment: REDIS_URL, OPENCLAW_CONFIG, OPENCLAW_STATE_DIR, PORT / OPENCLAW_PORT`;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the gateway loads only for the commands that run it
const loadMain = () => require('../main') as typeof import('../main');

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const configOnly = () => parseArgs({ args: rest, options: { config: { type: 'string' } } }).values.config;
  switch (cmd) {
    // Loaded on demand: key management does not need (or wait for) the whole gateway.
    case 'start':
      return loadMain().runGateway({ configPath: configOnly() });
    case 'worker':
      return loadMain().runGateway({ configPath: configOnly(), workersOnly: true });
    case 'api-key':
      return apiKeyCommand(rest, out);
    case 'config':
      if (rest[0] !== 'schema')
        throw new CliError('usage: openclaw config schema   (prints the JSON Schema of openclaw.json)');
      return out(JSON.stringify(configJsonSchema(), null, 2));
    case '--version':
    case 'version':
      return out(VERSION);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return out(USAGE);
    default:
      throw new CliError(`unknown command '${cmd}'\n\n${USAGE}`);
  }
}

/** One clear line for the failures a user can fix; a stack trace only for real bugs. */
function explain(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (err instanceof CliError || err instanceof ConfigError || e.code?.startsWith('ERR_PARSE_ARGS')) return e.message;
  if (e.code === 'EADDRINUSE')
    return `${e.message}: another process uses this port; set PORT (or api.port in openclaw.json) to a free one`;
  if (e.code === 'EACCES' && e.syscall === 'listen')
    return `${e.message}: not allowed to listen on this port; choose one above 1024 with PORT`;
  if (/redis-server|Redis did not become ready/.test(e.message ?? '')) return e.message;
  return e.stack ?? String(err);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`openclaw: ${explain(err)}\n`);
  process.exit(1);
});
