/**
 * Runs workflows containing the pack's nodes in n8n's own engine (n8n-core WorkflowExecute), the
 * way n8n's CLI does, minus the database: real node types, a credentials helper that applies the
 * credential's generic `authenticate` through n8n's expression engine, lifecycle hooks that
 * collect the run and any streamed chunks, and n8n-core's HookContext / WebhookContext /
 * LoadOptionsContext for the trigger's webhook methods, webhook() and list search.
 */
import './env';
import { ExecutionLifecycleHooks, HookContext, LoadOptionsContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
  createRunExecutionData,
  ICredentialsHelper,
  NodeHelpers,
  Workflow,
  type IAuthenticateGeneric,
  type ICredentialDataDecryptedObject,
  type ICredentials,
  type ICredentialType,
  type IConnections,
  type IDataObject,
  type IHttpRequestOptions,
  type INode,
  type INodeExecutionData,
  type INodeProperties,
  type INodeType,
  type INodeTypes,
  type IRun,
  type IWebhookData,
  type IWebhookResponseData,
  type IWorkflowExecuteAdditionalData,
  type StructuredChunk,
} from 'n8n-workflow';
import type { Request, Response } from 'express';
import { OpenClawApi } from '../../packages/n8n-nodes-openclaw/credentials/OpenClawApi.credentials';
import { OpenClaw } from '../../packages/n8n-nodes-openclaw/nodes/OpenClaw/OpenClaw.node';
import { OpenClawTrigger } from '../../packages/n8n-nodes-openclaw/nodes/OpenClawTrigger/OpenClawTrigger.node';

export const ACTION = 'n8n-nodes-openclaw.openClaw';
export const TRIGGER = 'n8n-nodes-openclaw.openClawTrigger';
export const NOOP = 'test.noOp';

