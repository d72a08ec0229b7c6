import type { INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../common';
import * as create from './create';
import * as del from './delete';
import * as get from './get';
import * as getAll from './getAll';
import * as updateAllowlist from './updateAllowlist';

export const operations: Record<string, OperationExecute> = {
	create: create.execute,
	delete: del.execute,
	get: get.execute,
	getAll: getAll.execute,
	updateAllowlist: updateAllowlist.execute,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['workspace'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a workspace', action: 'Create a workspace' },
			{ name: 'Delete', value: 'delete', description: 'Delete a workspace', action: 'Delete a workspace' },
			{ name: 'Get', value: 'get', description: 'Get a workspace', action: 'Get a workspace' },
			{ name: 'Get Many', value: 'getAll', description: 'List workspaces', action: 'Get many workspaces' },
			{
				name: 'Update Allowlist',
				value: 'updateAllowlist',
				description: "Add or remove entries of a workspace's allowlist",
				action: 'Update the allowlist of a workspace',
			},
		],
		default: 'get',
	},
	...create.description,
	...get.description,
	...getAll.description,
	...updateAllowlist.description,
	...del.description,
];
