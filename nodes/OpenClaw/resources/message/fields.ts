/** Inputs shared by Send and Stream: the chapter's POST /messages body. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { compact, workspaceLocator, workspaceValue } from '../common';

export function messageInputs(operation: string): INodeProperties[] {
	const displayOptions = { show: { resource: ['message'], operation: [operation] } };
	return [
		workspaceLocator(displayOptions),
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: 'n8n',
			required: true,
			description: 'Who is talking to the agent; the session is kept per user and workspace',
			displayOptions,
		},
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: 'Summarize the latest GitHub activity for the main repo',
			description: 'What to ask the agent',
			displayOptions,
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions,
			options: [
				...(operation === 'send'
					? ([
							{
								displayName: 'Async',
								name: 'async',
								type: 'boolean',
								default: false,
								description:
									'Whether to return at once with the message ID and status (202) instead of waiting for the answer; fetch it later with Message > Get',
							},
							{
								displayName: 'Idempotency Key',
								name: 'idempotencyKey',
								type: 'string',
								default: '',
								description: 'The same key within 24 h returns the first answer instead of asking the agent again',
							},
						] as INodeProperties[])
					: []),
				{
					displayName: 'Language',
					name: 'language',
					type: 'string',
					default: '',
					placeholder: 'en',
					description: 'Answer language as a BCP 47 tag',
				},
				{
					displayName: 'Session ID',
					name: 'sessionId',
					type: 'string',
					default: '',
					placeholder: 'sess_xyz789',
					description: "Continue this session (created if new); empty uses the user's current session",
				},
				{
					displayName: 'Timezone',
					name: 'timezone',
					type: 'string',
					default: '',
					placeholder: 'America/New_York',
					description: "IANA time zone for the agent's idea of now",
				},
			],
		},
	];
}

export interface MessageRequest {
	body: IDataObject;
	idempotencyKey?: string;
}

export function messageRequest(this: IExecuteFunctions, itemIndex: number): MessageRequest {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const context = compact({ timezone: options.timezone, language: options.language });
	const body = compact({
		workspace: workspaceValue.call(this, itemIndex),
		userId: this.getNodeParameter('userId', itemIndex) as string,
		message: this.getNodeParameter('message', itemIndex) as string,
		sessionId: options.sessionId,
	});
	if (Object.keys(context).length) body.context = context;
	if (options.async === true) body.async = true;
	return { body, idempotencyKey: (options.idempotencyKey as string) || undefined };
}
