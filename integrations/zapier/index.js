'use strict';

const authentication = require('./authentication');
const { befores, afters } = require('./middleware');
const hookTriggers = require('./triggers/events');
const workspace = require('./triggers/workspace');
const sendMessage = require('./creates/send-message');
const createWorkspace = require('./creates/create-workspace');
const updateAllowlist = require('./creates/update-allowlist');
const findSession = require('./searches/find-session');
const getMessage = require('./searches/get-message');

const byKey = (list) => Object.fromEntries(list.map((m) => [m.key, m]));

module.exports = {
  version: require('./package.json').version,
  platformVersion: require('zapier-platform-core').version,

  authentication,
  beforeRequest: [...befores],
  afterResponse: [...afters],

  triggers: byKey([...hookTriggers, workspace]),
  creates: byKey([sendMessage, createWorkspace, updateAllowlist]),
  searches: byKey([findSession, getMessage]),
  resources: {},
};
