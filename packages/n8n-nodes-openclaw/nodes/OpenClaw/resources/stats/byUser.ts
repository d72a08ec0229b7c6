import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { workspaceLocator, workspaceValue } from '../common';
import { periodField, periodQuery } from './fields';

const displayOptions = { show: { resource: ['stats'], operation: ['byUser'] } };

export const description: INodeProperties[] = [
	workspaceLocator(displayOptions),
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions,
	},
	periodField('byUser'),
];

/** GET /stats/users?workspace=…&limit=…: top users of a workspace. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const qs = {
		workspace: workspaceValue.call(this, itemIndex),
		limit: this.getNodeParameter('limit', itemIndex, 50) as number,
		...periodQuery.call(this, itemIndex),
	};
	return await openClawApiRequest.call(this, 'GET', '/stats/users', { qs, itemIndex });
}
