'use strict';

/**
 * One REST-hook trigger per gateway event: subscribing creates a webhook subscription
 * (POST /webhooks) for that event, optionally one workspace; unsubscribing deletes it;
 * performList reads real recent events (GET /events) for the Zap editor's samples.
 */
const { apiUrl, flattenEvent } = require('../lib/api');
const { verifyHook } = require('../lib/signature');

const workspaceField = {
  key: 'workspace',
  label: 'Workspace',
  required: false,
  dynamic: 'workspace.id.label',
  helpText: 'Only events of this workspace. Leave empty for every workspace the API key covers.',
};

const hookTrigger = ({ key, noun, label, description, event, sample, outputFields }) => ({
  key,
  noun,
  display: { label, description },
  operation: {
    type: 'hook',
    inputFields: [workspaceField],

    performSubscribe: async (z, bundle) => {
      const body = { url: bundle.targetUrl, events: [event], description: `Zapier: ${label}` };
      if (bundle.inputData.workspace) body.workspaces = [bundle.inputData.workspace];
      const response = await z.request({ url: apiUrl(bundle, '/webhooks'), method: 'POST', body });
      // Kept by Zapier as bundle.subscribeData: the id to unsubscribe, the secret to verify hooks.
      return response.data;
    },

    performUnsubscribe: async (z, bundle) => {
      await z.request({
        url: apiUrl(bundle, `/webhooks/${encodeURIComponent(bundle.subscribeData.id)}`),
        method: 'DELETE',
      });
      return {};
    },

    perform: async (z, bundle) => {
      const secret = bundle.subscribeData && bundle.subscribeData.secret;
      if (verifyHook(secret, bundle.rawRequest) === false) {
        throw new z.errors.Error(
          'This request was not signed by your OpenClaw gateway (webhook-signature does not match the subscription secret).',
          'invalid_signature',
          401,
        );
      }
      return [flattenEvent(bundle.cleanedRequest)];
    },

    performList: async (z, bundle) => {
      const params = { type: event, limit: 3 };
      if (bundle.inputData.workspace) params.workspace = bundle.inputData.workspace;
      const response = await z.request({ url: apiUrl(bundle, '/events'), params });
      return response.data.data.map(flattenEvent);
    },

    sample,
    outputFields: [
      { key: 'id', label: 'Event ID' },
      { key: 'event', label: 'Event' },
      { key: 'timestamp', label: 'Timestamp', type: 'datetime' },
      ...outputFields,
    ],
  },
});

module.exports = { hookTrigger, workspaceField };
