/** Reads a Server-Sent Events body chunk by chunk and yields each event's parsed `data:` JSON. */
import type { IDataObject } from 'n8n-workflow';

export async function* sseEvents(body: AsyncIterable<Buffer | string>): AsyncGenerator<IDataObject> {
	const decoder = new TextDecoder();
	let buffer = '';
	let data: string[] = [];
	for await (const chunk of body) {
		buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		const lines = buffer.split(/\r?\n/);
		buffer = lines.pop() ?? '';
		for (const line of lines) {
			if (line === '') {
				// A blank line ends an event.
				if (data.length) yield JSON.parse(data.join('\n')) as IDataObject;
				data = [];
			} else if (line.startsWith('data:')) {
				data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
			}
			// `id:`, `event:` and `:` heartbeat comments carry nothing the node needs.
		}
	}
	if (buffer.startsWith('data:')) data.push(buffer.slice(buffer.startsWith('data: ') ? 6 : 5));
	if (data.length) yield JSON.parse(data.join('\n')) as IDataObject;
}
