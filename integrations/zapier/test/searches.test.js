/* globals describe, it, expect, beforeAll, afterAll */
'use strict';

/** The searches against a live gateway: Find Session (a user's sessions in a workspace) and Get Message. */
const zapier = require('zapier-platform-core');
const App = require('../index');
const { startGateway } = require('./helpers/gateway');

const appTester = zapier.createAppTester(App);

describe('searches', () => {
  let gw;
  let sent;
  beforeAll(async () => {
    gw = await startGateway();
    sent = await gw.api('POST', '/messages', {
      workspace: 'team',
      userId: 'slack:U024BE7LH',
      message: 'Remember the offsite',
    });
  });
  afterAll(() => gw && gw.close());

  it("Find Session returns the user's session in the workspace, and nothing for a stranger", async () => {
    const found = await appTester(App.searches.find_session.operation.perform, {
      authData: gw.authData,
      inputData: { workspace: 'team', userId: 'slack:U024BE7LH' },
    });
    expect(found).toEqual([
      expect.objectContaining({
        id: sent.body.sessionId,
        workspace: 'team',
        userId: 'slack:U024BE7LH',
        messageCount: 2,
      }),
    ]);
    expect(
      await appTester(App.searches.find_session.operation.perform, {
        authData: gw.authData,
        inputData: { workspace: 'team', userId: 'nobody' },
      }),
    ).toEqual([]);
  });

  it('Get Message returns the finished message with its answer; an unknown id finds nothing', async () => {
    const [message] = await appTester(App.searches.get_message.operation.perform, {
      authData: gw.authData,
      inputData: { messageId: sent.body.messageId },
    });
    expect(message).toMatchObject({
      id: sent.body.messageId,
      messageId: sent.body.messageId,
      status: 'done',
      response: sent.body.response,
      sessionId: sent.body.sessionId,
    });
    expect(
      await appTester(App.searches.get_message.operation.perform, {
        authData: gw.authData,
        inputData: { messageId: 'msg_doesnotexist' },
      }),
    ).toEqual([]);
  });

  it('Get Message with a malformed id fails with the gateway message', async () => {
    await expect(
      appTester(App.searches.get_message.operation.perform, {
        authData: gw.authData,
        inputData: { messageId: 'not an id' },
      }),
    ).rejects.toThrow(/OpenClaw: params messageId: must match pattern/);
  });
});
