/**
 * Workspace operations, list search, and how errors surface (401/403/429 hints, Continue On
 * Fail, paired items), each run as a real workflow in n8n's engine against the live gateway.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { ACTION, NOOP, TestCredentialsHelper, credentialsFor, node, runWorkflow, searchWorkspaces } from './engine';

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

describe('n8n OpenClaw node: workspaces and errors', () => {
  let gw: TestGateway;
  let creds: TestCredentialsHelper;

  beforeAll(async () => {
    gw = await startTestGateway();
    creds = new TestCredentialsHelper(credentialsFor(gw.url, gw.adminKey));
    for (const id of ['team', 'admins']) {
      const res = await gw.request('POST', '/api/v1/workspaces', {
        body: { id, label: id === 'team' ? 'The Team' : 'Admins' },
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await gw.close();
  });

  it('creates, gets, lists, updates the allowlist of and deletes a workspace', async () => {
    const create = node(
      ACTION,
      {
        resource: 'workspace',
        operation: 'create',
        workspaceId: 'new-team',
        additionalFields: { label: 'New Team', agent: 'balanced', skills: 'web-search, memory' },
      },
      'Create',
    );
    const get = node(ACTION, { resource: 'workspace', operation: 'get', workspace: byId('={{ $json.id }}') }, 'Get');
    const allow = node(
      ACTION,
      {
        resource: 'workspace',
        operation: 'updateAllowlist',
        workspace: fromList('new-team'),
        add: 'telegram:123456789, slack:U42',
        remove: '',
      },
      'Allow',
    );
    const result = await runWorkflow(creds, [create, get, allow]);
    expect(result.run.status).toBe('success');
    expect(result.output('Create')[0].json).toMatchObject({
      id: 'new-team',
      label: 'New Team',
      agent: 'balanced',
      skills: ['web-search', 'memory'],
      allowlist: [],
      source: 'api',
    });
    expect(result.output('Get')[0].json).toMatchObject({ id: 'new-team', label: 'New Team' });
    const allowed = result.output('Allow')[0].json as { id: string; allowlist: string[] };
    expect(allowed.id).toBe('new-team');
    expect([...allowed.allowlist].sort()).toEqual(['slack:U42', 'telegram:123456789']);
    expect((await gw.request('GET', '/api/v1/workspaces/new-team')).body.allowlist).toEqual(allowed.allowlist);

    const remove = node(
      ACTION,
      {
        resource: 'workspace',
        operation: 'updateAllowlist',
        workspace: byId('new-team'),
        add: '',
        remove: 'slack:U42',
      },
      'Remove',
    );
    const list = node(ACTION, { resource: 'workspace', operation: 'getAll', returnAll: true }, 'List');
    const del = node(ACTION, { resource: 'workspace', operation: 'delete', workspace: byId('new-team') }, 'Delete');
    const second = await runWorkflow(creds, [remove, list]);
    expect(second.output('Remove')[0].json).toEqual({ id: 'new-team', allowlist: ['telegram:123456789'] });
    expect(
      second
        .output('List')
        .map((i) => i.json.id)
        .sort(),
    ).toEqual(['admins', 'default', 'new-team', 'team']);
    // One item per workspace, each paired with the single input item.
    expect(second.output('List').every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
    const third = await runWorkflow(creds, [del]);
    expect(third.output('Delete')[0].json).toEqual({ deleted: true, id: 'new-team' });
    expect((await gw.request('GET', '/api/v1/workspaces/new-team')).status).toBe(404);
  });

  it('limits Get Many when Return All is off', async () => {
    const list = node(ACTION, { resource: 'workspace', operation: 'getAll', returnAll: false, limit: 1 }, 'List');
    const result = await runWorkflow(creds, [list]);
    expect(result.output('List')).toHaveLength(1);
  });

  it('lists workspaces for the workspace picker, filtered by what the user types', async () => {
    expect((await searchWorkspaces(creds)).results).toEqual([
      { name: 'Admins (admins)', value: 'admins' },
      { name: 'Default (default)', value: 'default' },
      { name: 'The Team (team)', value: 'team' },
    ]);
    expect((await searchWorkspaces(creds, 'TEAM')).results).toEqual([{ name: 'The Team (team)', value: 'team' }]);
  });

  it('a key scoped to one workspace sees only that one in the picker', async () => {
    const key = await gw.createKey({ workspaces: ['team'] });
    const scoped = new TestCredentialsHelper(credentialsFor(gw.url, key));
    expect((await searchWorkspaces(scoped)).results.map((r) => r.value)).toEqual(['team']);
  });

  it('runs one request per input item and pairs every output with its item', async () => {
    const get = node(ACTION, { resource: 'workspace', operation: 'get', workspace: byId('={{ $json.ws }}') }, 'Get');
    const result = await runWorkflow(creds, [get], { items: [{ ws: 'team' }, { ws: 'admins' }] });
    expect(result.output('Get').map((i) => [i.json.id, i.pairedItem])).toEqual([
      ['team', { item: 0 }],
      ['admins', { item: 1 }],
    ]);
  });

  it('a 404 fails the node with a NodeApiError titled by a plain sentence, status and code in the description', async () => {
    const get = node(ACTION, { resource: 'workspace', operation: 'get', workspace: byId('ghost') }, 'Get');
    const after = node(NOOP, {}, 'After');
    const result = await runWorkflow(creds, [get, after]);
    expect(result.run.status).toBe('error');
    const error = result.error('Get');
    expect(error.name).toBe('NodeApiError');
    expect(error.httpCode).toBe('404');
    expect(error.message).toBe("Workspace 'ghost' not found");
    expect(error.description).toBe('The gateway answered HTTP 404 with error code not_found.');
    expect(result.output('After')).toEqual([]);
  });

  it('a wrong API key surfaces as 401 with a hint to check the credential', async () => {
    const bad = new TestCredentialsHelper(credentialsFor(gw.url, 'oclaw_live_not_a_real_key'));
    const result = await runWorkflow(bad, [
      node(ACTION, { resource: 'workspace', operation: 'getAll', returnAll: true }, 'List'),
    ]);
    const error = result.error('List');
    expect(error.name).toBe('NodeApiError');
    expect(error.httpCode).toBe('401');
    expect(error.message).toBe('Unknown or revoked API key');
    expect(error.description).toMatch(
      /^The API key was refused: check the key in the OpenClaw API credential .* The gateway answered HTTP 401 with error code invalid_api_key\.$/,
    );
  });

  it('a key without the permission surfaces as 403 with a hint about permissions and scope', async () => {
    const key = await gw.createKey({ permissions: ['stats:read'] });
    const result = await runWorkflow(new TestCredentialsHelper(credentialsFor(gw.url, key)), [
      node(ACTION, { resource: 'workspace', operation: 'create', workspaceId: 'nope', additionalFields: {} }, 'Create'),
    ]);
    const error = result.error('Create');
    expect(error.name).toBe('NodeApiError');
    expect(error.httpCode).toBe('403');
    expect(error.message).toBe("This API key lacks the 'workspaces:write' permission");
    expect(error.description).toMatch(
      /lacks the permission or the workspace is outside the key's scope.* The gateway answered HTTP 403 with error code \w+\.$/,
    );
    expect((await gw.request('GET', '/api/v1/workspaces/nope')).status).toBe(404);
  });

  it('a rate-limited key surfaces as 429 with when the limit resets', async () => {
    const key = await gw.createKey({ rateLimit: 1 });
    const limited = new TestCredentialsHelper(credentialsFor(gw.url, key));
    const get = node(ACTION, { resource: 'workspace', operation: 'get', workspace: byId('team') }, 'Get');
    const result = await runWorkflow(limited, [get], { items: [{}, {}] });
    const error = result.error('Get');
    expect(error.name).toBe('NodeApiError');
    expect(error.httpCode).toBe('429');
    expect(error.message).toMatch(/^Rate limit of 1 requests per minute exceeded/);
    expect(error.description).toMatch(
      /^Rate limit of the API key reached; it resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z \(in \d+ s\)\..* The gateway answered HTTP 429 with error code rate_limited\.$/,
    );
  });

  it('Continue On Fail turns a failed item into an error item and goes on with the next', async () => {
    const get = node(ACTION, { resource: 'workspace', operation: 'get', workspace: byId('={{ $json.ws }}') }, 'Get', {
      onError: 'continueRegularOutput',
    });
    const after = node(NOOP, {}, 'After');
    const result = await runWorkflow(creds, [get, after], { items: [{ ws: 'ghost' }, { ws: 'team' }] });
    expect(result.run.status).toBe('success');
    const out = result.output('After');
    expect(out).toHaveLength(2);
    expect(out[0].json).toEqual({
      error: "Workspace 'ghost' not found",
      code: 'not_found',
      httpCode: '404',
      description: 'The gateway answered HTTP 404 with error code not_found.',
    });
    expect(out[0].pairedItem).toEqual({ item: 0 });
    expect(out[1].json).toMatchObject({ id: 'team' });
    expect(out[1].pairedItem).toEqual({ item: 1 });
  });
});
