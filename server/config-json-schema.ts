/**
 * `openclaw config schema`: the JSON Schema of openclaw.json, derived from the TypeBox schema the
 * gateway validates with (so it cannot drift). Editors use it through the file's `"$schema"` key.
 */
import { ConfigSchema } from './config-schema';
import { VERSION } from './version';

type Node = Record<string, unknown>;

/** `${VAR}` / `${VAR:-default}` anywhere in a string: the gateway substitutes it before validating. */
const PLACEHOLDER = { type: 'string', pattern: '\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}' };
const CONSTRAINTS = ['pattern', 'minLength', 'maxLength', 'enum', 'format'];

/**
 * The schema as an editor needs it: a constrained string may also be a placeholder
 * (`"key": "${API_KEY_1}"`), which the file holds until the start substitutes it, and keys with a
 * default are optional. Editors must not flag what the gateway accepts.
 */
function allowPlaceholders(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowPlaceholders);
  if (!node || typeof node !== 'object') return node;
  const out: Node = Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === 'default' || k === 'enum' ? v : allowPlaceholders(v)]),
  );
  // A key with a default may be left out of the file (the gateway fills it in): not required for an editor.
  if (Array.isArray(out.required) && out.properties) {
    const props = out.properties as Record<string, Node>;
    out.required = (out.required as string[]).filter((k) => !(props[k] && 'default' in props[k]));
    if (!(out.required as string[]).length) delete out.required;
  }
  if (out.type !== 'string' || !CONSTRAINTS.some((c) => c in out)) return out;
  const { description, default: dflt, ...strict } = out;
  return {
    ...(description ? { description } : {}),
    ...(dflt !== undefined ? { default: dflt } : {}),
    anyOf: [strict, PLACEHOLDER],
  };
}

export function configJsonSchema(): Record<string, unknown> {
  // JSON round trip: drops TypeBox's symbol-keyed metadata, keeps plain JSON Schema.
  const body = allowPlaceholders(JSON.parse(JSON.stringify(ConfigSchema))) as Record<string, unknown>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `openclaw.json (OpenClaw Gateway ${VERSION})`,
    description:
      'OpenClaw Gateway configuration (docs/configuration.md). String values may use ${VAR} and ${VAR:-default}.',
    ...body,
  };
}
