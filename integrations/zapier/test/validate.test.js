/* globals describe, it, expect */
'use strict';

/**
 * The app definition passes the structural validation `zapier validate` runs locally (the app
 * handler's `validate` command, zapier-platform-schema); `npm run validate` runs the CLI itself
 * where Node 22+ is available. A broken definition is refused, so the check can fail.
 */
const zapier = require('zapier-platform-core');
const App = require('../index');

const validate = async (app) => (await zapier.createAppHandler(app)({ command: 'validate' })).results;

describe('app definition', () => {
  it('is structurally sound', async () => {
    expect(await validate(App)).toEqual([]);
  });

  it('a trigger without perform is refused', async () => {
    const broken = {
      ...App,
      triggers: { ...App.triggers, workspace: { ...App.triggers.workspace, operation: { sample: {} } } },
    };
    const errors = await validate(broken);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('offers the triggers, creates and searches the docs describe', () => {
    expect(Object.keys(App.triggers).sort()).toEqual([
      'agent_error',
      'channel_disconnected',
      'new_agent_answer',
      'schedule_completed',
      'session_ended',
      'session_started',
      'workspace',
    ]);
    expect(Object.keys(App.creates).sort()).toEqual(['create_workspace', 'send_message', 'update_allowlist']);
    expect(Object.keys(App.searches).sort()).toEqual(['find_session', 'get_message']);
    for (const key of Object.keys(App.triggers).filter((k) => k !== 'workspace')) {
      expect(App.triggers[key].operation).toMatchObject({
        type: 'hook',
        performSubscribe: expect.any(Function),
        performUnsubscribe: expect.any(Function),
        performList: expect.any(Function),
      });
    }
    expect(App.creates.send_message.operation.performResume).toEqual(expect.any(Function));
  });
});
