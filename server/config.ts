/**
 * Loads openclaw.json (cwd, OPENCLAW_CONFIG or --config), substitutes ${VAR} / ${VAR:-default}
 * from the environment in every string value, validates it against the schema (defaults filled
 * in) and applies the environment overrides (PORT / OPENCLAW_PORT, HOST / OPENCLAW_HOST, REDIS_URL,
 * OPENCLAW_STATE_DIR, LOG_LEVEL).
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { ConfigSchema, LOG_LEVELS, type Config } from './config-schema';
import { presetNames } from './agent/presets';
import { SKILLS, isSkill } from './agent/skills';
import { HostAllowList, refusalForUrlHost } from './webhooks/network-policy';
import { keyScopeProblem } from './store/keys';
import { parseClusterNodes } from './redis';

export type { Config } from './config-schema';

import { ConfigError } from './errors';

export { ConfigError };

// verbose: errors carry their schema, so messages can say "an integer ≥ 0" and list known keys.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
const validate = ajv.compile(ConfigSchema);

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function substitute(value: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      // Shell semantics: ${VAR:-d} uses d when VAR is unset or empty; ${VAR} needs VAR set.
      if (fallback !== undefined) return v === undefined || v === '' ? fallback : v;
      if (v !== undefined) return v;
      throw new ConfigError(`${path || '(root)'}: environment variable ${name} is not set (referenced as \${${name}})`);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, env, path ? `${path}.${k}` : k)]),
    );
  }
  return value;
}

/** `/api/keys/0/rateLimit` → `api.keys[0].rateLimit` */
function dotted(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

const quoteList = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

function describe(err: ErrorObject, all: ErrorObject[]): string {
  const path = dotted(err.instancePath);
  const schema = err.parentSchema as { type?: string; minimum?: number; maximum?: number } | undefined;
  const at = (p: string) => p || '(root)';
  switch (err.keyword) {
    case 'additionalProperties': {
      const name = (err.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return `${path ? `${path}.${name}` : name}: unknown key${known.length ? ` (known keys: ${known.join(', ')})` : ''}`;
    }
    case 'required':
      return `${at(path ? `${path}.${(err.params as { missingProperty: string }).missingProperty}` : (err.params as { missingProperty: string }).missingProperty)}: is required`;
    case 'type':
    case 'minimum':
    case 'maximum':
      if (schema?.type === 'integer' || schema?.type === 'number') {
        const kind = schema.type === 'integer' ? 'an integer' : 'a number';
        const range = [
          schema.minimum !== undefined ? `≥ ${schema.minimum}` : '',
          schema.maximum !== undefined ? `≤ ${schema.maximum}` : '',
        ]
          .filter(Boolean)
          .join(' and ');
        return `${at(path)}: must be ${kind}${range ? ` ${range}` : ''}`;
      }
      return `${at(path)}: ${err.message}`;
    case 'const':
      return `${at(path)}: must be ${JSON.stringify((err.params as { allowedValue: unknown }).allowedValue)}`;
    case 'enum':
      return `${at(path)}: must be one of ${quoteList((err.params as { allowedValues: unknown[] }).allowedValues)}`;
    case 'anyOf': {
      const allowed = all
        .filter((o) => o.keyword === 'const' && o.instancePath === err.instancePath)
        .map((o) => (o.params as { allowedValue: unknown }).allowedValue);
      return `${at(path)}: must be ${allowed.length ? `one of ${quoteList(allowed)}` : 'one of the allowed values'}`;
    }
    case 'pattern':
      return `${at(path)}: must match ${(err.params as { pattern: string }).pattern}`;
    default:
      return `${at(path)}: ${err.message}`;
  }
}

const invalid = (lines: string[]) => new ConfigError(`invalid configuration:\n  ${[...new Set(lines)].join('\n  ')}`);

/** Checks a schema cannot express: names that must refer to something defined elsewhere. */
function crossCheck(config: Config): string[] {
  const problems: string[] = [];
  const presets = presetNames(config);
  config.workspaces.forEach((w, i) => {
    if (!presets.includes(w.agent))
      problems.push(`workspaces[${i}].agent: unknown agent preset '${w.agent}'; known: ${presets.join(', ')}`);
    w.skills.forEach((skill, j) => {
      if (!isSkill(skill))
        problems.push(`workspaces[${i}].skills[${j}]: unknown skill '${skill}'; known: ${SKILLS.join(', ')}`);
    });
    const first = config.workspaces.findIndex((o) => o.id === w.id);
    if (first !== i) problems.push(`workspaces[${i}].id: '${w.id}' is already declared at workspaces[${first}]`);
  });
  config.api.keys.forEach((k, i) => {
    const first = config.api.keys.findIndex((o) => o.key === k.key);
    if (first !== i) problems.push(`api.keys[${i}].key: the same key is already declared at api.keys[${first}]`);
    const scope = keyScopeProblem(k.workspaces, k.permissions);
    if (scope) problems.push(`api.keys[${i}].permissions: ${scope}`);
  });
  let allowedHosts = new HostAllowList([]);
  config.webhooks.allowedHosts.forEach((h, i) => {
    try {
      new HostAllowList([h]);
    } catch (err) {
      problems.push(`webhooks.allowedHosts[${i}]: ${(err as Error).message}`);
    }
  });
  if (!problems.length) allowedHosts = new HostAllowList(config.webhooks.allowedHosts);
  config.webhooks.outbound.forEach((w, i) => {
    // Config entries are the operator's own: only what nobody may target (metadata, link-local) is refused here.
    const why = URL.canParse(w.url)
      ? refusalForUrlHost({ allowedHosts, trustOperators: true }, true, new URL(w.url).hostname)
      : 'not a valid URL';
    if (why) problems.push(`webhooks.outbound[${i}].url: ${why}`);
  });
  return problems;
}

/** Validates a config object (already substituted); throws ConfigError naming every bad path. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): Config {
  const data = substitute(raw ?? {}, env, '');
  if (!validate(data)) {
    const all = validate.errors ?? [];
    const errors = all.filter(
      (e) => e.keyword !== 'const' || !all.some((o) => o.keyword === 'anyOf' && e.instancePath === o.instancePath),
    );
    throw invalid(errors.map((e) => describe(e, all)));
  }
  const config = data as Config;
  const problems = crossCheck(config);
  if (problems.length) throw invalid(problems);
  const port = env.OPENCLAW_PORT ?? env.PORT;
  if (port !== undefined && port !== '') {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new ConfigError(`PORT: must be an integer ≥ 0 and ≤ 65535, got '${port}'`);
    config.api.port = n;
  }
  if (env.LOG_LEVEL) {
    if (!(LOG_LEVELS as readonly string[]).includes(env.LOG_LEVEL))
      throw new ConfigError(`LOG_LEVEL: must be one of ${quoteList(LOG_LEVELS)}, got '${env.LOG_LEVEL}'`);
    config.logging.level = env.LOG_LEVEL;
  }
  if (env.REDIS_URL) {
    if (!/^rediss?:\/\//.test(env.REDIS_URL)) throw new ConfigError(`REDIS_URL: must start with redis:// or rediss://`);
    config.redis.url = env.REDIS_URL;
  }
  if (env.REDIS_CLUSTER_NODES)
    config.redis.cluster = { ...config.redis.cluster, nodes: env.REDIS_CLUSTER_NODES.split(',').map((s) => s.trim()) };
  if (env.REDIS_CLUSTER_PASSWORD && config.redis.cluster) config.redis.cluster.password = env.REDIS_CLUSTER_PASSWORD;
  if (config.redis.cluster) {
    try {
      parseClusterNodes(config.redis.cluster.nodes);
    } catch (err) {
      throw new ConfigError(
        `${env.REDIS_CLUSTER_NODES ? 'REDIS_CLUSTER_NODES' : 'redis.cluster.nodes'}: ${(err as Error).message}; expected host:port,host:port,…`,
      );
    }
    if (config.redis.url) throw new ConfigError('redis.cluster and redis.url (REDIS_URL) are both set: give one');
  }
  if (env.OPENCLAW_STATE_DIR) config.stateDir = env.OPENCLAW_STATE_DIR;
  const host = env.OPENCLAW_HOST ?? env.HOST;
  if (host) config.api.host = host;
  return config;
}

export interface LoadConfigOptions {
  path?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Reads the config file (if any) and returns the validated config plus the file used. */
export function loadConfig(opts: LoadConfigOptions = {}): { config: Config; file: string | null } {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const explicit = opts.path ?? env.OPENCLAW_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, 'openclaw.json');
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
    }
  } else if (explicit) {
    throw new ConfigError(`${file}: config file not found`);
  }
  const config = parseConfig(raw, env);
  config.stateDir = resolve(cwd, config.stateDir ?? '.openclaw');
  return { config, file: existsSync(file) ? file : null };
}
