/**
 * Route schemas compile on first use instead of inside `listen()`: a hundred routes' validators
 * (ajv) and response serializers (fast-json-stringify) cost most of a second of CPU at start,
 * most of a restart. Once the gateway is ready, `warmRouteSchemas` compiles what is still pending,
 * one per event-loop turn, so the first requests do not pay for it either.
 */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { validatorCompiler } from './validation';

type Validate = ((data: unknown) => boolean) & { errors?: unknown };
type Serialize = (data: unknown) => string;

const PENDING = new WeakMap<FastifyInstance, Array<() => void>>();

/** The `schemaController` option for Fastify plus `adopt(app)`, which ties the pending list to the app. */
export function lazySchemaCompilers() {
  const pending: Array<() => void> = [];
  const buildSerializer = SerializerSelector();
  const lazyValidator: typeof validatorCompiler = (route) => {
    let compiled: Validate | undefined;
    const compile = () => (compiled ??= validatorCompiler(route) as Validate);
    pending.push(compile);
    const validate: Validate = (data) => {
      const fn = compile();
      const ok = fn(data);
      validate.errors = fn.errors; // Fastify reads the errors off the function it was given
      return ok;
    };
    return validate as ReturnType<typeof validatorCompiler>;
  };
  const schemaController: FastifyServerOptions['schemaController'] = {
    compilersFactory: {
      buildSerializer: (externalSchemas: unknown, options: unknown) => {
        const compileFor = buildSerializer(externalSchemas, options as never);
        return (route: Parameters<typeof compileFor>[0]) => {
          let compiled: Serialize | undefined;
          const compile = () => (compiled ??= compileFor(route) as Serialize);
          pending.push(compile);
          return (data: unknown) => compile()(data);
        };
      },
    },
  };
  return { lazyValidator, schemaController, adopt: (app: FastifyInstance) => PENDING.set(app, pending) };
}

/** Compiles the schemas no request has needed yet, one per turn of the event loop (never blocking it long). */
export function warmRouteSchemas(app: FastifyInstance): void {
  const pending = PENDING.get(app);
  if (!pending) return;
  const next = () => {
    const compile = pending.shift();
    if (!compile) return;
    try {
      compile();
    } catch (err) {
      app.log.error({ err }, 'a route schema does not compile');
    }
    setImmediate(next).unref();
  };
  setImmediate(next).unref();
}
