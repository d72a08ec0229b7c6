/* globals describe, it, expect, beforeAll, afterAll */
'use strict';

/** The connection: Base URL + API Key, tested with GET /api/v1/health on a live gateway. */
const zapier = require('zapier-platform-core');
const App = require('../index');
const { startGateway } = require('./helpers/gateway');

const appTester = zapier.createAppTester(App);

describe('authentication', () => {
  let gw;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw && gw.close());

  it('the test call returns the gateway health, and the connection label names the host', async () => {
    const result = await appTester(App.authentication.test, { authData: gw.authData });
    expect(result).toMatchObject({
      status: 'ok',
      redis: 'connected',
      model: expect.any(String),
      host: new URL(gw.baseUrl).host,
    });
    const label = await appTester(App.authentication.connectionLabel, { authData: gw.authData, inputData: result });
    expect(label).toBe(`OpenClaw (${new URL(gw.baseUrl).host})`);
  });

  it('a trailing slash on the Base URL is fine', async () => {
    const result = await appTester(App.authentication.test, {
      authData: { ...gw.authData, baseUrl: `${gw.baseUrl}/` },
    });
    expect(result.status).toBe('ok');
  });

  it('a bad key fails the test with a readable message', async () => {
    const bundle = { authData: { ...gw.authData, apiKey: 'oclaw_live_not_a_real_key_0000000000000' } };
    await expect(appTester(App.authentication.test, bundle)).rejects.toThrow(
      /The OpenClaw gateway refused the API key \((invalid_api_key|unauthorized)\): .+ Check the API Key and Base URL/,
    );
  });
});
