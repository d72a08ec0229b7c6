/**
 * Loads openclaw.json (cwd, OPENCLAW_CONFIG or --config), substitutes ${VAR} / ${VAR:-default}
 * from the environment in every string value, validates it against the schema (defaults filled
 * in) and applies the environment overrides (PORT / OPENCLAW_PORT, REDIS_URL, OPENCLAW_STATE_DIR).
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { ConfigSchema, type Config } from './config-schema';

export type { Config } from './config-schema';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validate = ajv.compile(ConfigSchema);

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function substitute(value: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${path}: environment variable ${name} is not set`);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, env, path ? `${path}.${k}` : k)]));
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

function describe(err: ErrorObject): string {
  const path = dotted(err.instancePath);
  const schema = err.parentSchema as { type?: string; minimum?: number; maximum?: number } | undefined;
  const at = (p: string) => p || '(root)';
  switch (err.keyword) {
    case 'additionalProperties':
      return `${at(path)}: unknown key '${(err.params as { additionalProperty: string }).additionalProperty}'`;
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
        ].filter(Boolean).join(' and ');
        return `${at(path)}: must be ${kind}${range ? ` ${range}` : ''}`;
      }
      return `${at(path)}: ${err.message}`;
    case 'const':
      return `${at(path)}: must be ${JSON.stringify((err.params as { allowedValue: unknown }).allowedValue)}`;
    case 'anyOf':
      return `${at(path)}: must be one of the allowed values`;
    default:
      return `${at(path)}: ${err.message}`;
  }
}

/** Validates a config object (already substituted); throws ConfigError naming every bad path. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): Config {
  const data = substitute(raw ?? {}, env, '');
  if (!validate(data)) {
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'const' || !(validate.errors ?? []).some((o) => o.keyword === 'anyOf' && e.instancePath === o.instancePath));
    const lines = [...new Set(errors.map(describe))];
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const config = data as Config;
  const port = env.OPENCLAW_PORT ?? env.PORT;
  if (port !== undefined && port !== '') {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`PORT: must be an integer ≥ 0 and ≤ 65535, got '${port}'`);
    config.api.port = n;
  }
  if (env.REDIS_URL) config.redis.url = env.REDIS_URL;
  if (env.OPENCLAW_STATE_DIR) config.stateDir = env.OPENCLAW_STATE_DIR;
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
