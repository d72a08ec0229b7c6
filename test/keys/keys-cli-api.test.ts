/**
 * The CLI (`openclaw api-key`, a real process on the same Redis) and the keys API share one store
 * and one output: a key made or revoked on one side is seen at once on the other, in the same shape.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { testRedisUrl } from '../helpers/redis';
import { cleanEnv, runCli, tempDir } from '../foundation/process';

describe('keys: CLI and API, one store', () => {
  let gw: TestGateway;
  const cwd = tempDir('openclaw-keys-');
  const env = () => cleanEnv({ REDIS_URL: testRedisUrl() });
  const cli = (...args: string[]) => runCli(['api-key', ...args], { cwd, env: env() });

  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it('a key made by the API is listed by the CLI in the same JSON shape, and the CLI revokes it at once', async () => {
    const made = await gw.request('POST', '/api/v1/keys', {
      body: { label: 'From API', workspaces: ['team'], permissions: ['stats:read'] },
    });
    expect(made.status).toBe(201);
    const { apiKey, ...view } = made.body;
    const listed = await cli('list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).find((k: any) => k.id === view.id)).toEqual(view);

    const revoked = await cli('revoke', view.id, '--json');
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ revoked: view });
    expect((await gw.request('GET', '/api/v1/health', { key: apiKey })).status).toBe(401);
    expect((await gw.request('GET', '/api/v1/keys')).body.data.map((k: any) => k.id)).not.toContain(view.id);
  });

  it('a key made by the CLI is listed by the API in the same shape, and the API revokes it: the CLI no longer finds it', async () => {
    const made = await cli('create', '--label', 'From CLI', '--workspaces', 'team,ops', '--rate-limit', '9', '--json');
    expect(made.code).toBe(0);
    const { apiKey, ...view } = JSON.parse(made.stdout);
    const list = await gw.request('GET', '/api/v1/keys');
    expect(list.body.data.find((k: any) => k.id === view.id)).toEqual(view);

    const revoked = await gw.request('POST', `/api/v1/keys/${view.id}/revoke`);
    expect(revoked.body).toEqual({ revoked: view });
    expect((await gw.request('GET', '/api/v1/health', { key: apiKey })).status).toBe(401);
    const again = await cli('revoke', view.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no active API key matches '${view.id}'`);
    expect(JSON.parse((await cli('list', '--json')).stdout).map((k: any) => k.id)).not.toContain(view.id);
  });

  it('rotate through the API answers what `api-key rotate --json` answers: the new key, same scope', async () => {
    const made = JSON.parse((await cli('create', '--label', 'Rotate me', '--workspaces', 'team', '--json')).stdout);
    const viaApi = await gw.request('POST', `/api/v1/keys/${made.id}/rotate`);
    expect(viaApi.status).toBe(200);
    const viaCli = await cli('rotate', viaApi.body.id, '--json');
    expect(viaCli.code).toBe(0);
    const cliOut = JSON.parse(viaCli.stdout);
    expect(Object.keys(cliOut).sort()).toEqual(Object.keys(viaApi.body).sort());
    expect(cliOut).toMatchObject({ label: 'Rotate me', workspaces: ['team'], permissions: viaApi.body.permissions });
    for (const old of [made.apiKey, viaApi.body.apiKey])
      expect((await gw.request('GET', '/api/v1/health', { key: old })).status).toBe(401);
    expect((await gw.request('GET', '/api/v1/health', { key: cliOut.apiKey })).status).toBe(200);
  });

  it('the CLI refuses keys:* for a key not over *, with one clear line; over * it works and the key reads /keys', async () => {
    const bad = await cli('create', '--label', 'Narrow admin', '--workspaces', 'team', '--permissions', 'keys:read');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim()).toBe(
      "openclaw: --permissions: 'keys:read' can only be held by a key over every workspace (*)",
    );

    const ok = await cli('create', '--label', 'Key reader', '--permissions', 'keys:read', '--json');
    expect(ok.code).toBe(0);
    const res = await gw.request('GET', '/api/v1/keys', { key: JSON.parse(ok.stdout).apiKey });
    expect(res.status).toBe(200);
  });
});
