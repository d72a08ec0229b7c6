import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { toList, workspaceValue } from '../common';
import { workspaceField } from './fields';

const displayOptions = { show: { resource: ['workspace'], operation: ['updateAllowlist'] } };

export const description: INodeProperties[] = [
	workspaceField('updateAllowlist'),
	{
		displayName: 'Add',
		name: 'add',
		type: 'string',
		default: '',
		placeholder: 'telegram:123456789',
		description: 'Comma-separated entries of the form channel:ID to allow',
		displayOptions,
	},
	{
		displayName: 'Remove',
		name: 'remove',
		type: 'string',
		default: '',
		placeholder: 'telegram:987654321',
		description: 'Comma-separated entries of the form channel:ID to remove',
		displayOptions,
	},
];

/** PATCH /workspaces/{id}/allowlist → {id, allowlist}. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = workspaceValue.call(this, itemIndex);
	const body: IDataObject = {
		add: toList(this.getNodeParameter('add', itemIndex, '')),
		remove: toList(this.getNodeParameter('remove', itemIndex, '')),
	};
	return await openClawApiRequest.call(this, 'PATCH', `/workspaces/${encodeURIComponent(id)}/allowlist`, {
		body,
		itemIndex,
	});
}
