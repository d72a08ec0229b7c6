import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { workspaceValue } from '../common';
import { workspaceField } from './fields';

export const description: INodeProperties[] = [workspaceField('get')];

/** GET /workspaces/{id}. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = workspaceValue.call(this, itemIndex);
	return await openClawApiRequest.call(this, 'GET', `/workspaces/${encodeURIComponent(id)}`, { itemIndex });
}
