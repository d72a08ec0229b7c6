import type { INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../common';
import * as del from './delete';
import * as deleteAll from './deleteAll';
import * as get from './get';
import * as getAll from './getAll';
import * as getHistory from './getHistory';

export const operations: Record<string, OperationExecute> = {
	get: get.execute,
	getAll: getAll.execute,
	getHistory: getHistory.execute,
	delete: del.execute,
	deleteAll: deleteAll.execute,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'] } },
		options: [
			{ name: 'Delete', value: 'delete', description: 'Clear a session', action: 'Delete a session' },
			{
				name: 'Delete All in Workspace',
				value: 'deleteAll',
				description: 'Clear every session of a workspace',
				action: 'Delete all sessions in a workspace',
			},
			{ name: 'Get', value: 'get', description: 'Get a session', action: 'Get a session' },
			{
				name: 'Get History',
				value: 'getHistory',
				description: "Get a session's message history",
				action: 'Get the history of a session',
			},
			{ name: 'Get Many', value: 'getAll', description: 'List sessions', action: 'Get many sessions' },
		],
		default: 'get',
	},
	...get.description,
	...getAll.description,
	...getHistory.description,
	...del.description,
	...deleteAll.description,
];
