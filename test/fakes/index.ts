/**
 * Local fake upstream servers for tests and benchmarks: real HTTP servers on 127.0.0.1 (random
 * port) speaking the real wire formats. Each start function resolves to
 *   { url, requests, close() }
 * where `url` is http://127.0.0.1:<port>, `requests` every request received (method, path, query,
 * headers, parsed JSON body) in arrival order, and `close()` stops the server and its connections.
 *
 *   startFakeOpenAI(opts?)    OpenAI chat completions (SSE chunks, tool calls, usage) at …/chat/completions;
 *                             base URL `${url}/v1`; also …/models and Ollama's /api/tags.
 *   startFakeAnthropic(opts?) Anthropic Messages streaming events at …/messages; base URL `${url}/v1`.
 *       Both add reply(...replies) to script the next answers — { text, toolCalls, usage },
 *       { status, message, headers } errors, { hang: true }, { stallAfter } — and chats().
 *   startFakeGitHub(opts?)    GitHub REST issues / pulls / commits (also under /api/v3, like GHE).
 *   startFakeSearxng()        SearXNG GET /search?format=json.
 *   startFakeServer(handler)  the shared base, for other fakes (webhook receivers …).
 */
export { startFakeServer, sendJson, type FakeServer, type RecordedRequest, type FakeHandler } from './http';
export { startFakeOpenAI } from './openai';
export { startFakeAnthropic } from './anthropic';
export { startFakeGitHub, ACME_APP, type FakeRepo } from './github';
export { startFakeSearxng } from './searxng';
export type { FakeLlm, FakeLlmOptions, FakeReply, FakeToolCall } from './llm-script';
