/**
 * The `web-search` skill: searches the web through a SearXNG instance's JSON API
 * (tools.webSearch.url, GET /search?q=…&format=json; `json` must be enabled in its
 * settings.yml search.formats). Returns the top tools.webSearch.maxResults results as text.
 */
import { tool } from 'ai';
import { z } from 'zod';
import { ToolError, toolGet, type ToolContext } from './context';

const Input = z.object({
  query: z.string().min(1).max(500).describe('What to search for'),
  limit: z.number().int().min(1).max(20).optional().describe('How many results (default: the configured maximum)'),
});
export type WebSearchInput = z.infer<typeof Input>;

interface SearxResult { url: string; title?: string; content?: string }

export async function runWebSearch(input: WebSearchInput, ctx: ToolContext, signal?: AbortSignal): Promise<string> {
  const cfg = ctx.config.tools.webSearch;
  const url = `${cfg.url.replace(/\/+$/, '')}/search?q=${encodeURIComponent(input.query)}&format=json`;
  const res = await toolGet('the search service', url, { timeoutMs: ctx.config.tools.timeoutMs, signal });
  if (res.status === 403) throw new ToolError(`the search service at ${cfg.url} refused format=json: enable "json" in search.formats of SearXNG's settings.yml`);
  if (res.status !== 200 || !Array.isArray(res.body?.results)) throw new ToolError(`the search service at ${cfg.url} answered HTTP ${res.status} without JSON results`);
  const results = (res.body.results as SearxResult[]).slice(0, Math.min(input.limit ?? cfg.maxResults, cfg.maxResults));
  if (!results.length) return `No results for "${input.query}".`;
  const lines = results.map((r, i) => `${i + 1}. ${r.title ?? r.url} — ${r.url}${r.content ? `\n   ${r.content.replace(/\s+/g, ' ').slice(0, 300)}` : ''}`);
  return `${results.length} results for "${input.query}":\n${lines.join('\n')}`;
}

export const webSearchTool = (ctx: ToolContext) =>
  tool({
    description: 'Search the web. Returns titles, URLs and snippets of the top results.',
    inputSchema: Input,
    execute: (input, { abortSignal }) => runWebSearch(input, ctx, abortSignal),
  });
