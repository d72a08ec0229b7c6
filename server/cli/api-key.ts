/**
 * `openclaw api-key create|list|revoke|rotate`: works against the same Redis as the gateway
 * (REDIS_URL, or the state directory's embedded server, started just for the command when no
 * gateway is running). Changes take effect in running gateways at once: they read keys from Redis.
 */
import { parseArgs } from 'node:util';
import { PERMISSIONS, WORKSPACE_ID_PATTERN, type Permission } from '../config-schema';
import { loadConfig } from '../config';
import { createDataClient, redactUrl, waitReady } from '../redis';
import { KeyStore, keyScopeProblem, maskKey, publicKeyView as publicView, type ApiKeyRecord } from '../store/keys';
import { formatKeyAnnouncement } from '../auth/announce';
import { resolveRedis } from '../embedded-redis';
import type Redis from 'ioredis';
import { ALL_PERMISSIONS } from '../store/keys';
import { checkWorkspaces } from './workspace-check';

export class CliError extends Error {}

async function withKeyStore<T>(
  configPath: string | undefined,
  fn: (keys: KeyStore, redis: Redis) => Promise<T>,
): Promise<T> {
  const { config } = loadConfig({ path: configPath });
  const { url, embedded } = await resolveRedis(config, (line) => process.stderr.write(`${line}\n`), 'cli');
  const redis = createDataClient(url, 'openclaw-cli');
  redis.on('error', () => undefined);
  try {
    await waitReady(redis, 5000).catch(() => {
      throw new CliError(`cannot reach Redis at ${redactUrl(url)} (is it running? check REDIS_URL)`);
    });
    return await fn(new KeyStore(redis), redis);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
    if (embedded?.owned) await embedded.stop();
  }
}

const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function parsePermissions(s: string | undefined): Permission[] | undefined {
  if (s === undefined) return undefined;
  const given = list(s);
  if (!given.length) throw new CliError(`--permissions needs at least one of: ${PERMISSIONS.join(', ')}`);
  const bad = given.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
  if (bad.length) throw new CliError(`unknown permission '${bad[0]}'; valid: ${PERMISSIONS.join(', ')}`);
  return given as Permission[];
}

function parseWorkspaces(s: string | undefined): string[] {
  if (s === undefined) return ['*'];
  const given = list(s);
  if (!given.length) throw new CliError('--workspaces needs at least one workspace id (or * for all)');
  const bad = given.find((w) => w !== '*' && !new RegExp(WORKSPACE_ID_PATTERN).test(w));
  if (bad !== undefined)
    throw new CliError(`--workspaces: '${bad}' is not a workspace id (lower-case letters, digits, - and _) or *`);
  return given;
}

function parseRateLimit(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--rate-limit must be an integer ≥ 0, got '${s}'`);
  return n;
}

function announce(out: (s: string) => void, json: boolean, key: string, r: ApiKeyRecord) {
  if (json) out(JSON.stringify({ apiKey: key, ...publicView(r) }));
  else for (const line of formatKeyAnnouncement(key, r.label, r.workspaces, r.createdAt)) out(line);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function apiKeyCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      label: { type: 'string' },
      workspaces: { type: 'string' },
      permissions: { type: 'string' },
      'rate-limit': { type: 'string' },
      json: { type: 'boolean', default: false },
      config: { type: 'string' },
      admin: { type: 'boolean', default: false },
      'create-workspaces': { type: 'boolean', default: false },
    },
  });
  const json = values.json ?? false;

  switch (sub) {
    case 'create': {
      if (!values.label) throw new CliError('--label is required, e.g. --label "My App"');
      // --admin: every workspace and every permission, like the key printed on first start.
      if (values.admin && (values.workspaces !== undefined || values.permissions !== undefined))
        throw new CliError(
          '--admin already means every workspace and every permission; drop --workspaces / --permissions',
        );
      const workspaces = values.admin ? ['*'] : parseWorkspaces(values.workspaces);
      const scope = keyScopeProblem(
        workspaces,
        values.permissions === undefined ? undefined : list(values.permissions),
      );
      if (scope) throw new CliError(`--permissions: ${scope}`);
      const input = {
        label: values.label,
        workspaces,
        permissions: values.admin ? ALL_PERMISSIONS : parsePermissions(values.permissions),
        rateLimit: parseRateLimit(values['rate-limit']),
        source: 'cli' as const,
      };
      const { key, record } = await withKeyStore(values.config, async (keys, redis) => {
        await checkWorkspaces(redis, workspaces, values['create-workspaces'] ?? false, (line) =>
          process.stderr.write(`${line}\n`),
        );
        return keys.create(input);
      });
      announce(out, json, key, record);
      return;
    }
    case 'list': {
      const records = await withKeyStore(values.config, (keys) => keys.list());
      if (json) return out(JSON.stringify(records.map(publicView)));
      if (!records.length)
        return out('No API keys. Create one with: openclaw api-key create --label "My App" --workspaces team');
      const rows = [
        ['KEY', 'ID', 'LABEL', 'WORKSPACES', 'PERMISSIONS', 'RATE LIMIT', 'CREATED', 'LAST USED', 'SOURCE'],
      ];
      for (const r of records) {
        rows.push([
          maskKey(r),
          r.id,
          r.label,
          r.workspaces.join(','),
          r.permissions.join(','),
          r.rateLimit === null ? 'default' : r.rateLimit === 0 ? 'unlimited' : `${r.rateLimit}/min`,
          r.createdAt.slice(0, 10),
          r.lastUsedAt ? r.lastUsedAt.slice(0, 19).replace('T', ' ') : 'never',
          r.source,
        ]);
      }
      return out(table(rows));
    }
    case 'revoke':
    case 'rotate': {
      const ref = positionals[0];
      if (!ref) throw new CliError(`usage: openclaw api-key ${sub} <key | masked key | key id>`);
      const result = await withKeyStore(values.config, async (keys) => {
        const found = await keys.find(ref);
        if (!found) return null;
        // The file is the source of truth for config keys: a revoked one would come back at the next start.
        if (found.source === 'config') {
          throw new CliError(
            `API key ${maskKey(found)} (${found.label}) is declared in openclaw.json (api.keys); remove or change it there and restart`,
          );
        }
        if (sub === 'revoke') {
          if (!(await keys.revoke(found.id))) return null;
          return { revoked: found, created: null };
        }
        const created = await keys.rotate(found.id);
        return created ? { revoked: found, created } : null;
      });
      if (!result)
        throw new CliError(
          `no active API key matches '${ref}' (give the full key, its masked form from \`openclaw api-key list\`, or its id)`,
        );
      if (result.created) return announce(out, json, result.created.key, result.created.record);
      return out(
        json
          ? JSON.stringify({ revoked: publicView(result.revoked) })
          : `Revoked: ${maskKey(result.revoked)} (${result.revoked.label})`,
      );
    }
    default:
      throw new CliError('usage: openclaw api-key <create|list|revoke|rotate> …');
  }
}
