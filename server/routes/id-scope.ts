/**
 * Which workspace a route that takes only an id (GET /sessions/{id}, DELETE /schedules/{id}, …)
 * means. Client-chosen ids are per workspace, so the same id may name one session in `team-a` and
 * another in `team-b`. `?workspace=` says which; without it the id is looked up in the workspaces
 * the key covers, never in others (so nothing about other tenants' ids can be learnt):
 *   - found in one: that one;
 *   - in none: 404 (as for an id outside the key's workspaces);
 *   - in several: 400 `ambiguous_id` naming them (the key can see them all), asking for `?workspace=`.
 * A `?workspace=` outside the key is 403 `workspace_forbidden`, as for lists.
 */
import type { GatewayContext } from '../context';
import type { ApiKeyRecord } from '../store/keys';
import { requireWorkspace, visibleWorkspaces } from '../auth/permissions';
import { notFound, ApiError } from '../errors';

export async function workspaceOfId(
  ctx: Pick<GatewayContext, 'stores'>,
  key: ApiKeyRecord,
  what: 'session' | 'schedule',
  id: string,
  workspace: string | undefined,
  findIn: (id: string, workspaces: string[]) => Promise<string[]>,
): Promise<string> {
  if (workspace !== undefined) {
    requireWorkspace(key, workspace);
    return workspace;
  }
  const candidates = key.workspaces.includes('*')
    ? await ctx.stores.workspaces.ids()
    : visibleWorkspaces(key, key.workspaces);
  const found = await findIn(id, candidates);
  if (found.length === 1) return found[0];
  if (!found.length) throw notFound(what, id);
  throw new ApiError(
    'ambiguous_id',
    `${what} '${id}' exists in several workspaces this key covers (${found.sort().join(', ')}); say which with ?workspace=`,
    {},
    { field: 'workspace' },
  );
}
