import type { INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../common';
import * as byUser from './byUser';
import * as byWorkspace from './byWorkspace';
import * as get from './get';

export const operations: Record<string, OperationExecute> = {
	get: get.execute,
	byWorkspace: byWorkspace.execute,
	byUser: byUser.execute,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['stats'] } },
		options: [
			{
				name: 'By User',
				value: 'byUser',
				description: 'Top users of a workspace',
				action: 'Get usage by user',
			},
			{
				name: 'By Workspace',
				value: 'byWorkspace',
				description: 'Totals per workspace',
				action: 'Get usage by workspace',
			},
			{ name: 'Get', value: 'get', description: 'Totals and a row per day', action: 'Get usage stats' },
		],
		default: 'get',
	},
	...get.description,
	...byWorkspace.description,
	...byUser.description,
];
