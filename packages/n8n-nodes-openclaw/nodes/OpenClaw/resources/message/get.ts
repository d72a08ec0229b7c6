import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'msg_abc123',
		description: 'The ID an async send returned',
		displayOptions: { show: { resource: ['message'], operation: ['get'] } },
	},
];

/** GET /messages/{id}: status (queued|running|done|error) and, when done, the full answer. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const messageId = this.getNodeParameter('messageId', itemIndex) as string;
	return await openClawApiRequest.call(this, 'GET', `/messages/${encodeURIComponent(messageId)}`, { itemIndex });
}
