/**
 * `npm run test:cluster`: the messaging, sessions, webhooks, schedules, stats and rate-limit
 * suites, unchanged, against a real 3-master, 3-replica Redis Cluster started for the run
 * (test/setup/cluster-global-setup.ts), plus test/cluster/scale-out.cluster.ts: two gateway
 * processes and one separate worker process on the cluster (docs/deploy.md).
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: [
    '**/test/messages/**/*.test.ts',
    '**/test/sessions/**/*.test.ts',
    '**/test/webhooks/**/*.test.ts',
    '**/test/schedules/**/*.test.ts',
    '**/test/stats/**/*.test.ts',
    '**/test/foundation/auth.test.ts',
    '**/test/cluster/**/*.cluster.ts',
  ],
  globalSetup: '<rootDir>/test/setup/cluster-global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/cluster-global-teardown.ts',
  // One cluster for the run, flushed per test file: one test file at a time.
  maxWorkers: 1,
  // Starting a gateway on a cluster opens a client per node and reads the slot map: more headroom
  // for hooks on a busy machine than the single-Redis run needs.
  testTimeout: 60000,
};
