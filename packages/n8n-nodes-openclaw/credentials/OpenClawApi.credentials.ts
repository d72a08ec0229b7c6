import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** Base URL + API key of an OpenClaw gateway; every request carries `Authorization: Bearer <key>`. */
export class OpenClawApi implements ICredentialType {
	name = 'openClawApi';

	displayName = 'OpenClaw API';

	icon: Icon = {
		light: 'file:../nodes/OpenClaw/openclaw.svg',
		dark: 'file:../nodes/OpenClaw/openclaw.dark.svg',
	};

	documentationUrl = 'https://github.com/openclaw/openclaw-gateway/blob/main/docs/n8n.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:3000',
			placeholder: 'http://localhost:3000',
			description: 'Where the OpenClaw gateway listens, without the /api/v1 prefix',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'A key created with `openclaw api-key create` (oclaw_live_…)',
			required: true,
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// Health needs a valid key, so a wrong key or URL fails here before any workflow runs.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/health',
		},
	};
}
