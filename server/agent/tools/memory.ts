/**
 * The `memory` skill: remembers facts about the user across sessions (per workspace and user, in
 * Redis through agent/memory-store.ts), recalls them by keywords, forgets them on request.
 */
import { MAX_FACT_CHARS } from '../memory-store';
import { ToolError, type ToolContext, type ToolSpec } from './context';

export interface MemoryInput {
  action: 'remember' | 'recall' | 'forget';
  fact?: string;
  query?: string;
}

const INPUT_SCHEMA = {
  type: 'object',
  properties: {
    action: {
      type: 'string',
      enum: ['remember', 'recall', 'forget'],
      description: 'remember a fact, recall facts, or forget facts',
    },
    fact: {
      type: 'string',
      maxLength: MAX_FACT_CHARS,
      description: 'remember: the fact to keep, as a short self-contained sentence',
    },
    query: {
      type: 'string',
      maxLength: 500,
      description: 'recall: keywords to look for (empty: everything); forget: text the facts to drop contain',
    },
  },
  required: ['action'],
  additionalProperties: false,
};

export async function runMemory(input: MemoryInput, ctx: ToolContext): Promise<string> {
  const { memory, workspaceId: ws, userId } = ctx;
  if (input.action === 'remember') {
    if (!input.fact?.trim()) throw new ToolError('remember needs a non-empty "fact"');
    const f = await memory.remember(ws, userId, input.fact);
    return `Remembered: ${f.fact}`;
  }
  if (input.action === 'forget') {
    if (!input.query?.trim()) throw new ToolError('forget needs a "query": text that the facts to drop contain');
    const n = await memory.forget(ws, userId, input.query);
    return n ? `Forgot ${n} fact${n === 1 ? '' : 's'}.` : `Nothing remembered contains "${input.query}".`;
  }
  const facts = await memory.recall(ws, userId, input.query ?? '');
  if (!facts.length)
    return input.query ? `Nothing remembered about "${input.query}".` : 'Nothing remembered for this user yet.';
  return `${facts.length} remembered fact${facts.length === 1 ? '' : 's'}:\n${facts.map((f) => `- ${f.fact} (${f.rememberedAt.slice(0, 10)})`).join('\n')}`;
}

export const memoryTool = (ctx: ToolContext): ToolSpec<MemoryInput> => ({
  description:
    'Long-term memory about this user: remember facts they share, recall them later, forget them when asked.',
  parameters: INPUT_SCHEMA,
  execute: (input) => runMemory(input, ctx),
});
