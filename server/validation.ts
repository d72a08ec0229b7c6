/**
 * Request validation. Bodies are validated strictly (no type coercion, unknown fields
 * rejected by the schemas); query strings and params are coerced ("20" → 20), as HTTP
 * sends them as text. Errors name the field: `userId: must NOT have fewer than 1 characters`.
 */
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const make = (coerce: boolean) => {
  const ajv = new Ajv({
    allErrors: false,
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  });
  addFormats(ajv);
  ajv.addKeyword('modifier').addKeyword('kind'); // TypeBox annotations
  return ajv;
};
const strict = make(false);
const coercing = make(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;

/** `/context/timezone` → `context.timezone` */
const field = (path: string) => path.replace(/^\//, '').replace(/\//g, '.');

export function describeValidationError(
  errors: ErrorObject[],
  part: string | undefined,
): { message: string; field: string } {
  const e = errors[0];
  const base = field(e.instancePath);
  const join = (name: string) => (base ? `${base}.${name}` : name);
  const where = part && part !== 'body' ? `${part} ` : '';
  switch (e.keyword) {
    case 'required': {
      const f = join((e.params as { missingProperty: string }).missingProperty);
      return { field: f, message: `${where}${f}: is required` };
    }
    case 'additionalProperties': {
      const f = join((e.params as { additionalProperty: string }).additionalProperty);
      return { field: f, message: `${where}${f}: unknown field` };
    }
    default: {
      const f = base || (part ?? 'body');
      return { field: f, message: `${where}${f}: ${e.message}` };
    }
  }
}
