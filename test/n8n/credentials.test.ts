/**
 * The OpenClaw API credential against the live gateway: its generic authenticate (applied
 * through n8n's expression engine, as n8n's credentials helper does) and its test request
 * (GET /api/v1/health, which needs a valid key) tell a good key from a wrong key or URL.
 */
import './env';
import type { IHttpRequestOptions } from 'n8n-workflow';
import { OpenClawApi } from '../../packages/n8n-nodes-openclaw/credentials/OpenClawApi.credentials';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { ACTION, TestCredentialsHelper, makeWorkflow, node } from './engine';

/** Resolves the credential's test request with these credentials and sends it. */
async function credentialTest(baseUrl: string, apiKey: string): Promise<number | string> {
  const credential = new OpenClawApi();
  const credentials = { baseUrl, apiKey };
  const probe = node(ACTION, {}, 'Credential test');
  const workflow = makeWorkflow([probe]);
  const resolve = (v: string) =>
    workflow.expression.getSimpleParameterValue(
      probe,
      v,
      'internal',
      { $credentials: credentials },
      undefined,
      '',
    ) as string;
  const request = {
    ...credential.test.request,
    baseURL: resolve(credential.test.request.baseURL!),
  } as IHttpRequestOptions & { baseURL: string };
  const authed = await new TestCredentialsHelper({}).authenticate(
    credentials,
    'openClawApi',
    { url: request.url, headers: {} },
    workflow,
    probe,
  );
  try {
    const res = await fetch(request.baseURL + request.url, { headers: authed.headers as Record<string, string> });
    return res.status;
  } catch {
    return 'unreachable';
  }
}

describe('OpenClaw API credential', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it('defaults to http://localhost:3000, keeps the key in a password field and authenticates with Bearer', () => {
    const credential = new OpenClawApi();
    expect(credential.properties.find((p) => p.name === 'baseUrl')?.default).toBe('http://localhost:3000');
    expect(credential.properties.find((p) => p.name === 'apiKey')?.typeOptions).toEqual({ password: true });
    expect(credential.authenticate).toEqual({
      type: 'generic',
      properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
    });
  });

  it('the test request passes with a valid key (trailing slash on the URL tolerated)', async () => {
    expect(await credentialTest(gw.url, gw.adminKey)).toBe(200);
    expect(await credentialTest(`${gw.url}/`, gw.adminKey)).toBe(200);
  });

  it('the test request fails with a wrong key or a wrong URL', async () => {
    expect(await credentialTest(gw.url, 'oclaw_live_wrong')).toBe(401);
    expect(await credentialTest('http://127.0.0.1:1', gw.adminKey)).toBe('unreachable');
  });
});
