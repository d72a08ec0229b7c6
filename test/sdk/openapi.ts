/** Reads the gateway's OpenAPI document the way the SDK drift checks need it. */
import type { ResponseFieldSpec } from '../../sdk/typescript/src/index';

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
export type OpenApiDoc = {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, Schema> };
};

/** Follows $refs, nullable unions (anyOf [X, null]) and allOf, down to the object schema. */
export function resolve(doc: OpenApiDoc, s: Schema | undefined): Schema | undefined {
  if (!s) return s;
  if (s.$ref) return resolve(doc, doc.components?.schemas?.[s.$ref.split('/').pop()!]);
  const variants = s.anyOf ?? s.oneOf;
  if (variants)
    return resolve(
      doc,
      variants.find((v) => (v as { type?: string }).type !== 'null'),
    );
  if (s.allOf) return { properties: Object.assign({}, ...s.allOf.map((p) => resolve(doc, p)?.properties ?? {})) };
  return s;
}

/** The property names an entry describes in the OpenAPI document, or an explanation why there are none. */
export function propertiesOf(doc: OpenApiDoc, spec: ResponseFieldSpec, prefix = '/api/v1'): string[] | string {
  const op = doc.paths[prefix + spec.path]?.[spec.method];
  if (!op) return `no operation ${spec.method.toUpperCase()} ${spec.path}`;
  if (spec.in === 'query')
    return (op.parameters ?? []).filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name);
  const content = spec.in === 'body' ? op.requestBody?.content : op.responses?.[String(spec.status)]?.content;
  let schema = resolve(doc, content?.['application/json']?.schema);
  for (const step of (spec.at ?? '').split('.').filter(Boolean)) {
    const name = step.replace(/\[\]$/, '');
    schema = resolve(doc, schema?.properties?.[name]);
    if (step.endsWith('[]')) schema = resolve(doc, schema?.items);
  }
  if (!schema?.properties)
    return `no object schema at ${spec.in}${spec.status ? ` ${spec.status}` : ''}${spec.at ? ` → ${spec.at}` : ''}`;
  return Object.keys(schema.properties);
}
