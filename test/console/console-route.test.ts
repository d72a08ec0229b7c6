/**
 * GET /console on a real gateway: the built page and its assets answer without a key, with the
 * console's security headers; only files the build wrote are served; the API prefix is filled in.
 * (The app itself is driven in a browser by console.browser.ts, `npm run test:browser`.)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { CONSOLE_HEADERS } from '../../server/routes/console';

describe('/console', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    if (!existsSync(join(__dirname, '..', '..', 'dist', 'console', 'index.html')))
      throw new Error('dist/console is missing: run `npm run build` first (npm test does)');
    gw = await startTestGateway({ config: { api: { prefix: '/gw/v2' } } });
  });
  afterAll(() => gw.close());

  it('serves the page without a key, with the security headers and the configured API prefix', async () => {
    for (const path of ['/console', '/console/']) {
      const res = await gw.request('GET', path, { key: null });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      for (const [name, value] of Object.entries(CONSOLE_HEADERS)) expect(res.headers.get(name)).toBe(value);
      expect(res.text).toContain('<meta name="openclaw-api-prefix" content="/gw/v2" />');
      expect(res.text).not.toMatch(/https?:\/\//); // nothing from another origin
    }
  });

  it('serves the built assets with their types; anything else is a 404 in the one error shape', async () => {
    const js = await gw.request('GET', '/console/assets/app.js', { key: null });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(CONSOLE_HEADERS['Content-Security-Policy']);
    expect((await gw.request('GET', '/console/assets/app.css', { key: null })).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    for (const bad of [
      '/console/assets/nope.js',
      '/console/assets/..%2F..%2Fpackage.json',
      '/console/assets/%2e%2e%2findex.html',
    ]) {
      const res = await gw.request('GET', bad, { key: null });
      expect(res.status).toBe(404);
      expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
    }
  });

  it('stays out of the OpenAPI document (it is no API route)', async () => {
    const doc = (await gw.request('GET', '/gw/v2/openapi.json', { key: null })).body;
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
    expect(doc.paths['/gw/v2/keys']).toBeDefined();
  });
});
