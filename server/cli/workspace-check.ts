/**
 * `api-key create --workspaces a,b`: a key scoped to workspaces that do not exist cannot use any
 * of them (404) nor `default` (403), so unknown ones are named on stderr, or created with
 * `--create-workspaces` (the balanced agent, like `POST /workspaces` with only an id).
 */
import type Redis from 'ioredis';
import { WorkspaceStore } from '../store/workspaces';

export async function checkWorkspaces(
  redis: Redis,
  workspaces: string[],
  create: boolean,
  warn: (line: string) => void,
): Promise<void> {
  const store = new WorkspaceStore(redis);
  for (const id of workspaces.filter((w) => w !== '*')) {
    if (await store.exists(id)) continue;
    if (create) {
      await store.create({ id, label: id, agent: 'balanced', skills: [], allowlist: [] }, 'api');
      warn(`created workspace '${id}'`);
    } else {
      warn(
        `warning: workspace '${id}' does not exist; the key cannot use it until it is created (add --create-workspaces, or POST /api/v1/workspaces)`,
      );
    }
  }
}
