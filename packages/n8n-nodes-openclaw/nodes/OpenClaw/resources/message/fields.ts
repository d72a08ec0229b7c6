/** Inputs shared by Send and Stream: the POST /messages body. */
import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { compact, workspaceLocator, workspaceValue } from '../common';

/** What version-1 nodes saved without a User ID talk as (n8n does not store parameters left at their default). */
export const LEGACY_USER_ID = 'n8n';

const SESSIONS_HINT = 'The agent keeps one conversation per user ID and workspace: runs with the same ID continue it';

/** Every IANA time zone of the runtime n8n runs on, plus UTC, as a searchable list (no package needed). */
function timezoneOptions(): INodePropertyOptions[] {
	const zones = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
	return zones.map((zone) => ({ name: zone.replace(/_/g, ' '), value: zone }));
}

function userIdFields(displayOptions: { show: IDataObject }): INodeProperties[] {
	return [
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. standup-bot or {{ $json.email }}',
			description: 'Who is talking to the agent',
			hint: SESSIONS_HINT,
			// Version 1.1 dropped the literal default "n8n"; version-1 nodes keep it (see LEGACY_USER_ID).
			displayOptions: { show: { ...displayOptions.show, '@version': [{ _cnd: { gte: 1.1 } }] } },
		},
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: LEGACY_USER_ID,
			required: true,
			description: 'Who is talking to the agent',
			hint: SESSIONS_HINT,
			displayOptions: { show: { ...displayOptions.show, '@version': [1] } },
		},
	];
}

export function messageInputs(operation: string): INodeProperties[] {
	const displayOptions = { show: { resource: ['message'], operation: [operation] } };
	return [
		workspaceLocator(displayOptions),
		...userIdFields(displayOptions),
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: 'e.g. Summarize the latest GitHub activity for the main repo',
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
									'Whether to continue right away, without waiting for the answer. The output then holds the message ID and its status; get the answer later with the Get a Message action.',
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
					placeholder: 'e.g. en',
					description: 'Answer language as a BCP 47 tag',
				},
				{
					displayName: 'Session ID',
					name: 'sessionId',
					type: 'string',
					default: '',
					placeholder: 'e.g. sess_xyz789',
					description: "Continue this session (created if new); empty uses the user's current session",
				},
				{
					displayName: 'Timezone',
					name: 'timezone',
					type: 'options',
					options: timezoneOptions(),
					default: 'UTC',
					description: "The time zone of the agent's idea of now",
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
