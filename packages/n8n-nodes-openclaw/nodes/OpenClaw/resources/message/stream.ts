import type { IExecuteFunctions, IDataObject, INodeProperties } from 'n8n-workflow';
import { gatewayError, openClawRequest } from '../../transport';
import { messageInputs, messageRequest } from './fields';
import { sseEvents } from './sse';

export const description: INodeProperties[] = [
	{
		displayName:
			'Tokens reach the caller as they arrive only when a Webhook or Chat Trigger set to respond with Streaming starts the workflow. In any other run this works like Send. Either way the output holds the whole answer.',
		name: 'streamingNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['message'], operation: ['stream'] } },
	},
	...messageInputs('stream'),
];

/**
 * POST /messages/stream. Tokens are forwarded with sendChunk as they arrive when the workflow
 * streams its response (Webhook or Chat trigger in streaming mode); the item always carries the
 * whole answer, the tool events and timing.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { body } = messageRequest.call(this, itemIndex);
	const startedAt = Date.now();
	const response = await openClawRequest.call(this, 'POST', '/messages/stream', { body, stream: true, itemIndex });
	const streaming = this.isStreaming();
	if (streaming) await this.sendChunk('begin', itemIndex);

	let answer = '';
	let firstTokenMs: number | undefined;
	const toolEvents: IDataObject[] = [];
	let done: IDataObject | undefined;
	for await (const event of sseEvents(response.body as AsyncIterable<Buffer>)) {
		if (event.type === 'token') {
			const content = String(event.content ?? '');
			firstTokenMs ??= Date.now() - startedAt;
			answer += content;
			if (streaming) await this.sendChunk('item', itemIndex, content);
		} else if (event.type === 'tool_use' || event.type === 'tool_result') {
			toolEvents.push(event);
		} else if (event.type === 'restart') {
			// The gateway's worker died and another starts the answer again: drop the partial one.
			answer = '';
			toolEvents.length = 0;
		} else if (event.type === 'done') {
			done = event;
		} else if (event.type === 'error') {
			if (streaming) await this.sendChunk('error', itemIndex, String(event.message ?? ''));
			throw gatewayError(this.getNode(), 502, {}, { error: event }, itemIndex);
		}
	}
	if (streaming) await this.sendChunk('end', itemIndex);
	if (!done) {
		throw gatewayError(
			this.getNode(),
			502,
			{},
			{ error: { code: 'stream_incomplete', message: 'the stream ended before its done event' } },
			itemIndex,
		);
	}
	// The output is the done event's fields without its `type` (the SSE event name).
	const result: IDataObject = { ...done };
	delete result.type;
	return {
		...result,
		response: answer,
		toolEvents,
		timing: { firstTokenMs: firstTokenMs ?? null, totalMs: Date.now() - startedAt },
	};
}
