/** The admin console in a real browser (playwright-core + Debian's chromium): `npm run test:browser`, not part of `npm test`. */
const base = require('./jest.config.js');
module.exports = {
  ...base,
  testMatch: ['**/*.browser.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
