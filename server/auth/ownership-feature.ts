/**
 * Deleting a workspace ends what belonged to it: its webhook subscriptions (sessions and
 * schedules are ended by their own features), so a workspace re-created with the same id
 * starts empty. Revoked and rotated keys are handled in the key store (store/ownership.ts).
 */
import type { Feature } from '../features';

export const ownershipFeature: Feature = {
  name: 'ownership',
  init(ctx) {
    ctx.onWorkspaceDeleted.push(async (workspace) => {
      const { deleted, narrowed } = await ctx.stores.webhooks.dropWorkspace(workspace);
      if (deleted || narrowed) ctx.log.info({ workspace, deleted, narrowed }, 'webhook subscriptions of a deleted workspace ended');
    });
  },
};
