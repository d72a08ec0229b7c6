/**
 * Workspaces: every endpoint, every bad input, config-declared workspaces (read-only through the
 * API), scope filtering, and what is stored.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const WS = {
  id: expect.any(String),
  label: expect.any(String),
  agent: expect.any(String),
  skills: expect.any(Array),
  allowlist: expect.any(Array),
  createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
  source: expect.stringMatching(/^(config|api)$/),
};

describe('workspaces', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        agents: { terse: { systemPrompt: 'Be brief.', temperature: 0.2, maxToolSteps: 2 } },
        workspaces: [{ id: 'team', label: 'Team', agent: 'terse', skills: ['github'], allowlist: ['telegram:1'] }],
      },
    });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('POST creates the contract’s example and answers 201 with the workspace', async () => {
    const res = await gw.request('POST', '/api/v1/workspaces', {
      body: { id: 'new-team', label: 'New Team', agent: 'balanced', skills: ['web-search', 'memory'] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      ...WS,
      id: 'new-team',
      label: 'New Team',
      agent: 'balanced',
      skills: ['web-search', 'memory'],
      allowlist: [],
      source: 'api',
    });
    expect(await gw.gateway.ctx.stores.workspaces.get('new-team')).toEqual(res.body);
  });

  it('POST defaults: label = id, agent balanced, no skills; custom presets from the config are accepted', async () => {
    const res = await gw.request('POST', '/api/v1/workspaces', { body: { id: 'minimal' } });
    expect(res.body).toMatchObject({ id: 'minimal', label: 'minimal', agent: 'balanced', skills: [] });
    const custom = await gw.request('POST', '/api/v1/workspaces', {
      body: { id: 'brief', agent: 'terse', skills: ['memory', 'memory'] },
    });
    expect(custom.status).toBe(201);
    expect(custom.body).toMatchObject({ agent: 'terse', skills: ['memory'] });
  });

  it('GET /workspaces lists all (config ones included) for a * key, sorted by id', async () => {
    const res = await gw.request('GET', '/api/v1/workspaces');
    expect(res.status).toBe(200);
    expect(res.body.data.map((w: { id: string }) => w.id)).toEqual(['brief', 'minimal', 'new-team', 'team']);
    expect(res.body.data.find((w: { id: string }) => w.id === 'team')).toEqual({
      ...WS,
      id: 'team',
      label: 'Team',
      agent: 'terse',
      skills: ['github'],
      allowlist: ['telegram:1'],
      source: 'config',
    });
  });

  it('GET /workspaces shows only the key’s workspaces', async () => {
    const key = await gw.createKey({ workspaces: ['team', 'new-team', 'ghost'] });
    const res = await gw.request('GET', '/api/v1/workspaces', { key });
    expect(res.body.data.map((w: { id: string }) => w.id)).toEqual(['new-team', 'team']);
  });

  it('GET /workspaces/{id}: 200, 404 unknown, 403 out of scope, 400 bad id', async () => {
    expect((await gw.request('GET', '/api/v1/workspaces/new-team')).body).toMatchObject({ id: 'new-team' });
    const missing = await gw.request('GET', '/api/v1/workspaces/ghost');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: "workspace 'ghost' not found" } });
    const key = await gw.createKey({ workspaces: ['team'] });
    expect((await gw.request('GET', '/api/v1/workspaces/new-team', { key })).status).toBe(403);
    const bad = await gw.request('GET', '/api/v1/workspaces/Bad_ID');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_error', field: 'workspaceId' });
  });

  it.each([
    [{ id: 'Bad Id' }, 'id'],
    [{ id: '-leading' }, 'id'],
    [{ id: 'x'.repeat(64) }, 'id'],
    [{}, 'id'],
    [{ id: 7 }, 'id'],
    [{ id: 'ok', label: '' }, 'label'],
    [{ id: 'ok', label: 5 }, 'label'],
    [{ id: 'ok', agent: 'genius' }, 'agent'],
    [{ id: 'ok', agent: '' }, 'agent'],
    [{ id: 'ok', skills: ['memory', 'teleport'] }, 'skills'],
    [{ id: 'ok', skills: 'memory' }, 'skills'],
    [{ id: 'ok', extra: true }, 'extra'],
  ])('POST %j → 400 naming %s, nothing stored', async (body, field) => {
    const res = await gw.request('POST', '/api/v1/workspaces', { body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'validation_error',
        message: expect.stringContaining(field),
        field: expect.stringContaining(field),
      },
    });
    expect(await gw.gateway.ctx.stores.workspaces.get('ok')).toBeNull();
  });

  it('unknown agent and skill messages list what is known', async () => {
    const agent = await gw.request('POST', '/api/v1/workspaces', { body: { id: 'ok', agent: 'genius' } });
    expect(agent.body.error.message).toBe("agent: unknown agent preset 'genius'; known: balanced, terse");
    const skill = await gw.request('POST', '/api/v1/workspaces', { body: { id: 'ok', skills: ['teleport'] } });
    expect(skill.body.error.message).toBe("skills: unknown skill 'teleport'; known: github, web-search, memory");
  });

  it('POST a duplicate → 409 (API-made or config-declared), the original untouched', async () => {
    for (const id of ['new-team', 'team']) {
      const res = await gw.request('POST', '/api/v1/workspaces', { body: { id, label: 'Other' } });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: { code: 'already_exists', message: `workspace '${id}' already exists` } });
    }
    expect((await gw.gateway.ctx.stores.workspaces.get('new-team'))!.label).toBe('New Team');
  });

  it('POST concurrently with one id: exactly one 201', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => gw.request('POST', '/api/v1/workspaces', { body: { id: 'race' } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
  });

  it('POST a workspace outside the key’s scope → 403; without workspaces:write → 403', async () => {
    const scoped = await gw.createKey({ workspaces: ['team'] });
    expect((await gw.request('POST', '/api/v1/workspaces', { key: scoped, body: { id: 'elsewhere' } })).status).toBe(
      403,
    );
    const reader = await gw.createKey({ permissions: ['workspaces:read'] });
    const res = await gw.request('POST', '/api/v1/workspaces', { key: reader, body: { id: 'elsewhere' } });
    expect(res.body.error.code).toBe('missing_permission');
    expect(await gw.gateway.ctx.stores.workspaces.get('elsewhere')).toBeNull();
  });

  it('PATCH allowlist applies remove then add, keeps order, ignores duplicates, returns the new list', async () => {
    const path = '/api/v1/workspaces/new-team/allowlist';
    let res = await gw.request('PATCH', path, {
      body: { add: ['telegram:123456789', 'slack:U1', 'telegram:123456789'] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'new-team', allowlist: ['telegram:123456789', 'slack:U1'] });
    res = await gw.request('PATCH', path, {
      body: { add: ['whatsapp:+4912345'], remove: ['telegram:123456789', 'telegram:987654321'] },
    });
    expect(res.body).toEqual({ id: 'new-team', allowlist: ['slack:U1', 'whatsapp:+4912345'] });
    res = await gw.request('PATCH', path, { body: { remove: ['slack:U1', 'whatsapp:+4912345'] } });
    expect(res.body).toEqual({ id: 'new-team', allowlist: [] });
    expect((await gw.gateway.ctx.stores.workspaces.get('new-team'))!.allowlist).toEqual([]);
  });

  it.each([
    [{}, 'body'],
    [{ add: 'telegram:1' }, 'add'],
    [{ add: ['no-colon'] }, 'add.0'],
    [{ add: ['Telegram:1'] }, 'add.0'],
    [{ remove: [1] }, 'remove.0'],
    [{ add: [], other: [] }, 'other'],
  ])('PATCH allowlist %j → 400 naming %s', async (body, field) => {
    const res = await gw.request('PATCH', '/api/v1/workspaces/new-team/allowlist', { body });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', field });
  });

  it('PATCH allowlist: 404 unknown, 409 config-declared, 403 out of scope', async () => {
    expect((await gw.request('PATCH', '/api/v1/workspaces/ghost/allowlist', { body: { add: ['a:1'] } })).status).toBe(
      404,
    );
    const ro = await gw.request('PATCH', '/api/v1/workspaces/team/allowlist', { body: { add: ['a:1'] } });
    expect(ro.status).toBe(409);
    expect(ro.body).toEqual({
      error: {
        code: 'read_only',
        message: "workspace 'team' is declared in openclaw.json and is read-only through the API",
      },
    });
    expect((await gw.gateway.ctx.stores.workspaces.get('team'))!.allowlist).toEqual(['telegram:1']);
    const key = await gw.createKey({ workspaces: ['team'] });
    expect(
      (await gw.request('PATCH', '/api/v1/workspaces/new-team/allowlist', { key, body: { add: ['a:1'] } })).status,
    ).toBe(403);
  });

  it('DELETE: 204 then 404; config-declared → 409; out of scope → 403; hooks run', async () => {
    const deleted: string[] = [];
    gw.gateway.ctx.onWorkspaceDeleted.push((id) => {
      deleted.push(id);
      return Promise.resolve();
    });
    const key = await gw.createKey({ workspaces: ['team'] });
    expect((await gw.request('DELETE', '/api/v1/workspaces/minimal', { key })).status).toBe(403);
    const res = await gw.request('DELETE', '/api/v1/workspaces/minimal');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(deleted).toEqual(['minimal']);
    expect((await gw.request('GET', '/api/v1/workspaces/minimal')).status).toBe(404);
    expect((await gw.request('DELETE', '/api/v1/workspaces/minimal')).status).toBe(404);
    expect((await gw.request('DELETE', '/api/v1/workspaces/team')).status).toBe(409);
    expect((await gw.request('GET', '/api/v1/workspaces')).body.data.map((w: { id: string }) => w.id)).not.toContain(
      'minimal',
    );
  });

  it('config workspaces follow the file on restart; API-made ones are kept', async () => {
    const again = await startTestGateway({
      flush: false,
      config: { workspaces: [{ id: 'ops', label: 'Ops' }] },
    });
    try {
      const ids = (await again.request('GET', '/api/v1/workspaces')).body.data.map(
        (w: { id: string; source: string }) => `${w.id}:${w.source}`,
      );
      expect(ids).toEqual(['brief:api', 'new-team:api', 'ops:config', 'race:api']);
    } finally {
      await again.close();
    }
  });
});
