import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { listOf, returnAllFields } from '../common';

export const description: INodeProperties[] = returnAllFields('workspace', 'getAll');

/** GET /workspaces (the ones the key can see), one item per workspace. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const body = await openClawApiRequest.call(this, 'GET', '/workspaces', { itemIndex });
	const workspaces = listOf(body, 'workspaces');
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return returnAll ? workspaces : workspaces.slice(0, this.getNodeParameter('limit', itemIndex, 50) as number);
}
