'use strict';

const { apiUrl } = require('../lib/api');
const { workspaceField } = require('../triggers/hook-trigger');

module.exports = {
  key: 'update_allowlist',
  noun: 'Allowlist',
  display: {
    label: 'Update Allowlist',
    description: "Adds or removes `channel:id` entries of a workspace's allowlist.",
  },
  operation: {
    inputFields: [
      { ...workspaceField, required: true, helpText: 'The workspace to change.' },
      { key: 'add', label: 'Add', list: true, required: false, helpText: 'Entries such as `telegram:123456789`.' },
      { key: 'remove', label: 'Remove', list: true, required: false },
    ],
    perform: async (z, bundle) => {
      const { workspace, add, remove } = bundle.inputData;
      const body = {};
      if (add && add.length) body.add = add;
      if (remove && remove.length) body.remove = remove;
      const response = await z.request({
        url: apiUrl(bundle, `/workspaces/${encodeURIComponent(workspace)}/allowlist`),
        method: 'PATCH',
        body,
      });
      return response.data;
    },
    sample: { id: 'team', allowlist: ['telegram:123456789'] },
    outputFields: [
      { key: 'id', label: 'Workspace ID' },
      { key: 'allowlist[]', label: 'Allowlist' },
    ],
  },
};
