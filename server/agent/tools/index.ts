/**
 * The tools a workspace's agent may call: one per enabled skill (server/agent/skills.ts), each
 * bounded by tools.timeoutMs. Tool names are the skill names. The model's arguments are checked
 * against the tool's JSON Schema (ajv; unknown fields dropped) before the tool runs.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { isSkill, type Skill } from '../skills';
import type { ToolDefinition } from '../providers/chat';
import { withToolTimeout, type ToolContext, type ToolSpec } from './context';
import { githubTool } from './github';
import { webSearchTool } from './web-search';
import { memoryTool } from './memory';

const FACTORIES: Record<Skill, (ctx: ToolContext) => ToolSpec> = {
  github: githubTool,
  'web-search': webSearchTool,
  memory: memoryTool,
};

export interface AgentTool {
  definition: ToolDefinition;
  /** The input as the tool takes it, or the reason it is invalid. */
  check(input: unknown): { ok: true; input: unknown } | { ok: false; problem: string };
  execute(input: unknown, signal?: AbortSignal): Promise<string>;
}

export type ToolSet = Map<string, AgentTool>;

const ajv = new Ajv({ allErrors: false, removeAdditional: true, strict: false });
// Schemas are module constants: compile each once per process.
const validators = new WeakMap<object, ValidateFunction>();
const validatorFor = (schema: Record<string, unknown>) => {
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = ajv.compile(schema)));
  return v;
};

export function toolsFor(skills: string[], ctx: ToolContext): ToolSet {
  const tools: ToolSet = new Map();
  for (const skill of skills.filter(isSkill)) {
    const t = FACTORIES[skill](ctx);
    const validate = validatorFor(t.parameters);
    tools.set(skill, {
      definition: { name: skill, description: t.description, parameters: t.parameters },
      check(input) {
        // Validation drops unknown fields in place: check a copy, the event shows what ran.
        const copy = input && typeof input === 'object' ? structuredClone(input) : input;
        return validate(copy)
          ? { ok: true, input: copy }
          : { ok: false, problem: ajv.errorsText(validate.errors, { dataVar: 'input' }) };
      },
      execute: (input, signal) => withToolTimeout(skill, ctx.config.tools.timeoutMs, t.execute(input, signal)),
    });
  }
  return tools;
}
