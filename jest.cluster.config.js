/**
 * `npm run test:cluster`: the messaging, sessions, webhooks, schedules, stats and rate-limit
 * suites, unchanged, against real 3-master, 3-replica Redis Clusters started for the run
 * (test/setup/cluster-global-setup.ts, one per jest worker), plus test/cluster/scale-out.cluster.ts:
 * two gateway processes and one separate worker process on the cluster (docs/deploy.md).
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
  // Left to the one-Redis run, to keep this one near three minutes: what they add on a cluster
  // is covered here already. The *worker-process* files (separate `openclaw worker` processes
  // answering, delivering, running schedules) by scale-out.cluster.ts, where every piece is a
  // separate process; backpressure (an SSE socket that stops reading) by stream.test.ts's
  // resume with Last-Event-ID on the same follower; the standup recipe (a doc's script as its
  // own process) by schedules/runs and webhooks/delivery.
  testPathIgnorePatterns: [
    '/node_modules/',
    '/test/messages/worker-process\\.test\\.ts$',
    '/test/webhooks/worker-process\\.test\\.ts$',
    '/test/schedules/worker-processes\\.test\\.ts$',
    '/test/messages/backpressure\\.test\\.ts$',
    '/test/schedules/recipe\\.test\\.ts$',
  ],
  globalSetup: '<rootDir>/test/setup/cluster-global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/cluster-global-teardown.ts',
  // One cluster per jest worker (flushed per test file): two files at a time, as `npm test` runs.
  maxWorkers: 2,
  // Starting a gateway on a cluster opens a client per node and reads the slot map: more headroom
  // for hooks on a busy machine than the single-Redis run needs.
  testTimeout: 60000,
};
