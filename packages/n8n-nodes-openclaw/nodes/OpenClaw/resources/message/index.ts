import type { INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../common';
import * as get from './get';
import * as send from './send';
import * as stream from './stream';

export const operations: Record<string, OperationExecute> = {
	send: send.execute,
	stream: stream.execute,
	get: get.execute,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status and result of an async message',
				action: 'Get a message',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a message to the agent and wait for the answer',
				action: 'Send a message',
			},
			{
				name: 'Stream',
				value: 'stream',
				description: 'Send a message and pass the answer on token by token to a streaming Webhook or Chat Trigger',
				action: 'Stream a message',
			},
		],
		default: 'send',
	},
	...send.description,
	...stream.description,
	...get.description,
];
