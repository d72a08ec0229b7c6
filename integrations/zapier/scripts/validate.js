#!/usr/bin/env node
'use strict';

/**
 * `npm run validate`: `zapier validate --without-style` (zapier-platform-cli; offline: the
 * style checks need a Zapier login) when this Node can run the CLI (19.x needs Node 22+);
 * otherwise the same structural check the CLI runs locally: the app's own handler answering
 * the `validate` command with zapier-platform-schema.
 */
const { spawnSync } = require('child_process');
const path = require('path');
const zapier = require('zapier-platform-core');

const major = Number(process.versions.node.split('.')[0]);
if (major >= 22) {
  // Wherever npm put the CLI: this folder's node_modules, or the root's when it is hoisted (npm workspaces).
  const cliPkg = require.resolve('zapier-platform-cli/package.json');
  const cli = path.join(path.dirname(cliPkg), require(cliPkg).bin['zapier-platform']);
  const r = spawnSync(process.execPath, [cli, 'validate', '--without-style'], {
    cwd: path.join(__dirname, '..'),
    stdio: 'inherit',
  });
  process.exit(r.status === null ? 1 : r.status);
}

const handler = zapier.createAppHandler(require('..'));
handler({ command: 'validate' }).then(
  ({ results: errors }) => {
    if (errors.length) {
      console.error(`The app definition has ${errors.length} structural error(s):`);
      for (const e of errors) console.error(`- ${e.property || ''} ${e.message}`);
      process.exit(1);
    }
    console.log(
      `Node ${process.versions.node} cannot run zapier-platform-cli 19 (Node 22+): validated with zapier-platform-schema through the app handler instead.`,
    );
    console.log('This project is structurally sound!');
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
