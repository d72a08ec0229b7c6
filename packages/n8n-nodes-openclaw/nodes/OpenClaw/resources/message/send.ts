import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { messageInputs, messageRequest } from './fields';

export const description: INodeProperties[] = messageInputs('send');

/** POST /messages → the contract's response object (or 202 {messageId, sessionId, status} when async). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { body, idempotencyKey } = messageRequest.call(this, itemIndex);
	return await openClawApiRequest.call(this, 'POST', '/messages', {
		body,
		headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
		itemIndex,
	});
}
