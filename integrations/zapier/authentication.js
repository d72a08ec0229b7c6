'use strict';

const { apiUrl } = require('./lib/api');

/** The connection test: GET /api/v1/health with the key (any valid key may call it). */
const test = async (z, bundle) => {
  const response = await z.request({ url: apiUrl(bundle, '/health') });
  return { ...response.data, host: new URL(bundle.authData.baseUrl).host };
};

module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'baseUrl',
      label: 'Base URL',
      required: true,
      type: 'string',
      helpText:
        'Where your OpenClaw gateway is reachable from the internet, without `/api/v1`, e.g. `https://openclaw.example.com`.',
    },
    {
      key: 'apiKey',
      label: 'API Key',
      required: true,
      type: 'password',
      helpText:
        'An `oclaw_live_…` key (`openclaw api-key create`). Triggers need `webhooks:read` and `webhooks:write`; Send Message needs `messages:write`.',
    },
  ],
  test,
  // The data returned by the test is in bundle.inputData.
  connectionLabel: (z, bundle) => `OpenClaw (${bundle.inputData.host})`,
};
