/**
 * The `github` skill: open (or closed) issues, pull requests and recent commits of a repository,
 * through the GitHub REST API at tools.github.baseUrl (api.github.com, or a GitHub Enterprise
 * Server's https://<host>/api/v3) with tools.github.token. tools.github.repo is the default repo.
 * Answers are short text the model can quote, e.g. "3 open issues in acme/app: …".
 */
import { ToolError, toolGet, type ToolContext, type ToolSpec } from './context';

export interface GithubInput {
  action: 'list_issues' | 'list_pull_requests' | 'recent_commits';
  repo?: string;
  state?: 'open' | 'closed' | 'all';
  limit?: number;
}

const INPUT_SCHEMA = {
  type: 'object',
  properties: {
    action: {
      type: 'string',
      enum: ['list_issues', 'list_pull_requests', 'recent_commits'],
      description: 'What to list',
    },
    repo: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$',
      description: 'owner/name; defaults to the configured repository',
    },
    state: {
      type: 'string',
      enum: ['open', 'closed', 'all'],
      description: 'Issues and pull requests: which state (default open)',
    },
    limit: { type: 'integer', minimum: 1, maximum: 30, description: 'How many to show (default 10)' },
  },
  required: ['action'],
  additionalProperties: false,
};

interface GhUser {
  login?: string;
}
interface GhIssue {
  number: number;
  title: string;
  user?: GhUser;
  updated_at?: string;
  pull_request?: unknown;
  head?: { ref?: string };
  base?: { ref?: string };
}
interface GhCommit {
  sha: string;
  commit: { message: string; author?: { name?: string; date?: string } };
  author?: GhUser | null;
}

const day = (iso?: string) => (iso ? iso.slice(0, 10) : '?');

/** GitHub's error body: `{ message, documentation_url }`. */
interface GhError {
  message?: string;
}

function explain(status: number, body: unknown, repo: string, hasToken: boolean): string {
  const message = typeof body === 'object' ? (body as GhError | null)?.message : undefined;
  const said = message ? ` (${message})` : '';
  if (status === 401) return `GitHub rejected the token${said}: check tools.github.token`;
  if (status === 404)
    return `repository ${repo} not found${hasToken ? ' or the token cannot see it' : ' (private repositories need tools.github.token)'}`;
  if (status === 403 || status === 429)
    return `GitHub refused the request${said}${hasToken ? '' : ': unauthenticated requests are rate limited, set tools.github.token'}`;
  return `GitHub answered HTTP ${status}${said}`;
}

export async function runGithub(input: GithubInput, ctx: ToolContext, signal?: AbortSignal): Promise<string> {
  const cfg = ctx.config.tools.github;
  const repo = input.repo ?? cfg.repo;
  if (!repo) throw new ToolError('no repository given and tools.github.repo is not set: pass repo as owner/name');
  const limit = input.limit ?? 10;
  const state = input.state ?? 'open';
  const path = { list_issues: 'issues', list_pull_requests: 'pulls', recent_commits: 'commits' }[input.action];
  const query =
    input.action === 'recent_commits'
      ? `per_page=${limit}`
      : `state=${state}&per_page=${input.action === 'list_issues' ? 100 : limit}`;
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'openclaw-gateway',
  };
  if (cfg.token) headers.authorization = `Bearer ${cfg.token}`;
  const url = `${cfg.baseUrl.replace(/\/+$/, '')}/repos/${repo}/${path}?${query}`;
  const res = await toolGet('GitHub', url, {
    headers,
    timeoutMs: ctx.config.tools.timeoutMs,
    signal,
    secrets: [cfg.token],
  });
  if (res.status !== 200 || !Array.isArray(res.body))
    throw new ToolError(explain(res.status, res.body, repo, !!cfg.token));

  if (input.action === 'recent_commits') {
    const commits = res.body as GhCommit[];
    if (!commits.length) return `No commits in ${repo}.`;
    const lines = commits.map(
      (c) =>
        `${c.sha.slice(0, 7)} ${c.commit.message.split('\n')[0]} (${c.author?.login ?? c.commit.author?.name ?? '?'}, ${day(c.commit.author?.date)})`,
    );
    return `${commits.length} recent commits in ${repo}:\n${lines.join('\n')}`;
  }
  const pulls = input.action === 'list_pull_requests';
  // The issues endpoint lists pull requests too; GitHub marks them with `pull_request`.
  const items = (res.body as GhIssue[]).filter((i) => pulls || !i.pull_request);
  const noun = pulls ? 'pull requests' : 'issues';
  const label = state === 'all' ? noun : `${state} ${noun}`;
  if (!items.length) return `No ${label} in ${repo}.`;
  const shown = items.slice(0, limit);
  const lines = shown.map(
    (i) =>
      `#${i.number} ${i.title} (by ${i.user?.login ?? '?'}${pulls && i.head?.ref ? `, ${i.head.ref} → ${i.base?.ref}` : ''}, updated ${day(i.updated_at)})`,
  );
  const more = items.length > shown.length ? `, showing ${shown.length}` : '';
  return `${items.length} ${items.length === 1 ? label.replace(/s$/, '') : label} in ${repo}${more}:\n${lines.join('\n')}`;
}

export const githubTool = (ctx: ToolContext): ToolSpec<GithubInput> => ({
  description: 'Read a GitHub repository: list its issues, its pull requests, or its recent commits.',
  parameters: INPUT_SCHEMA,
  execute: (input, signal) => runGithub(input, ctx, signal),
});
