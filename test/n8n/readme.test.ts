/**
 * The package README's workflow (what a user pastes onto n8n's canvas) runs as printed: its
 * OpenClaw nodes, with a credential picked as the README says, in n8n's engine against a live
 * gateway. The manual trigger is left out (the run starts at the first OpenClaw node).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IConnections, INode } from 'n8n-workflow';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { ACTION, TestCredentialsHelper, credentialsFor, runWorkflow } from './engine';

const readme = readFileSync(join(__dirname, '../../packages/n8n-nodes-openclaw/README.md'), 'utf8');
/** The README's ```json blocks that are whole workflows (nodes and connections). */
const workflows = [...readme.matchAll(/```json\n([\s\S]*?)```/g)]
  .map((m) => JSON.parse(m[1]))
  .filter(
    (b): b is { nodes: INode[]; connections: IConnections } =>
      Array.isArray(b.nodes) && typeof b.connections === 'object',
  );

describe('packages/n8n-nodes-openclaw/README.md', () => {
  let gw: TestGateway;
  let creds: TestCredentialsHelper;
  beforeAll(async () => {
    gw = await startTestGateway();
    creds = new TestCredentialsHelper(credentialsFor(gw.url, gw.adminKey));
  });
  afterAll(async () => {
    await gw.close();
  });

  it('shows one pasteable workflow: Run now → Ask OpenClaw → Conversation so far', () => {
    expect(workflows).toHaveLength(1);
    expect(workflows[0].nodes.map((n) => n.name)).toEqual(['Run now', 'Ask OpenClaw', 'Conversation so far']);
  });

  it('runs as printed: the answer with its session, then that session’s turns oldest first', async () => {
    const [wf] = workflows;
    const nodes = wf.nodes
      .filter((n) => n.type === ACTION)
      .map((n, i) => ({
        ...n,
        id: `readme-${i}`,
        credentials: { openClawApi: { id: 'cred-1', name: 'OpenClaw account' } },
      }));
    const connections = Object.fromEntries(
      Object.entries(wf.connections).filter(([from]) => nodes.some((n) => n.name === from)),
    );
    const result = await runWorkflow(creds, nodes, { connections });
    expect(result.run.status).toBe('success');
    const [answer] = result.output('Ask OpenClaw');
    expect(answer.json).toMatchObject({
      messageId: expect.stringMatching(/^msg_/),
      sessionId: expect.any(String),
      response: expect.any(String),
      finishReason: 'stop',
    });
    const turns = result.output('Conversation so far').map((item) => item.json);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(turns[0].content).toBe("Write three bullet points for this week's release notes.");
    expect(turns[1].content).toBe(answer.json.response);
    // The gateway stored it for the README's user in the default workspace.
    const session = await gw.request('GET', `/api/v1/sessions/${answer.json.sessionId as string}`);
    expect(session.body).toMatchObject({ workspace: 'default', userId: 'release-notes-bot' });
  });
});
