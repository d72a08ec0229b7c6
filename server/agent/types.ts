/**
 * The contract between the message pipeline (server/messages/processor.ts) and the agent (server/agent/):
 * the pipeline hands an AgentInput and an emit callback; the agent streams AgentEvents (the SSE
 * events of the contract: token, tool_use, tool_result) and resolves with the AgentResult.
 */
import type { Workspace } from '../store/workspaces';

export type AgentEvent =
  | { type: 'token'; content: string }
  | { type: 'tool_use'; tool: string; input: unknown }
  | { type: 'tool_result'; tool: string; output: unknown; isError?: boolean };

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface AgentInput {
  messageId: string;
  workspace: Workspace;
  userId: string;
  sessionId: string;
  message: string;
  /** Earlier turns of the session, oldest first (bounded by sessions.historyLimit). */
  history: ChatTurn[];
  context?: { timezone?: string; language?: string };
  /** Aborted when the message times out (messages.timeoutMs). */
  signal?: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'tool_limit' | 'content_filter' | 'error';

export interface AgentResult {
  response: string;
  finishReason: FinishReason;
  model: string;
  provider: string;
  tokensIn: number;
  tokensOut: number;
  /** Tool names in call order, without duplicates. */
  toolsInvoked: string[];
}

export type Emit = (event: AgentEvent) => void | Promise<void>;

export interface Agent {
  /** The model name used when a preset names none (shown in health and replies). */
  readonly defaultModel: string;
  run(input: AgentInput, emit: Emit): Promise<AgentResult>;
}

/** The model provider failed after retries: the message fails with 502 `upstream_error`. The message must be safe to show (no secrets). */
export class UpstreamError extends Error {
  readonly code = 'upstream_error';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}
