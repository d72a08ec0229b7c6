/** Fields and helpers several resources share. */
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

export function workspaceLocator(displayOptions: IDisplayOptions, required = true): INodeProperties {
	return {
		displayName: 'Workspace',
		name: 'workspace',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		description: 'The OpenClaw workspace (its agent, skills and allowlist)',
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchWorkspaces', searchable: true },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: 'team',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', errorMessage: 'Not a valid workspace ID' },
					},
				],
			},
		],
	};
}

export function workspaceValue(this: IExecuteFunctions, itemIndex: number): string {
	return this.getNodeParameter('workspace', itemIndex, '', { extractValue: true }) as string;
}

/** `a, b` or an expression giving an array → a clean list of strings. */
export function toList(value: unknown): string[] {
	const items = Array.isArray(value) ? value : String(value ?? '').split(',');
	return items.map((v) => String(v).trim()).filter((v) => v.length > 0);
}

/** The array inside a list answer (`{data: [...]}` and friends). */
export function listOf(body: IDataObject, ...keys: string[]): IDataObject[] {
	for (const key of [...keys, 'data']) {
		const value = body[key];
		if (Array.isArray(value)) return value as IDataObject[];
	}
	return Array.isArray(body) ? (body as IDataObject[]) : [];
}

/** Drops empty optional values so they are not sent to the gateway. */
export function compact(values: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(values)) {
		if (value === undefined || value === null || value === '') continue;
		out[key] = value;
	}
	return out;
}

export type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject | IDataObject[]>;

/** "Return All" and "Limit", the n8n pair for list operations. */
export function returnAllFields(resource: string, operation: string): INodeProperties[] {
	const show = { resource: [resource], operation: [operation] };
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}
