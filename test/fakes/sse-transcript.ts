/**
 * A model server that replays hand-written SSE transcripts byte for byte, cut into small pieces
 * written apart (so events and JSON split across network reads), for the cases the scripted
 * fakes do not produce: tool-call deltas split mid-JSON, several tool calls, an error event
 * mid-stream, a stream that ends (or whose connection drops) before the answer is complete.
 *
 *   const llm = await startTranscriptServer();
 *   llm.play(OPENAI_TWO_TOOL_CALLS);               // next POST answers with this transcript
 *   llm.play(OPENAI_CUT, { then: 'destroy' });      // … then drops the connection
 */
import { startFakeServer, type FakeServer } from './http';

export interface Playback {
  /** After the transcript: end the response cleanly (default) or drop the connection. */
  then?: 'end' | 'destroy';
  /** Bytes per write (default 23: splits lines, field names and JSON). */
  pieceBytes?: number;
}

export interface TranscriptServer extends FakeServer {
  play(transcript: string, opts?: Playback): void;
}

export async function startTranscriptServer(): Promise<TranscriptServer> {
  const queue: Array<{ transcript: string; opts: Playback }> = [];
  const server = await startFakeServer(async (_req, res) => {
    const next = queue.shift();
    if (!next) {
      res.writeHead(500, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: 'no transcript queued' } }));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const bytes = Buffer.from(next.transcript, 'utf8');
    const size = next.opts.pieceBytes ?? 23;
    for (let i = 0; i < bytes.length; i += size) {
      res.write(bytes.subarray(i, i + size));
      await new Promise((r) => setTimeout(r, 1));
    }
    if (next.opts.then === 'destroy') res.destroy();
    else res.end();
  });
  return { ...server, play: (transcript, opts = {}) => void queue.push({ transcript, opts }) };
}

/** `data:` lines as OpenAI sends them. */
export const openaiSse = (...chunks: Array<object | string>) =>
  chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\n\n`).join('');

/** `event:` + `data:` pairs as Anthropic sends them. */
export const anthropicSse = (...events: Array<{ type: string } & Record<string, unknown>>) =>
  events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
