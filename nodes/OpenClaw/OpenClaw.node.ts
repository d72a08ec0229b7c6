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
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Talk to an OpenClaw AI agent gateway: messages, sessions, workspaces and usage',
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
					{ name: 'Stat', value: 'stats' },
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
