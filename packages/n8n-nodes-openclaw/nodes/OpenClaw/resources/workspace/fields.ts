import { workspaceLocator } from '../common';

export const workspaceField = (operation: string) =>
	workspaceLocator({ show: { resource: ['workspace'], operation: [operation] } });
