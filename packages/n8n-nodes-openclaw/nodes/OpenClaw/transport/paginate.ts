/**
 * Walks a limit/offset list endpoint page by page ("Return All") or up to a limit. With
 * `newestFirstPages` (session history: offset counts back from the newest, each page is
 * chronological) later pages are older and go in front, so the result stays chronological.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { listOf } from '../resources/common';
import { openClawApiRequest } from './index';

const PAGE_SIZE = 100;

export async function paginate(
	this: IExecuteFunctions,
	path: string,
	qs: IDataObject,
	itemIndex: number,
	listKey: string,
	newestFirstPages = false,
): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const results: IDataObject[] = [];
	let offset = 0;
	while (results.length < limit) {
		const pageSize = Math.min(PAGE_SIZE, limit - results.length);
		const body = await openClawApiRequest.call(this, 'GET', path, {
			qs: { ...qs, limit: pageSize, offset },
			itemIndex,
		});
		const page = listOf(body, listKey);
		if (newestFirstPages) results.unshift(...page);
		else results.push(...page);
		offset += page.length;
		const total = typeof body.total === 'number' ? body.total : undefined;
		if (page.length < pageSize || (total !== undefined && offset >= total)) break;
	}
	return results;
}
