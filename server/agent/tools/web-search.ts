/**
 * The `web-search` skill: searches the web through a SearXNG instance's JSON API
 * (tools.webSearch.url, GET /search?q=…&format=json; `json` must be enabled in its
 * settings.yml search.formats). Returns the top tools.webSearch.maxResults results as text.
 */
import { ToolError, toolGet, type ToolContext, type ToolSpec } from './context';

export interface WebSearchInput {
  query: string;
  limit?: number;
}

const INPUT_SCHEMA = {
  type: 'object',
  properties: {
    query: { type: 'string', minLength: 1, maxLength: 500, description: 'What to search for' },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: 20,
      description: 'How many results (default: the configured maximum)',
    },
  },
  required: ['query'],
  additionalProperties: false,
};

interface SearxResult {
  url: string;
  title?: string;
  content?: string;
}

export async function runWebSearch(input: WebSearchInput, ctx: ToolContext, signal?: AbortSignal): Promise<string> {
  const cfg = ctx.config.tools.webSearch;
  const url = `${cfg.url.replace(/\/+$/, '')}/search?q=${encodeURIComponent(input.query)}&format=json`;
  const res = await toolGet('the search service', url, { timeoutMs: ctx.config.tools.timeoutMs, signal });
  if (res.status === 403)
    throw new ToolError(
      `the search service at ${cfg.url} refused format=json: enable "json" in search.formats of SearXNG's settings.yml`,
    );
  const found = (res.body as { results?: unknown } | null)?.results;
  if (res.status !== 200 || !Array.isArray(found))
    throw new ToolError(`the search service at ${cfg.url} answered HTTP ${res.status} without JSON results`);
  const results = (found as SearxResult[]).slice(0, Math.min(input.limit ?? cfg.maxResults, cfg.maxResults));
  if (!results.length) return `No results for "${input.query}".`;
  const lines = results.map(
    (r, i) =>
      `${i + 1}. ${r.title ?? r.url} — ${r.url}${r.content ? `\n   ${r.content.replace(/\s+/g, ' ').slice(0, 300)}` : ''}`,
  );
  return `${results.length} results for "${input.query}":\n${lines.join('\n')}`;
}

export const webSearchTool = (ctx: ToolContext): ToolSpec<WebSearchInput> => ({
  description: 'Search the web. Returns titles, URLs and snippets of the top results.',
  parameters: INPUT_SCHEMA,
  execute: (input, signal) => runWebSearch(input, ctx, signal),
});
