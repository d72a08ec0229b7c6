import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { openClawApiRequest } from '../../transport';
import { compact, toList } from '../common';

const displayOptions = { show: { resource: ['workspace'], operation: ['create'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Workspace ID',
		name: 'workspaceId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'new-team',
		displayOptions,
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Agent',
				name: 'agent',
				type: 'string',
				default: 'balanced',
				description: 'Agent preset of the workspace (configured in the gateway config; balanced is built in)',
			},
			{
				displayName: 'Label',
				name: 'label',
				type: 'string',
				default: '',
				placeholder: 'New Team',
			},
			{
				displayName: 'Skills',
				name: 'skills',
				type: 'string',
				default: '',
				placeholder: 'web-search, memory',
				description: 'Comma-separated tools the agent may use (github, web-search, memory)',
			},
		],
	},
];

/** POST /workspaces. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body = compact({
		id: this.getNodeParameter('workspaceId', itemIndex) as string,
		label: fields.label,
		agent: fields.agent,
	});
	if (fields.skills !== undefined) body.skills = toList(fields.skills);
	return await openClawApiRequest.call(this, 'POST', '/workspaces', { body, itemIndex });
}
