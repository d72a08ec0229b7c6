'use strict';

const { apiUrl } = require('../lib/api');
const { gatewayError } = require('../middleware');

/** A message by id: its status, and its answer once done. Not found (or outside the key's workspaces): no result. */
module.exports = {
  key: 'get_message',
  noun: 'Message',
  display: { label: 'Get Message', description: 'Finds a message by its ID (`msg_…`): status and answer.' },
  operation: {
    inputFields: [{ key: 'messageId', label: 'Message ID', required: true }],
    perform: async (z, bundle) => {
      const response = await z.request({
        url: apiUrl(bundle, `/messages/${encodeURIComponent(bundle.inputData.messageId)}`),
        skipThrowForStatus: true,
      });
      if (response.status === 404) return [];
      if (response.status >= 400) throw gatewayError(response, z);
      return [{ id: response.data.messageId, ...response.data }];
    },
    sample: {
      id: 'msg_sample1',
      messageId: 'msg_sample1',
      sessionId: 'sess_abc123',
      workspace: 'team',
      userId: 'zapier:standup',
      channel: 'api',
      status: 'done',
      response: 'Standup: …',
      createdAt: '2026-12-01T09:00:00.000Z',
    },
    outputFields: [
      { key: 'messageId', label: 'Message ID' },
      { key: 'status', label: 'Status' },
      { key: 'response', label: 'Answer' },
    ],
  },
};
