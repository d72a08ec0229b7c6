import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { sessionIdField } from './fields';

export const description: INodeProperties[] = [sessionIdField('delete')];

/** DELETE /sessions/{id}. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const sessionId = this.getNodeParameter('sessionId', itemIndex) as string;
	const body = await openClawApiRequest.call(this, 'DELETE', `/sessions/${encodeURIComponent(sessionId)}`, { itemIndex });
	return { deleted: true, id: sessionId, ...body };
}
