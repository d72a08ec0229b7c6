import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

export function periodField(operation: string): INodeProperties {
	return {
		displayName: 'Period',
		name: 'period',
		type: 'collection',
		placeholder: 'Add Date',
		default: {},
		description: 'Date range (UTC days); the gateway defaults to the last 30 days',
		displayOptions: { show: { resource: ['stats'], operation: [operation] } },
		options: [
			{ displayName: 'From', name: 'from', type: 'dateTime', default: '', description: 'First day' },
			{ displayName: 'To', name: 'to', type: 'dateTime', default: '', description: 'Last day' },
		],
	};
}

/** The period as the gateway's `from`/`to` query (YYYY-MM-DD). */
export function periodQuery(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const period = this.getNodeParameter('period', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	for (const key of ['from', 'to']) {
		if (period[key]) qs[key] = String(period[key]).slice(0, 10);
	}
	return qs;
}
