import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('gateway smoke', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it('answers health with the contract object', async () => {
    const res = await gw.request('GET', '/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      version: '1.4.2',
      channels: {},
      redis: 'connected',
      model: 'offline',
    });
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });
});
