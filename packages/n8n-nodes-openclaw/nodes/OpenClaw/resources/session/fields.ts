import type { INodeProperties } from 'n8n-workflow';

export function sessionIdField(operation: string): INodeProperties {
	return {
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'sess_xyz789',
		displayOptions: { show: { resource: ['session'], operation: [operation] } },
	};
}
