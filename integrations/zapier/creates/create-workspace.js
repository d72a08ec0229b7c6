'use strict';

const { apiUrl } = require('../lib/api');

module.exports = {
  key: 'create_workspace',
  noun: 'Workspace',
  display: {
    label: 'Create Workspace',
    description: 'Creates a workspace (its own agent, sessions, allowlist and stats).',
  },
  operation: {
    inputFields: [
      {
        key: 'id',
        label: 'Workspace ID',
        required: true,
        helpText: 'Lower-case letters, digits, - and _ (at most 63), e.g. `sales-emea`.',
      },
      { key: 'label', label: 'Label', required: false },
      {
        key: 'agent',
        label: 'Agent Preset',
        required: false,
        helpText: 'An agent preset of the gateway config; empty: `balanced`.',
      },
    ],
    perform: async (z, bundle) => {
      const body = { id: bundle.inputData.id };
      if (bundle.inputData.label) body.label = bundle.inputData.label;
      if (bundle.inputData.agent) body.agent = bundle.inputData.agent;
      const response = await z.request({ url: apiUrl(bundle, '/workspaces'), method: 'POST', body });
      return response.data;
    },
    sample: {
      id: 'sales-emea',
      label: 'Sales EMEA',
      agent: 'balanced',
      skills: [],
      allowlist: [],
      createdAt: '2026-12-01T09:00:00.000Z',
      source: 'api',
    },
    outputFields: [
      { key: 'id', label: 'Workspace ID' },
      { key: 'label', label: 'Label' },
      { key: 'agent', label: 'Agent Preset' },
    ],
  },
};