/** A pass-through node so workflows can have a downstream step, as in n8n's NoOp node. */
class NoOp implements INodeType {
  description = {
    displayName: 'No Op',
    name: 'noOp',
    group: ['transform'],
    version: 1,
    description: 'passes items on',
    defaults: { name: 'No Op' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [],
  } as unknown as INodeType['description'];
  execute(this: any): Promise<INodeExecutionData[][]> {
    return Promise.resolve([this.getInputData()]);
  }
}

const nodeTypeMap: Record<string, INodeType> = {
  [ACTION]: new OpenClaw(),
  [TRIGGER]: new OpenClawTrigger(),
  [NOOP]: new NoOp(),
};
const credentialTypes: Record<string, ICredentialType> = { openClawApi: new OpenClawApi() };

export const nodeTypes: INodeTypes = {
  getByName: (type) => nodeTypeMap[type],
  getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(nodeTypeMap[type], version),
  getKnownTypes: () => ({}),
};

/** Holds decrypted credentials by type and authenticates requests like n8n's CLI CredentialsHelper. */
export class TestCredentialsHelper extends ICredentialsHelper {
  constructor(public data: Record<string, ICredentialDataDecryptedObject>) {
    super();
  }
  getParentTypes(): string[] {
    return [];
  }
  isCredentialUsableByNode(): boolean {
    return true;
  }
  authenticate(
    credentials: ICredentialDataDecryptedObject,
    typeName: string,
    requestOptions: IHttpRequestOptions,
    workflow?: Workflow,
    node?: INode,
  ): Promise<IHttpRequestOptions> {
    const auth = credentialTypes[typeName].authenticate as IAuthenticateGeneric;
    const resolve = (value: unknown) =>
      typeof value === 'string' && value.startsWith('=') && workflow && node
        ? workflow.expression.getSimpleParameterValue(
            node,
            value,
            'internal',
            { $credentials: credentials },
            undefined,
            '',
          )
        : value;
    const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
    for (const [where, values] of Object.entries(auth.properties)) {
      options[where] = { ...(options[where] ?? {}) };
      for (const [key, value] of Object.entries(values as IDataObject)) options[where][key] = resolve(value);
    }
    return Promise.resolve(requestOptions);
  }
  preAuthentication(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  runPreAuthentication(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  getCredentials(): Promise<ICredentials> {
    return Promise.reject(new Error('not used'));
  }
  getDecrypted(_a: IWorkflowExecuteAdditionalData, _c: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
    const data = this.data[type];
    if (!data) return Promise.reject(new Error(`no credentials of type ${type}`));
    return Promise.resolve({ ...data });
  }
  async updateCredentials(): Promise<void> {}
  async updateCredentialsOauthTokenData(): Promise<void> {}
  getCredentialsProperties(type: string): INodeProperties[] {
    return credentialTypes[type].properties;
  }
}

export interface Engine {
  credentials: TestCredentialsHelper;
  webhookBaseUrl: string;
}

export function credentialsFor(baseUrl: string, apiKey: string): Record<string, ICredentialDataDecryptedObject> {
  return { openClawApi: { baseUrl, apiKey } };
}

function additionalData(
  credentials: TestCredentialsHelper,
  hooks: ExecutionLifecycleHooks | undefined,
  opts: { streaming?: boolean; webhookBaseUrl?: string } = {},
) {
  const base = opts.webhookBaseUrl ?? 'http://127.0.0.1:5678';
  return {
    credentialsHelper: credentials,
    hooks,
    executeWorkflow: () => Promise.reject(new Error('sub-workflows are not used here')),
    getRunExecutionData: () => Promise.resolve(undefined),
    getRuntimeCredential: () => Promise.resolve(undefined),
    currentNodeExecutionIndex: 0,
    streamingEnabled: opts.streaming === true,
    restApiUrl: `${base}/rest`,
    instanceBaseUrl: `${base}/`,
    formBaseUrl: `${base}/form`,
    formWaitingBaseUrl: `${base}/form-waiting`,
    formTestBaseUrl: `${base}/form-test`,
    webhookBaseUrl: `${base}/webhook`,
    webhookWaitingBaseUrl: `${base}/webhook-waiting`,
    webhookTestBaseUrl: `${base}/webhook-test`,
    mcpBaseUrl: `${base}/mcp`,
    mcpTestBaseUrl: `${base}/mcp-test`,
    variables: {},
    logAiEvent: () => undefined,
    userId: 'user-1',
  } as unknown as IWorkflowExecuteAdditionalData;
}

let nodeCounter = 0;
export function node(
  type: string,
  parameters: IDataObject,
  name = `Node ${++nodeCounter}`,
  extra: Partial<INode> = {},
): INode {
  return {
    id: `node-${nodeCounter}-${name.replace(/\W/g, '')}`,
    name,
    type,
    // The action node's current version (what the editor adds); tests of version 1 pass typeVersion.
    typeVersion: type === ACTION ? 1.1 : 1,
    position: [0, 0],
    parameters: parameters as INode['parameters'],
    credentials: type === NOOP ? undefined : { openClawApi: { id: 'cred-1', name: 'OpenClaw account' } },
    ...extra,
  };
}

export function makeWorkflow(nodes: INode[], connections: IConnections = {}, staticData: IDataObject = {}): Workflow {
  return new Workflow({
    id: 'wf-1',
    name: 'test workflow',
    nodes,
    connections,
    active: false,
    nodeTypes,
    staticData,
    settings: {},
  });
}

/** Connects nodes one after the other on their main output. */
export function chain(...names: string[]): IConnections {
  const connections: IConnections = {};
  for (let i = 0; i + 1 < names.length; i++) {
    connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
  }
  return connections;
}

export interface RunResult {
  run: IRun;
  chunks: StructuredChunk[];
  /** Items a node output on its first run (main output 0). */
  output(nodeName: string): INodeExecutionData[];
  /** The error a node ended with, if any. */
  error(nodeName: string): any;
}

/**
 * Executes `nodes` in WorkflowExecute, starting at `start` with `items` as its input (what a
 * Manual or Schedule trigger would hand on), in the given mode.
 */
export async function runWorkflow(
  credentials: TestCredentialsHelper,
  nodes: INode[],
  opts: {
    start?: string;
    items?: IDataObject[];
    connections?: IConnections;
    streaming?: boolean;
    mode?: 'manual' | 'webhook' | 'trigger';
  } = {},
): Promise<RunResult> {
  const start = opts.start ?? nodes[0].name;
  const connections = opts.connections ?? chain(...nodes.map((n) => n.name));
  const workflow = makeWorkflow(nodes, connections);
  const mode = opts.mode ?? 'manual';
  const chunks: StructuredChunk[] = [];
  const hooks = new ExecutionLifecycleHooks(mode, 'exec-1', {
    id: 'wf-1',
    name: 'test',
    nodes,
    connections,
    active: false,
    settings: {},
    createdAt: new Date(),
    updatedAt: new Date(),
    isArchived: false,
  } as any);
  const done = new Promise<IRun>((resolve) => hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)));
  if (opts.streaming) hooks.addHandler('sendChunk', (chunk) => void chunks.push(chunk));
  const items = (opts.items ?? [{}]).map((json) => ({ json }));
  const runData = createRunExecutionData({
    executionData: { nodeExecutionStack: [{ node: workflow.getNode(start)!, data: { main: [items] }, source: null }] },
  });
  const execution = new WorkflowExecute(
    additionalData(credentials, hooks, { streaming: opts.streaming }),
    mode,
    runData,
  );
  await execution.processRunExecutionData(workflow);
  const run = await done;
  const taskOf = (name: string) => run.data.resultData.runData[name]?.[0];
  return {
    run,
    chunks,
    output: (name) => taskOf(name)?.data?.main?.[0] ?? [],
    error: (name) => taskOf(name)?.error,
  };
}

/** The trigger's webhookMethods.default[method], called through n8n-core's HookContext like n8n's activation does. */
export async function runWebhookMethod(
  credentials: TestCredentialsHelper,
  workflow: Workflow,
  triggerName: string,
  method: 'checkExists' | 'create' | 'delete',
  webhookBaseUrl: string,
): Promise<boolean | undefined> {
  const trigger = workflow.getNode(triggerName)!;
  const webhookData = webhookDataOf(workflow, trigger, webhookBaseUrl);
  const context = new HookContext(
    workflow,
    trigger,
    additionalData(credentials, undefined, { webhookBaseUrl }),
    'trigger',
    'activate',
    webhookData,
  );
  const methods = (nodeTypeMap[TRIGGER] as OpenClawTrigger).webhookMethods.default;
  return await methods[method].call(context);
}

export function webhookDataOf(workflow: Workflow, trigger: INode, webhookBaseUrl: string): IWebhookData {
  return {
    httpMethod: 'POST',
    node: trigger.name,
    path: `${trigger.webhookId}/webhook`,
    webhookDescription: (nodeTypeMap[TRIGGER].description.webhooks ?? [])[0],
    workflowId: workflow.id,
    workflowExecuteAdditionalData: additionalData(new TestCredentialsHelper({}), undefined, { webhookBaseUrl }),
    webhookId: trigger.webhookId,
  };
}

/** The trigger's webhook(), called through n8n-core's WebhookContext with a real express request/response. */
export async function runWebhook(
  credentials: TestCredentialsHelper,
  workflow: Workflow,
  triggerName: string,
  req: Request,
  res: Response,
  webhookBaseUrl: string,
): Promise<IWebhookResponseData> {
  const trigger = workflow.getNode(triggerName)!;
  const data = additionalData(credentials, undefined, { webhookBaseUrl });
  data.httpRequest = req;
  data.httpResponse = res;
  const webhookData = { ...webhookDataOf(workflow, trigger, webhookBaseUrl), workflowExecuteAdditionalData: data };
  const context = new WebhookContext(workflow, trigger, data, 'webhook', webhookData, [], null);
  return await (nodeTypeMap[TRIGGER] as OpenClawTrigger).webhook.call(context);
}

/** The action node's list search, through n8n-core's LoadOptionsContext as the editor would call it. */
export async function searchWorkspaces(credentials: TestCredentialsHelper, filter?: string) {
  const actionNode = node(ACTION, { resource: 'workspace', operation: 'get' }, 'OpenClaw search');
  const workflow = makeWorkflow([actionNode]);
  const context = new LoadOptionsContext(
    workflow,
    actionNode,
    additionalData(credentials, undefined),
    'parameters.workspace',
  );
  return await (nodeTypeMap[ACTION] as OpenClaw).methods.listSearch.searchWorkspaces.call(context, filter);
}
