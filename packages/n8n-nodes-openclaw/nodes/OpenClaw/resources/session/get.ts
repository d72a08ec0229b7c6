import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { sessionIdField } from './fields';

export const description: INodeProperties[] = [sessionIdField('get')];

/** GET /sessions/{id}: the contract's session object. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const sessionId = this.getNodeParameter('sessionId', itemIndex) as string;
	return await openClawApiRequest.call(this, 'GET', `/sessions/${encodeURIComponent(sessionId)}`, { itemIndex });
}
