import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { workspaceValue } from '../common';
import { workspaceField } from './fields';

export const description: INodeProperties[] = [workspaceField('delete')];

/** DELETE /workspaces/{id} (its sessions go with it). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = workspaceValue.call(this, itemIndex);
	await openClawApiRequest.call(this, 'DELETE', `/workspaces/${encodeURIComponent(id)}`, { itemIndex });
	return { deleted: true, id };
}
