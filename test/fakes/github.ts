/**
 * A fake GitHub REST API (the few endpoints the github tool calls), served both at the root
 * (like api.github.com) and under /api/v3 (like GitHub Enterprise Server):
 *   GET /repos/{owner}/{repo}/issues?state&per_page   issues AND pull requests (PRs carry `pull_request`)
 *   GET /repos/{owner}/{repo}/pulls?state&per_page
 *   GET /repos/{owner}/{repo}/commits?per_page
 * With `token` set, requests need `Authorization: Bearer <token>` (or `token <token>`), else
 * 401 {"message":"Bad credentials"}. Unknown repos → 404 {"message":"Not Found"}. Requests for
 * the repo `acme/hang` never get an answer (tool timeouts).
 *
 *   const gh = await startFakeGitHub({ token: 'ghp_test' });   // gh.url, gh.requests, gh.close()
 */
import { startFakeServer, sendJson, type FakeServer } from './http';

export interface FakeRepo {
  issues: Array<{
    number: number;
    title: string;
    state: 'open' | 'closed';
    user: string;
    updated_at: string;
    pull_request?: boolean;
  }>;
  pulls: Array<{
    number: number;
    title: string;
    state: 'open' | 'closed';
    user: string;
    head: string;
    base: string;
    updated_at: string;
  }>;
  commits: Array<{ sha: string; message: string; author: string; date: string }>;
}

/** acme/app: 3 open issues (plus 1 PR in the issues list, as GitHub does), 1 open PR, 3 commits. */
export const ACME_APP: FakeRepo = {
  issues: [
    { number: 12, title: 'Login fails with SSO', state: 'open', user: 'alice', updated_at: '2026-04-29T10:00:00Z' },
    { number: 11, title: 'Add dark mode', state: 'open', user: 'bob', updated_at: '2026-04-28T09:00:00Z' },
    {
      number: 10,
      title: 'Add SSE streaming',
      state: 'open',
      user: 'carol',
      updated_at: '2026-04-27T08:00:00Z',
      pull_request: true,
    },
    { number: 9, title: 'Crash on empty config', state: 'open', user: 'dave', updated_at: '2026-04-26T07:00:00Z' },
    { number: 3, title: 'Old bug', state: 'closed', user: 'erin', updated_at: '2026-01-01T00:00:00Z' },
  ],
  pulls: [
    {
      number: 10,
      title: 'Add SSE streaming',
      state: 'open',
      user: 'carol',
      head: 'feature/sse',
      base: 'main',
      updated_at: '2026-04-27T08:00:00Z',
    },
  ],
  commits: [
    {
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      message: 'Fix session ordering\n\nLonger body.',
      author: 'alice',
      date: '2026-04-29T12:00:00Z',
    },
    {
      sha: 'b2c3d4e5f60718293a4b5c6d7e8f901234567890',
      message: 'Add webhooks retry',
      author: 'bob',
      date: '2026-04-28T12:00:00Z',
    },
    {
      sha: 'c3d4e5f60718293a4b5c6d7e8f90123456789012',
      message: 'Initial commit',
      author: 'carol',
      date: '2026-04-27T12:00:00Z',
    },
  ],
};

export async function startFakeGitHub(
  opts: { token?: string; repos?: Record<string, FakeRepo> } = {},
): Promise<FakeServer> {
  const repos = opts.repos ?? { 'acme/app': ACME_APP };
  return startFakeServer((req, res) => {
    if (opts.token) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${opts.token}` && auth !== `token ${opts.token}`) {
        return sendJson(res, 401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        });
      }
    }
    const m = /^(?:\/api\/v3)?\/repos\/([^/]+)\/([^/]+)\/(issues|pulls|commits)$/.exec(req.path);
    if (req.method !== 'GET' || !m) return sendJson(res, 404, { message: 'Not Found', status: '404' });
    const name = `${m[1]}/${m[2]}`;
    if (name === 'acme/hang') return; // never answers
    const repo = repos[name];
    if (!repo)
      return sendJson(res, 404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
        status: '404',
      });
    const state = req.query.get('state') ?? 'open';
    const perPage = Number(req.query.get('per_page') ?? 30);
    const byState = <T extends { state: string }>(list: T[]) =>
      list.filter((x) => state === 'all' || x.state === state).slice(0, perPage);
    const owner = (login: string) => ({ login, id: 1, type: 'User' });
    const html = (kind: string, n: number) => `https://github.com/${name}/${kind}/${n}`;
    if (m[3] === 'issues') {
      return sendJson(
        res,
        200,
        byState(repo.issues).map((i) => ({
          number: i.number,
          title: i.title,
          state: i.state,
          user: owner(i.user),
          updated_at: i.updated_at,
          html_url: html(i.pull_request ? 'pull' : 'issues', i.number),
          comments: 0,
          ...(i.pull_request
            ? { pull_request: { url: `https://api.github.com/repos/${name}/pulls/${i.number}` } }
            : {}),
        })),
      );
    }
    if (m[3] === 'pulls') {
      return sendJson(
        res,
        200,
        byState(repo.pulls).map((p) => ({
          number: p.number,
          title: p.title,
          state: p.state,
          user: owner(p.user),
          updated_at: p.updated_at,
          html_url: html('pull', p.number),
          draft: false,
          head: { ref: p.head },
          base: { ref: p.base },
        })),
      );
    }
    return sendJson(
      res,
      200,
      repo.commits.slice(0, perPage).map((c) => ({
        sha: c.sha,
        html_url: `https://github.com/${name}/commit/${c.sha}`,
        author: owner(c.author),
        commit: { message: c.message, author: { name: c.author, email: `${c.author}@example.com`, date: c.date } },
      })),
    );
  });
}
