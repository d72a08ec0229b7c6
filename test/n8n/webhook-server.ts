/**
 * The part of n8n that receives production webhook calls, reduced to what a trigger node sees:
 * an express server that keeps the raw body as `req.rawBody` (n8n's raw body reader does the
 * same), calls the trigger's webhook() through n8n-core's WebhookContext, answers as n8n does
 * for `responseMode: onReceived`, and when webhook() returns workflowData runs the workflow in
 * WorkflowExecute starting at the trigger with that data, as n8n's webhook helpers do.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Workflow, INode } from 'n8n-workflow';
import { runWebhook, runWorkflow, type RunResult, type TestCredentialsHelper } from './engine';

export interface N8nWebhookServer {
  baseUrl: string;
  /** Finished executions, in order. */
  executions: RunResult[];
  /** Every call: what the trigger answered. */
  calls: Array<{ status: number; executed: boolean }>;
  close(): Promise<void>;
}

export async function startWebhookServer(
  credentials: TestCredentialsHelper,
  workflow: Workflow,
  nodes: INode[],
  triggerName: string,
): Promise<N8nWebhookServer> {
  const executions: RunResult[] = [];
  const calls: N8nWebhookServer['calls'] = [];
  const app = express();
  app.post('/webhook/:webhookId/webhook', express.raw({ type: '*/*', limit: '16mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    req.rawBody = raw;
    try {
      req.body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch {
      req.body = {};
    }
    try {
      const trigger = workflow.getNode(triggerName)!;
      if (trigger.webhookId !== req.params.webhookId) {
        res.status(404).json({ code: 404, message: 'The requested webhook is not registered.' });
        return;
      }
      const result = await runWebhook(credentials, workflow, triggerName, req, res, baseUrl);
      if (result.noWebhookResponse) {
        calls.push({ status: res.statusCode, executed: false });
        return;
      }
      if (!result.workflowData) {
        res.status(200).json(result.webhookResponse ?? {});
        calls.push({ status: 200, executed: false });
        return;
      }
      res.status(200).json({ message: 'Workflow was started' });
      calls.push({ status: 200, executed: true });
      const items = result.workflowData[0].map((item) => item.json);
      executions.push(await runWorkflow(credentials, nodes, { start: triggerName, items, mode: 'webhook' }));
    } catch (error) {
      if (!res.headersSent) res.status(500).json({ message: (error as Error).message });
    }
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    executions,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
