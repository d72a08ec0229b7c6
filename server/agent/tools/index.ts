/**
 * The tools a workspace's agent may call: one per enabled skill (server/agent/skills.ts), each
 * bounded by tools.timeoutMs. Tool names are the skill names.
 */
import type { ToolSet } from 'ai';
import { isSkill, type Skill } from '../skills';
import { withToolTimeout, type ToolContext } from './context';
import { githubTool } from './github';
import { webSearchTool } from './web-search';
import { memoryTool } from './memory';

const FACTORIES: Record<Skill, (ctx: ToolContext) => ToolSet[string]> = {
  github: githubTool,
  'web-search': webSearchTool,
  memory: memoryTool,
};

export function toolsFor(skills: string[], ctx: ToolContext): ToolSet {
  const tools: ToolSet = {};
  for (const skill of skills.filter(isSkill)) {
    const t = FACTORIES[skill](ctx);
    const execute = t.execute!;
    tools[skill] = { ...t, execute: (input, options) => withToolTimeout(skill, ctx.config.tools.timeoutMs, Promise.resolve(execute(input, options))) } as ToolSet[string];
  }
  return tools;
}
