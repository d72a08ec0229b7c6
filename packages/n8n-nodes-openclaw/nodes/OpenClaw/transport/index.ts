/**
 * The one way this pack talks to the gateway: every request goes through n8n's
 * httpRequestWithAuthentication (so the credential's Bearer header is applied by n8n) and every
 * non-2xx answer becomes a NodeApiError carrying the gateway's `{error:{code,message}}`.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IN8nHttpFullResponse,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type OpenClawContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

export const CREDENTIAL_TYPE = 'openClawApi';
const API_PREFIX = '/api/v1';

export interface RequestOptions {
	body?: IDataObject;
	qs?: IDataObject;
	/** Answer the raw body as a stream (SSE). Error answers are still read and parsed. */
	stream?: boolean;
	headers?: Record<string, string>;
	itemIndex?: number;
}

export async function apiBaseUrl(this: OpenClawContext): Promise<string> {
	const credentials = await this.getCredentials<{ baseUrl: string }>(CREDENTIAL_TYPE);
	return `${String(credentials.baseUrl).replace(/\/+$/, '')}${API_PREFIX}`;
}

/** Sends one request and returns the full response; throws NodeApiError for any non-2xx. */
export async function openClawRequest(
	this: OpenClawContext,
	method: IHttpRequestMethods,
	path: string,
	options: RequestOptions = {},
): Promise<IN8nHttpFullResponse> {
	const request: IHttpRequestOptions = {
		method,
		url: `${await apiBaseUrl.call(this)}${path}`,
		qs: options.qs,
		body: options.body,
		json: !options.stream,
		encoding: options.stream ? 'stream' : undefined,
		headers: {
			...(options.stream ? { Accept: 'text/event-stream', 'Content-Type': 'application/json' } : {}),
			...(options.headers ?? {}),
		},
		returnFullResponse: true,
		// Statuses are handled here so the gateway's error code reaches the user (and n8n does
		// not replay a 401 as if a token had expired).
		ignoreHttpStatusErrors: true,
	};
	if (options.stream && options.body) request.body = JSON.stringify(options.body);
	const response = (await this.helpers.httpRequestWithAuthentication.call(
		this,
		CREDENTIAL_TYPE,
		request,
	)) as IN8nHttpFullResponse;
	if (response.statusCode >= 200 && response.statusCode < 300) return response;
	const body = options.stream ? await readErrorStream(response.body) : response.body;
	throw gatewayError(this.getNode(), response.statusCode, response.headers, body, options.itemIndex);
}

/** JSON body of a request (undefined for 204). */
export async function openClawApiRequest(
	this: OpenClawContext,
	method: IHttpRequestMethods,
	path: string,
	options: RequestOptions = {},
): Promise<IDataObject> {
	const response = await openClawRequest.call(this, method, path, options);
	return (response.body ?? {}) as IDataObject;
}

async function readErrorStream(body: unknown): Promise<unknown> {
	if (!body || typeof (body as AsyncIterable<Buffer>)[Symbol.asyncIterator] !== 'function') return body;
	let text = '';
	for await (const chunk of body as AsyncIterable<Buffer | string>) text += chunk.toString();
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

type Headers = IN8nHttpFullResponse['headers'];

function header(headers: Headers, name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

/** What a user can do about an error, for the statuses where the gateway's message alone is not enough. */
export function errorHint(status: number, headers: Headers): string | undefined {
	if (status === 401) {
		return 'The API key was refused: check the key in the OpenClaw API credential (it may be revoked or mistyped).';
	}
	if (status === 403) {
		return "The API key is valid but may not do this: it lacks the permission or the workspace is outside the key's scope. Use a key created with the needed permissions and --workspaces.";
	}
	if (status === 429) {
		const reset = Number(header(headers, 'x-ratelimit-reset'));
		const retryAfter = header(headers, 'retry-after');
		const when = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : undefined;
		const wait = retryAfter ? ` (in ${retryAfter} s)` : '';
		const resets = when ? `; it resets at ${when}${wait}` : wait ? `; retry${wait}` : '';
		return `Rate limit of the API key reached${resets}. Space the requests out (e.g. Loop Over Items with a Wait) or raise the key's rateLimit.`;
	}
	return undefined;
}

/** The gateway's message as a plain sentence for the error title ("workspace 'x' not found" → "Workspace 'x' not found"). */
function sentence(message: string): string {
	const text = message.trim();
	return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/**
 * The gateway's `{error:{code,message}}` as n8n shows errors: a plain sentence as the title, and
 * the status and code (after a hint for the usual causes) in the description. The code is also
 * kept in the error's context, where Continue On Fail items carry it on.
 */
export function gatewayError(
	node: INode,
	status: number,
	headers: Headers,
	body: unknown,
	itemIndex?: number,
): NodeApiError {
	const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
	const code = error?.code ?? `http_${status}`;
	const message = error?.message ?? (typeof body === 'string' && body ? body : `The OpenClaw gateway answered HTTP ${status}`);
	const hint = errorHint(status, headers);
	const answered = `The gateway answered HTTP ${status} with error code ${code}.`;
	const response: JsonObject = { status, code, message };
	const apiError = new NodeApiError(node, response, {
		message: sentence(message),
		description: hint ? `${hint} ${answered}` : answered,
		httpCode: String(status),
		itemIndex,
	});
	apiError.context.code = code;
	return apiError;
}

/** An error caught around node code, as the n8n error it should surface as (n8n errors pass unchanged). */
export function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
