'use strict';

/**
 * Send Message: POST /messages with "async": true and Zapier's callback URL. The gateway answers
 * 202 at once and POSTs the message.sent (or error.agent) payload to the callback when the agent
 * finishes, however long that takes; Zapier then runs performResume with that payload.
 */
const { apiUrl, flattenEvent } = require('../lib/api');
const { workspaceField } = require('../triggers/hook-trigger');

const perform = async (z, bundle) => {
  const { workspace, userId, message, sessionId } = bundle.inputData;
  const body = { workspace, userId, message, async: true, callbackUrl: z.generateCallbackUrl() };
  if (sessionId) body.sessionId = sessionId;
  const response = await z.request({ url: apiUrl(bundle, '/messages'), method: 'POST', body });
  const { messageId, sessionId: session, status, callbackId } = response.data;
  // The callback secret stays out of the Zap's history: the run's callback URL is already unguessable.
  return { messageId, sessionId: session, status, callbackId, workspace, userId };
};

const performResume = async (z, bundle) => {
  const payload = bundle.cleanedRequest || {};
  if (payload.event === 'error.agent') {
    const { code, message } = payload.data || {};
    throw new z.errors.Error(`The agent could not answer (${code}): ${message}`, code || 'agent_error', 502);
  }
  return { ...bundle.outputData, ...flattenEvent(payload), status: 'done' };
};

module.exports = {
  key: 'send_message',
  noun: 'Message',
  display: {
    label: 'Send Message',
    description: "Sends a message to a workspace's agent and waits for the whole answer (any length of run).",
  },
  operation: {
    inputFields: [
      { ...workspaceField, required: true, helpText: 'The workspace whose agent answers.' },
      {
        key: 'userId',
        label: 'User ID',
        required: true,
        helpText: 'Who is asking, e.g. `zapier:standup` or `slack:U024BE7LH`. Sessions are per user.',
      },
      { key: 'message', label: 'Message', required: true, type: 'text' },
      {
        key: 'sessionId',
        label: 'Session ID',
        required: false,
        helpText: "Continue this session (it is created if new). Empty: the user's current session.",
      },
    ],
    perform,
    performResume,
    sample: {
      messageId: 'msg_sample1',
      sessionId: 'sess_abc123',
      status: 'done',
      workspace: 'team',
      userId: 'zapier:standup',
      response: 'Standup: yesterday…',
      tokensUsed: 1180,
      latencyMs: 2400,
      id: 'evt_sample1',
      event: 'message.sent',
      timestamp: '2026-12-01T09:00:00Z',
    },
    outputFields: [
      { key: 'messageId', label: 'Message ID' },
      { key: 'response', label: 'Answer' },
      { key: 'sessionId', label: 'Session ID' },
      { key: 'tokensUsed', label: 'Tokens Used', type: 'integer' },
      { key: 'latencyMs', label: 'Latency (ms)', type: 'integer' },
    ],
  },
};
