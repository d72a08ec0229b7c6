'use strict';

/** The gateway events offered as triggers: payload fields as the gateway sends them (docs/webhooks.md). */
const { hookTrigger } = require('./hook-trigger');

const ts = '2026-12-01T09:00:00Z';
const session = { sessionId: 'sess_abc123', workspace: 'team', userId: 'slack:U024BE7LH', channel: 'api', createdAt: ts, lastActiveAt: ts, messageCount: 2, tokensUsed: 512 };
const sessionFields = [
  { key: 'sessionId', label: 'Session ID' },
  { key: 'workspace', label: 'Workspace' },
  { key: 'userId', label: 'User ID' },
  { key: 'channel', label: 'Channel' },
  { key: 'messageCount', label: 'Messages in Session', type: 'integer' },
  { key: 'tokensUsed', label: 'Tokens Used', type: 'integer' },
];

module.exports = [
  hookTrigger({
    key: 'new_agent_answer',
    noun: 'Answer',
    label: 'New Agent Answer',
    description: 'Triggers when the agent finishes answering a message (message.sent).',
    event: 'message.sent',
    sample: { id: 'evt_sample1', event: 'message.sent', timestamp: ts, messageId: 'msg_sample1', workspace: 'team', userId: 'slack:U024BE7LH', channel: 'api', response: 'Here is your summary…', tokensUsed: 1180, latencyMs: 2400, sessionId: 'sess_abc123' },
    outputFields: [
      { key: 'messageId', label: 'Message ID' },
      { key: 'response', label: 'Answer' },
      { key: 'workspace', label: 'Workspace' },
      { key: 'userId', label: 'User ID' },
      { key: 'sessionId', label: 'Session ID' },
      { key: 'tokensUsed', label: 'Tokens Used', type: 'integer' },
      { key: 'latencyMs', label: 'Latency (ms)', type: 'integer' },
    ],
  }),
  hookTrigger({
    key: 'agent_error',
    noun: 'Error',
    label: 'Agent Error',
    description: 'Triggers when a message fails: the model provider, a tool or a worker failed (error.agent).',
    event: 'error.agent',
    sample: { id: 'evt_sample2', event: 'error.agent', timestamp: ts, messageId: 'msg_sample2', workspace: 'team', userId: 'slack:U024BE7LH', channel: 'api', sessionId: 'sess_abc123', code: 'upstream_error', message: 'The model provider answered 401: check the API key' },
    outputFields: [
      { key: 'messageId', label: 'Message ID' },
      { key: 'code', label: 'Error Code' },
      { key: 'message', label: 'Error Message' },
      { key: 'workspace', label: 'Workspace' },
      { key: 'userId', label: 'User ID' },
    ],
  }),
  hookTrigger({
    key: 'session_started',
    noun: 'Session',
    label: 'Session Started',
    description: 'Triggers when a user starts a new conversation session (session.started).',
    event: 'session.started',
    sample: { id: 'evt_sample3', event: 'session.started', timestamp: ts, ...session, messageCount: 0, tokensUsed: 0 },
    outputFields: sessionFields,
  }),
  hookTrigger({
    key: 'session_ended',
    noun: 'Session',
    label: 'Session Ended',
    description: 'Triggers when a session ends: idle, cleared or its workspace deleted (session.ended).',
    event: 'session.ended',
    sample: { id: 'evt_sample4', event: 'session.ended', timestamp: ts, ...session, reason: 'idle' },
    outputFields: [...sessionFields, { key: 'reason', label: 'Reason' }],
  }),
  hookTrigger({
    key: 'schedule_completed',
    noun: 'Schedule Run',
    label: 'Schedule Completed',
    description: 'Triggers when a scheduled message run finishes with an answer (schedule.completed).',
    event: 'schedule.completed',
    sample: {
      id: 'evt_sample5',
      event: 'schedule.completed',
      timestamp: ts,
      scheduleId: 'sch_sample1',
      runId: 'run_sample1',
      trigger: 'schedule',
      scheduledFor: ts,
      workspace: 'team',
      userId: 'schedule:standup',
      messageId: 'msg_sample3',
      sessionId: 'sess_abc123',
      response: 'Daily standup: …',
      tokensUsed: 900,
      latencyMs: 3100,
    },
    outputFields: [
      { key: 'scheduleId', label: 'Schedule ID' },
      { key: 'workspace', label: 'Workspace' },
      { key: 'messageId', label: 'Message ID' },
      { key: 'response', label: 'Answer' },
    ],
  }),
  hookTrigger({
    key: 'channel_disconnected',
    noun: 'Channel',
    label: 'Channel Disconnected',
    description: 'Triggers when a messaging channel (Telegram, Slack…) loses its connection (channel.disconnected).',
    event: 'channel.disconnected',
    sample: { id: 'evt_sample6', event: 'channel.disconnected', timestamp: ts, channel: 'telegram', workspace: 'team', reason: 'token revoked' },
    outputFields: [
      { key: 'channel', label: 'Channel' },
      { key: 'workspace', label: 'Workspace' },
      { key: 'reason', label: 'Reason' },
    ],
  }),
];
