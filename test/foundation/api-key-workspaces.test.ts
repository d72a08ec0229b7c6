/**
 * `openclaw api-key create` on a fresh install: a key for workspaces that do not exist is
 * warned about (it could use none of them), `--create-workspaces` makes them so the key works at
 * once, and `--admin` makes a key like the first-start one (the way back from a lost admin key).
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { testRedisUrl } from '../helpers/redis';
import { cleanEnv, runCli, tempDir } from './process';

describe('openclaw api-key create: workspaces and --admin', () => {
  let gw: TestGateway;
  const cwd = tempDir('openclaw-cli-ws-');
  const create = (...args: string[]) =>
    runCli(['api-key', 'create', '--json', ...args], { cwd, env: cleanEnv({ REDIS_URL: testRedisUrl() }) });
  const send = (key: string, workspace: string) =>
    gw.request('POST', '/api/v1/messages', { key, body: { workspace, userId: 'u', message: 'hi' } });

  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it('warns about each unknown workspace, and the key indeed cannot use it yet', async () => {
    const r = await create('--label', 'Team app', '--workspaces', 'team,default');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "warning: workspace 'team' does not exist; the key cannot use it until it is created (add --create-workspaces, or POST /api/v1/workspaces)\n",
    );
    const key = JSON.parse(r.stdout).apiKey;
    expect((await send(key, 'team')).status).toBe(404);
    expect((await send(key, 'default')).status).toBe(200);
  });

  it('--create-workspaces creates them, so the key works on each at once', async () => {
    const r = await create('--label', 'Ops app', '--workspaces', 'ops,admins', '--create-workspaces');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("created workspace 'ops'\ncreated workspace 'admins'\n");
    const key = JSON.parse(r.stdout).apiKey;
    for (const ws of ['ops', 'admins']) expect((await send(key, ws)).status).toBe(200);
    expect((await gw.request('GET', '/api/v1/workspaces/ops')).body).toMatchObject({ id: 'ops', agent: 'balanced' });
  });

  it('--admin: every workspace and every permission; not combinable with --workspaces', async () => {
    const r = await create('--label', 'New admin', '--admin');
    expect(r.code).toBe(0);
    const made = JSON.parse(r.stdout);
    expect(made.workspaces).toEqual(['*']);
    const admin = (await gw.gateway.ctx.stores.keys.verify(gw.adminKey))!;
    expect([...made.permissions].sort()).toEqual([...admin.permissions].sort());
    expect(
      (await fetch(`${gw.url}/admin/queues`, { headers: { authorization: `Bearer ${made.apiKey}` } })).status,
    ).toBe(200);
    const both = await create('--label', 'x', '--admin', '--workspaces', 'ops');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--admin already means every workspace and every permission');
  });
});
