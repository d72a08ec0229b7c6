/**
 * Deleting a workspace ends what belonged to it: its webhook subscriptions, and its place in
 * API keys' scopes (sessions and schedules are ended by their own features), so a workspace
 * re-created with the same id starts empty and closed to the old tenant. Revoked and rotated
 * keys are handled in the key store (store/ownership.ts).
 */
import type { Feature } from '../context';

export const ownershipFeature: Feature = {
  name: 'ownership',
  init(ctx) {
    ctx.onWorkspaceDeleted.push(async (workspace) => {
      const { deleted, narrowed } = await ctx.stores.webhooks.dropWorkspace(workspace);
      if (deleted || narrowed)
        ctx.log.info({ workspace, deleted, narrowed }, 'webhook subscriptions of a deleted workspace ended');
      const keys = await ctx.stores.keys.dropWorkspace(workspace);
      if (keys.narrowed || keys.revoked)
        ctx.log.info({ workspace, ...keys }, 'API keys lost a deleted workspace from their scope');
    });
  },
};
