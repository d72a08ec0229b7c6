import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { router } from './actions/router';
import { searchWorkspaces } from './methods/listSearch';
import * as message from './resources/message';
import * as session from './resources/session';
import * as stats from './resources/stats';
import * as workspace from './resources/workspace';

export class OpenClaw implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenClaw',
		name: 'openClaw',
		icon: { light: 'file:openclaw.svg', dark: 'file:openclaw.dark.svg' },
		group: ['transform'],
		// 1.1: User ID has no default any more (version-1 nodes keep "n8n", see message/fields.ts).
		version: [1, 1.1],
		defaultVersion: 1.1,
		// The stored resource value stays "stats" (saved workflows use it); users see "Usage".
		subtitle: '={{$parameter["operation"] + ": " + ($parameter["resource"] === "stats" ? "usage" : $parameter["resource"])}}',
		description: 'Consume the OpenClaw API',
		defaults: { name: 'OpenClaw' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'openClawApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Message', value: 'message' },
					{ name: 'Session', value: 'session' },
					{ name: 'Usage', value: 'stats' },
					{ name: 'Workspace', value: 'workspace' },
				],
				default: 'message',
			},
			...message.description,
			...session.description,
			...workspace.description,
			...stats.description,
		],
	};

	methods = { listSearch: { searchWorkspaces } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
