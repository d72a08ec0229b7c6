import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { paginate } from '../../transport/paginate';
import { returnAllFields } from '../common';
import { sessionIdField } from './fields';

export const description: INodeProperties[] = [
	sessionIdField('getHistory'),
	...returnAllFields('session', 'getHistory'),
];

/** GET /sessions/{id}/history, one item per message (role, content, createdAt, tokens, tools), oldest first. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const sessionId = this.getNodeParameter('sessionId', itemIndex) as string;
	const path = `/sessions/${encodeURIComponent(sessionId)}/history`;
	return await paginate.call(this, path, {}, itemIndex, 'messages', true);
}
