'use strict';

const { apiUrl } = require('../lib/api');
const { workspaceField } = require('../triggers/hook-trigger');

/** The user's sessions in a workspace, most recently active first (Zapier uses the first). */
module.exports = {
  key: 'find_session',
  noun: 'Session',
  display: { label: 'Find Session', description: "Finds a user's most recently active session in a workspace." },
  operation: {
    inputFields: [
      { ...workspaceField, required: true, helpText: 'The workspace to search.' },
      { key: 'userId', label: 'User ID', required: true },
    ],
    perform: async (z, bundle) => {
      const params = { workspace: bundle.inputData.workspace, userId: bundle.inputData.userId, limit: 10 };
      const response = await z.request({ url: apiUrl(bundle, '/sessions'), params });
      return response.data.data;
    },
    sample: {
      id: 'sess_abc123',
      workspace: 'team',
      userId: 'slack:U024BE7LH',
      createdAt: '2026-12-01T09:00:00.000Z',
      lastActiveAt: '2026-12-01T09:05:00.000Z',
      messageCount: 4,
      tokensUsed: 2100,
      channel: 'api',
    },
    outputFields: [
      { key: 'id', label: 'Session ID' },
      { key: 'userId', label: 'User ID' },
      { key: 'lastActiveAt', label: 'Last Active', type: 'datetime' },
      { key: 'messageCount', label: 'Messages', type: 'integer' },
    ],
  },
};
