/**
 * The fault suite (`npm run test:faults`): real processes, a real redis-server, local fakes;
 * each scenario kills, restarts or starves something and checks that nothing was lost.
 * Kept out of `npm test` (test/faults/*.fault.ts does not match *.test.ts) and run by .ci/run.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['**/test/faults/**/*.fault.ts'],
  testTimeout: 180000,
  // Scenarios start and kill processes and measure RSS: one at a time keeps figures readable.
  maxWorkers: 1,
};
