import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { periodField, periodQuery } from './fields';

export const description: INodeProperties[] = [periodField('byWorkspace')];

/** GET /stats/workspaces: one totals row per workspace. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await openClawApiRequest.call(this, 'GET', '/stats/workspaces', {
		qs: periodQuery.call(this, itemIndex),
		itemIndex,
	});
}
