/**
 * `openclaw config schema` prints the JSON Schema of openclaw.json; a file with `"$schema"` is
 * accepted; openclaw.example.json is valid and sets every top-level section the schema has.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { ConfigSchema } from '../../server/config-schema';
import { parseConfig } from '../../server/config';
import { runCli, ROOT } from './process';

const EXAMPLE_ENV = {
  API_KEY_1: 'example-key-0123456789',
  OPENAI_API_KEY: 'sk-example',
  WEBHOOK_SECRET: 'whsec_example',
  TELEGRAM_BOT_TOKEN: '123456:telegram-example',
  SLACK_BOT_TOKEN: 'xoxb-example',
  SLACK_SIGNING_SECRET: 'slack-signing-example',
  WHATSAPP_TOKEN: 'whatsapp-example',
  WHATSAPP_VERIFY_TOKEN: 'verify-example',
  WHATSAPP_APP_SECRET: 'app-secret-example',
};

describe('openclaw config schema', () => {
  let schema: Record<string, any>;
  beforeAll(async () => {
    const r = await runCli(['config', 'schema']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    schema = JSON.parse(r.stdout);
  });

  it('is a draft-07 JSON Schema of every section, with defaults, closed to unknown keys', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(ConfigSchema.properties).sort());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.api.properties.host.default).toBe('127.0.0.1');
  });

  it('a standard validator using it accepts the example and refuses what the gateway refuses', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    const example = JSON.parse(readFileSync(join(ROOT, 'openclaw.example.json'), 'utf8'));
    expect([validate(example), validate.errors]).toEqual([true, null]);
    // A ${VAR} placeholder stands in for a constrained string; a literal value must still fit.
    expect(validate({ api: { keys: [{ key: '${API_KEY_1}', label: 'x' }] } })).toBe(true);
    expect(validate({ api: { keys: [{ key: 'too-short', label: 'x' }] } })).toBe(false);
    expect(validate({ workspaces: [{ id: 'team' }] })).toBe(true); // defaults need not be written
    expect(validate({ workspaces: [{ label: 'no id' }] })).toBe(false);
    expect(validate({ api: { portt: 1 } })).toBe(false);
    expect(validate({ api: { port: -1 } })).toBe(false);
    expect(() => parseConfig({ api: { port: -1 } }, {})).toThrow('api.port');
  });

  it('an unknown subcommand says how to use it', async () => {
    const r = await runCli(['config', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('usage: openclaw config schema');
  });
});

describe('openclaw.example.json', () => {
  const example = JSON.parse(readFileSync(join(ROOT, 'openclaw.example.json'), 'utf8'));

  it('is accepted by the gateway, "$schema" key included', () => {
    const config = parseConfig(example, EXAMPLE_ENV);
    expect(example.$schema).toBe('./openclaw.schema.json');
    expect(config.api.keys[0].key).toBe(EXAMPLE_ENV.API_KEY_1);
  });

  it('sets every top-level section, and docs/configuration.md describes each', () => {
    const sections = Object.keys(ConfigSchema.properties).sort();
    expect(Object.keys(example).sort()).toEqual(sections);
    const docs = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const table = docs.slice(docs.indexOf('### `openclaw.example.json`'));
    for (const s of sections) expect([s, table.includes(`\`${s}\``)]).toEqual([s, true]);
  });
});
