import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { workspaceLocator, workspaceValue } from '../common';

export const description: INodeProperties[] = [
	workspaceLocator({ show: { resource: ['session'], operation: ['deleteAll'] } }),
];

/** DELETE /sessions?workspace=…: clears every session of the workspace. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const workspace = workspaceValue.call(this, itemIndex);
	const body = await openClawApiRequest.call(this, 'DELETE', '/sessions', { qs: { workspace }, itemIndex });
	return { deleted: true, workspace, ...body };
}
