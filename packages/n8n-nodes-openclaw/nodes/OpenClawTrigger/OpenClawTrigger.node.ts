import { randomBytes } from 'crypto';
import type {
	IDataObject,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';
import { listOf } from '../OpenClaw/resources/common';
import { asNodeError, openClawApiRequest } from '../OpenClaw/transport';
import { EVENTS } from './events';
import { verifyDelivery } from './signature';

interface SubscriptionState {
	webhookId?: string;
	secret?: string;
}

const sameSet = (a: unknown, b: string[]) =>
	Array.isArray(a) && a.length === b.length && b.every((v) => a.includes(v));

export class OpenClawTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenClaw Trigger',
		name: 'openClawTrigger',
		icon: { light: 'file:openclaw.svg', dark: 'file:openclaw.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Starts the workflow when OpenClaw events occur',
		defaults: { name: 'OpenClaw Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'openClawApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['message.sent'],
				options: EVENTS,
				description: 'The events that start the workflow',
			},
			{
				displayName: 'Workspace Names or IDs',
				name: 'workspaces',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getWorkspaces' },
				default: [],
				description:
					'Only events of these workspaces; none means every workspace the API key can see. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
		],
	};

	methods = {
		loadOptions: {
			async getWorkspaces(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const body = await openClawApiRequest.call(this, 'GET', '/workspaces');
				return listOf(body, 'workspaces').map((ws) => ({ name: String(ws.label ?? ws.id), value: String(ws.id) }));
			},
		},
	};

	webhookMethods = {
		default: {
			/** True while our subscription still exists with this URL and these events; a stale one is removed. */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as SubscriptionState;
				if (!state.webhookId) return false;
				let subscription: IDataObject;
				try {
					subscription = await openClawApiRequest.call(this, 'GET', `/webhooks/${encodeURIComponent(state.webhookId)}`);
				} catch (error) {
					if (error instanceof NodeApiError && error.httpCode === '404') {
						delete state.webhookId;
						delete state.secret;
						return false;
					}
					throw asNodeError(this.getNode(), error);
				}
				const events = this.getNodeParameter('events') as string[];
				const current =
					subscription.url === this.getNodeWebhookUrl('default') &&
					subscription.enabled !== false &&
					sameSet(subscription.events, events);
				if (!current) {
					await openClawApiRequest.call(this, 'DELETE', `/webhooks/${encodeURIComponent(state.webhookId)}`);
					delete state.webhookId;
					delete state.secret;
				}
				return current;
			},

			/** Subscribes this workflow's webhook URL with a fresh secret kept in the workflow's static data. */
			async create(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as SubscriptionState;
				const secret = randomBytes(32).toString('hex');
				const workspaces = this.getNodeParameter('workspaces', []) as string[];
				const body: IDataObject = {
					url: this.getNodeWebhookUrl('default'),
					events: this.getNodeParameter('events') as string[],
					secret,
					description: `n8n workflow ${this.getWorkflow().id ?? ''}`.trim(),
				};
				if (workspaces.length) body.workspaces = workspaces;
				const subscription = await openClawApiRequest.call(this, 'POST', '/webhooks', { body });
				state.webhookId = String(subscription.id);
				state.secret = secret;
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as SubscriptionState;
				if (state.webhookId) {
					try {
						await openClawApiRequest.call(this, 'DELETE', `/webhooks/${encodeURIComponent(state.webhookId)}`);
					} catch (error) {
						// Already gone on the gateway: the goal of delete is reached.
						if (!(error instanceof NodeApiError && error.httpCode === '404')) throw asNodeError(this.getNode(), error);
					}
				}
				delete state.webhookId;
				delete state.secret;
				return true;
			},
		},
	};

	/**
	 * Verifies the Standard Webhooks signature (id, timestamp and raw body) and refuses timestamps
	 * more than 5 minutes off (replays); a bad, missing or stale one gets 401 and starts nothing.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const state = this.getWorkflowStaticData('node') as SubscriptionState;
		const request = this.getRequestObject();
		const rawBody = request.rawBody as Buffer | undefined;
		if (!state.secret || !rawBody || !verifyDelivery(rawBody, this.getHeaderData() as Record<string, unknown>, state.secret)) {
			this.getResponseObject()
				.status(401)
				.json({ error: { code: 'invalid_signature', message: 'missing or invalid webhook-signature, or a webhook-timestamp more than 5 minutes off' } });
			return { noWebhookResponse: true };
		}
		const event = JSON.parse(rawBody.toString('utf8')) as IDataObject;
		const events = this.getNodeParameter('events') as string[];
		// `ping` (the gateway's test delivery) and events this node no longer wants are acknowledged only.
		if (!events.includes(String(event.event))) return { webhookResponse: { received: true } };
		return { workflowData: [this.helpers.returnJsonArray(event)] };
	}
}
