'use strict';

/** Hidden trigger behind every Workspace dropdown: the workspaces the API key can see. */
const { apiUrl } = require('../lib/api');

module.exports = {
  key: 'workspace',
  noun: 'Workspace',
  display: {
    label: 'List of Workspaces',
    description: 'Hidden: fills the Workspace dropdowns.',
    hidden: true,
  },
  operation: {
    perform: async (z, bundle) => {
      const response = await z.request({ url: apiUrl(bundle, '/workspaces') });
      return response.data.data.map((w) => ({
        id: w.id,
        label: w.label || w.id,
        agent: w.agent,
        createdAt: w.createdAt,
      }));
    },
    sample: { id: 'team', label: 'Team', agent: 'balanced', createdAt: '2026-12-01T09:00:00.000Z' },
    outputFields: [
      { key: 'id', label: 'Workspace ID' },
      { key: 'label', label: 'Label' },
    ],
  },
};
