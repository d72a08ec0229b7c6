import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { paginate } from '../../transport/paginate';
import { compact, returnAllFields } from '../common';

const displayOptions = { show: { resource: ['session'], operation: ['getAll'] } };

export const description: INodeProperties[] = [
	...returnAllFields('session', 'getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'User ID',
				name: 'userId',
				type: 'string',
				default: '',
				description: "Only this user's sessions",
			},
			{
				displayName: 'Workspace ID',
				name: 'workspace',
				type: 'string',
				default: '',
				placeholder: 'team',
				description: 'Only sessions of this workspace',
			},
		],
	},
];

/** GET /sessions with filters, one item per session. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	return await paginate.call(this, '/sessions', compact(filters), itemIndex, 'sessions');
}
