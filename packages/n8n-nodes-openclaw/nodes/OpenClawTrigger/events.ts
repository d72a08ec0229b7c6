import type { INodePropertyOptions } from 'n8n-workflow';

/** The contract's six events plus the scheduler's; the gateway rejects names it does not know. */
export const EVENTS: INodePropertyOptions[] = [
	// n8n's picker lists each as "On <name>": "On agent error".
	{ name: 'Agent Error', value: 'error.agent', description: 'The agent failed to answer a message' },
	{ name: 'Channel Connected', value: 'channel.connected', description: 'A channel is connected again after an outage' },
	{ name: 'Channel Disconnected', value: 'channel.disconnected', description: 'A channel lost its connection' },
	{ name: 'Message Received', value: 'message.received', description: 'A message reached the gateway' },
	{ name: 'Message Sent', value: 'message.sent', description: 'The agent answered a message' },
	{ name: 'Schedule Completed', value: 'schedule.completed', description: 'A scheduled task ran successfully' },
	{ name: 'Schedule Failed', value: 'schedule.failed', description: 'A scheduled task failed' },
	{ name: 'Session Ended', value: 'session.ended', description: 'A session was deleted or went idle' },
	{ name: 'Session Started', value: 'session.started', description: 'A new session began' },
];
