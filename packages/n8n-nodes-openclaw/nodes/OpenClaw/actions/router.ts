/** Runs the chosen resource/operation for every input item, keeping paired items and honouring Continue On Fail. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { OperationExecute } from '../resources/common';
import { asNodeError } from '../transport';
import * as message from '../resources/message';
import * as session from '../resources/session';
import * as stats from '../resources/stats';
import * as workspace from '../resources/workspace';

const resources: Record<string, Record<string, OperationExecute>> = {
	message: message.operations,
	session: session.operations,
	workspace: workspace.operations,
	stats: stats.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const run = resources[resource]?.[operation];
			if (!run) {
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known for "${resource}"`, {
					itemIndex,
				});
			}
			const result = await run.call(this, itemIndex);
			returnData.push(
				...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(result), {
					itemData: { item: itemIndex },
				}),
			);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this.getNode(), error, itemIndex);
			const apiError = error instanceof NodeApiError ? error : undefined;
			const details = apiError ? { code: apiError.context.code ?? null, httpCode: apiError.httpCode } : {};
			returnData.push({
				json: { error: (error as Error).message, ...details, description: (error as NodeApiError).description ?? null },
				pairedItem: { item: itemIndex },
			});
		}
	}
	return [returnData];
}
