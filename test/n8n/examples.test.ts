/**
 * The example workflows in examples/n8n (the ones docs/n8n.md shows and the real-n8n e2e
 * imports) work with the nodes as they are: their OpenClaw nodes run in n8n's engine against the
 * live gateway. Slack nodes are left out (no Slack here); the real-n8n e2e disables them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INode } from 'n8n-workflow';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import {
  ACTION,
  TRIGGER,
  TestCredentialsHelper,
  credentialsFor,
  makeWorkflow,
  runWebhookMethod,
  runWorkflow,
} from './engine';

const STICKY = 'n8n-nodes-base.stickyNote';
/** An example workflow; its sticky note (what it needs) is checked apart from the nodes that run. */
const example = (name: string) => {
  const wf = JSON.parse(readFileSync(join(__dirname, '../../examples/n8n', name), 'utf8')) as {
    nodes: INode[];
    connections: Record<string, unknown>;
  };
  const note = wf.nodes.find((n) => n.type === STICKY);
  return {
    ...wf,
    nodes: wf.nodes.filter((n) => n.type !== STICKY),
    note: typeof note?.parameters.content === 'string' ? note.parameters.content : '',
  };
};

describe('examples/n8n workflows', () => {
  let gw: TestGateway;
  let creds: TestCredentialsHelper;
  beforeAll(async () => {
    gw = await startTestGateway({ config: { workspaces: [{ id: 'engineering' }] } });
    creds = new TestCredentialsHelper(credentialsFor(gw.url, gw.adminKey));
  });
  afterAll(async () => {
    await gw.close();
  });

  it('daily standup: Schedule Trigger (and a Run now manual trigger) → OpenClaw Send Message → Slack; the OpenClaw step answers with `response` for Slack', async () => {
    const wf = example('daily-standup.json');
    expect(wf.nodes.map((n) => n.type)).toEqual([
      'n8n-nodes-base.scheduleTrigger',
      'n8n-nodes-base.manualTrigger',
      ACTION,
      'n8n-nodes-base.slack',
    ]);
    expect(wf.nodes[3].parameters.text).toBe('={{ $json.response }}');
    expect(Object.keys(wf.connections).sort()).toEqual(['Ask OpenClaw', 'Every weekday at 9', 'Run now']);
    const ask = wf.nodes.find((n) => n.type === ACTION)!;
    // The note names what a fresh install lacks: the credential, the workspace the node uses, Slack.
    expect(wf.note).toContain('OpenClaw API');
    expect(wf.note).toContain(`**${(ask.parameters.workspace as { value: string }).value}**`);
    expect(wf.note).toContain('Slack');
    const result = await runWorkflow(creds, [ask], { items: [{ timestamp: '2026-04-30T09:00:00+02:00' }] });
    expect(result.run.status).toBe('success');
    expect(result.output(ask.name)[0].json).toMatchObject({
      messageId: expect.stringMatching(/^msg_/),
      response: expect.stringContaining('Summarize all GitHub commits'),
      finishReason: 'stop',
    });
  });

  it('events to Slack: the OpenClaw Trigger activates with its events on the gateway', async () => {
    const wf = example('agent-events-to-slack.json');
    const trigger = wf.nodes.find((n) => n.type === TRIGGER)!;
    expect(wf.note).toContain('webhooks:write');
    const staticData: Record<string, any> = {};
    const workflow = makeWorkflow([trigger], {}, staticData);
    expect(await runWebhookMethod(creds, workflow, trigger.name, 'create', 'http://127.0.0.1:5678')).toBe(true);
    const sub = await gw.request('GET', `/api/v1/webhooks/${staticData[`node:${trigger.name}`].webhookId}`);
    expect(sub.body).toMatchObject({
      url: `http://127.0.0.1:5678/webhook/${trigger.webhookId}/webhook`,
      events: ['message.sent', 'error.agent', 'schedule.failed'],
      workspaces: null,
    });
    expect(await runWebhookMethod(creds, workflow, trigger.name, 'delete', 'http://127.0.0.1:5678')).toBe(true);
  });
});
