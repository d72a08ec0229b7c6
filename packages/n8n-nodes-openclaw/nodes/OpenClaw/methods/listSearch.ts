import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { openClawApiRequest } from '../transport';
import { listOf } from '../resources/common';

/** Workspaces the credential's key can see (GET /workspaces), filtered by what the user typed. */
export async function searchWorkspaces(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const body = await openClawApiRequest.call(this, 'GET', '/workspaces');
	const needle = (filter ?? '').toLowerCase();
	const results = listOf(body, 'workspaces')
		.map((ws) => ({ id: String(ws.id), label: String(ws.label ?? ws.id) }))
		.filter((ws) => !needle || ws.id.toLowerCase().includes(needle) || ws.label.toLowerCase().includes(needle))
		.map((ws) => ({ name: ws.label === ws.id ? ws.id : `${ws.label} (${ws.id})`, value: ws.id }));
	return { results };
}
