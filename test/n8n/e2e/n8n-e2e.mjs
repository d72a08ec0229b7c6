// End-to-end in a real n8n (`npm run test:e2e`): the built pack installed as a community package
// into n8n@2.41.1 on Node 24 (both cached outside the clone, see toolchain.mjs), the example
// workflows and an OpenClaw credential imported, `n8n execute` running the daily-standup workflow's
// Send Message against a live gateway, and `n8n start` with the published OpenClaw Trigger workflow:
// n8n subscribes on the gateway, a message produces an n8n execution carrying the event; then the
// editor in a real browser (editor.mjs: picker, panels, a run and an error, with screenshots in
// test-output/n8n-editor/), and stopping n8n leaves no process behind. n8n's output goes to files
// (it hangs on a broken pipe).
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EDITOR_WORKFLOW_ID, editorWorkflow, runEditorChecks } from './editor.mjs';
import { ensureToolchain, npm } from './toolchain.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'openclaw-n8n-e2e-'));
const log = (line) => console.log(`[e2e] ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];

/** `promise`, or 'timeout' after `ms`; the timer is cleared either way so it never holds the process open. */
async function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function fail(message) {
  throw new Error(message);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** A long-running process in its own process group, output to a file. */
function start(name, command, args, env) {
  const file = join(work, `${name}.log`);
  const fd = openSync(file, 'a');
  const child = spawn(command, args, { cwd: work, env, detached: true, stdio: ['ignore', fd, fd] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const proc = { name, child, file, exited, output: () => readFileSync(file, 'utf8') };
  children.push(proc);
  return proc;
}

async function waitFor(what, check, timeoutMs = 60000, everyMs = 200) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Pids of running processes of this run: their environment carries `marker` (n8n, its task
 * runners and the gateway inherit it) or they work inside `dir` (the gateway's embedded Redis,
 * which it starts with a clean environment in its state directory).
 */
function processesWith(marker, dir = work) {
  const pids = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) pids.push(Number(pid));
      else if (dir && readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) pids.push(Number(pid));
    } catch {
      /* gone or not ours to read */
    }
  }
  return pids.filter((pid) => pid !== process.pid);
}

async function stop(proc, timeoutMs = 60000) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited;
  process.kill(-proc.child.pid, 'SIGTERM');
  const result = await withTimeout(proc.exited, timeoutMs);
  if (result === 'timeout') fail(`${proc.name} did not stop within ${timeoutMs} ms after SIGTERM`);
  return result;
}

async function main() {
  const { node: node24, n8n, n8nDir } = ensureToolchain(log);
  log(`work dir ${work}`);

  // --- gateway -------------------------------------------------------------------------------
  if (!existsSync(join(ROOT, 'dist/server/cli/index.js'))) fail('dist/ is missing: run `npm run build` first');
  const PACK = join(ROOT, 'packages/n8n-nodes-openclaw');
  if (!existsSync(join(PACK, 'dist/nodes/OpenClaw/OpenClaw.node.js')))
    fail('packages/n8n-nodes-openclaw/dist is missing: run `npm run build:n8n` first');
  const gwPort = await freePort();
  writeFileSync(
    join(work, 'openclaw.json'),
    JSON.stringify({
      api: { port: gwPort, host: '127.0.0.1' },
      workspaces: [{ id: 'engineering', label: 'Engineering' }],
      webhooks: { retrySchedule: [100, 200, 400] },
    }),
  );
  // Each process tree is recognised by a variable its processes inherit.
  const gatewayMarker = `OPENCLAW_N8N_E2E_GATEWAY=${work}`;
  const n8nMarker = `OPENCLAW_N8N_E2E_N8N=${work}`;
  const gatewayEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OPENCLAW_N8N_E2E_GATEWAY: work,
    OPENCLAW_STATE_DIR: join(work, 'gateway-state'),
    LOG_LEVEL: 'warn',
  };
  const gateway = start(
    'gateway',
    process.execPath,
    [join(ROOT, 'dist/server/cli/index.js'), 'start', '--config', join(work, 'openclaw.json')],
    gatewayEnv,
  );
  const apiKey = await waitFor('the gateway admin key', () => /API Key: (oclaw_live_\S+)/.exec(gateway.output())?.[1]);
  await waitFor('the gateway to listen', () => gateway.output().includes('Listening on'));
  const gwUrl = `http://127.0.0.1:${gwPort}`;
  const api = async (method, path, body) => {
    const res = await fetch(`${gwUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  await waitFor('gateway health', async () => (await api('GET', '/health')).status === 200);
  log(`gateway up on ${gwUrl}`);

  // --- n8n with the pack installed as a community package ------------------------------------
  const userFolder = join(work, 'n8n-user');
  const nodesDir = join(userFolder, '.n8n', 'nodes');
  mkdirSync(nodesDir, { recursive: true });
  writeFileSync(join(nodesDir, 'package.json'), '{"name":"installed-nodes","private":true}\n');
  const packed = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
    cwd: PACK,
    encoding: 'utf8',
  });
  const tarball = join(work, JSON.parse(packed)[0].filename);
  // The peer n8n-workflow is n8n's own; --legacy-peer-deps keeps npm from installing a second copy.
  npm(process.execPath, nodesDir, ['install', tarball, '--legacy-peer-deps', '--ignore-scripts']);
  log(`pack installed into ${nodesDir}`);

  const n8nPort = await freePort();
  const n8nEnv = {
    PATH: `${dirname(node24)}:${process.env.PATH}`,
    HOME: process.env.HOME,
    OPENCLAW_N8N_E2E_N8N: work,
    N8N_USER_FOLDER: userFolder,
    N8N_PORT: String(n8nPort),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    WEBHOOK_URL: `http://127.0.0.1:${n8nPort}/`,
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_SECURE_COOKIE: 'false',
    N8N_LOG_LEVEL: 'info',
    N8N_LOG_OUTPUT: 'console',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
    EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
  };
  let step = 0;
  const n8nCli = async (args, timeoutMs = 180000) => {
    const proc = start(`n8n-${++step}-${args[0].replace(/\W/g, '_')}`, node24, [n8n, ...args], n8nEnv);
    const code = await withTimeout(proc.exited, timeoutMs);
    if (code === 'timeout') {
      await stop(proc, 10000).catch(() => process.kill(-proc.child.pid, 'SIGKILL'));
      fail(`n8n ${args.join(' ')} timed out; output in ${proc.file}`);
    }
    if (code !== 0) fail(`n8n ${args.join(' ')} exited with ${code}:\n${proc.output().slice(-3000)}`);
    return proc.output();
  };

  writeFileSync(
    join(work, 'credentials.json'),
    JSON.stringify([
      { id: 'openclaw-credential', name: 'OpenClaw account', type: 'openClawApi', data: { baseUrl: gwUrl, apiKey } },
    ]),
  );
  await n8nCli(['import:credentials', `--input=${join(work, 'credentials.json')}`]);
  // The examples as published, with their Slack nodes disabled (no Slack workspace here).
  for (const file of ['daily-standup.json', 'agent-events-to-slack.json']) {
    const wf = JSON.parse(readFileSync(join(ROOT, 'examples/n8n', file), 'utf8'));
    for (const n of wf.nodes) if (n.type === 'n8n-nodes-base.slack') n.disabled = true;
    writeFileSync(join(work, file), JSON.stringify(wf));
    await n8nCli(['import:workflow', `--input=${join(work, file)}`]);
  }
  // The workflow the browser part runs Send Message in.
  writeFileSync(join(work, 'editor.json'), JSON.stringify(editorWorkflow('openclaw-credential')));
  await n8nCli(['import:workflow', `--input=${join(work, 'editor.json')}`]);
  log('credential and workflows imported');

  // --- n8n execute: Schedule Trigger → OpenClaw Send Message ------------------------------------
  const executed = await n8nCli(['execute', '--id=openclawStandup01', '--rawOutput']);
  const json = executed.slice(executed.indexOf('{'), executed.lastIndexOf('}') + 1);
  const run = JSON.parse(json);
  const askOutput = run.data?.resultData?.runData?.['Ask OpenClaw']?.[0]?.data?.main?.[0]?.[0]?.json;
  if (!askOutput) fail(`no output of "Ask OpenClaw" in n8n execute:\n${executed.slice(-3000)}`);
  if (
    !/^msg_/.test(askOutput.messageId) ||
    !/^sess_/.test(askOutput.sessionId) ||
    !askOutput.response.includes('Summarize all GitHub commits')
  ) {
    fail(`unexpected Send Message output: ${JSON.stringify(askOutput)}`);
  }
  const stored = await api('GET', `/messages/${askOutput.messageId}`);
  if (stored.status !== 200 || stored.body.response !== askOutput.response)
    fail(`gateway does not have ${askOutput.messageId}`);
  log(`n8n execute: Send Message answered ${askOutput.messageId} (${askOutput.tokensUsed} tokens)`);

  // --- n8n start with the published trigger workflow ------------------------------------------
  await n8nCli(['publish:workflow', '--id=openclawEvents01']).catch(async (error) => {
    // Older CLIs call it update:workflow --active=true.
    log(`publish:workflow failed (${error.message.split('\n')[0]}); trying update:workflow --active=true`);
    await n8nCli(['update:workflow', '--id=openclawEvents01', '--active=true']);
  });
  const server = start('n8n-start', node24, [n8n, 'start'], n8nEnv);
  await waitFor(
    'n8n to answer /healthz',
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${n8nPort}/healthz`)).status === 200;
      } catch {
        return false;
      }
    },
    180000,
    500,
  );
  const subscription = await waitFor(
    'n8n to subscribe on the gateway',
    async () => {
      const list = await api('GET', '/webhooks');
      return list.body.data?.find((w) => w.url.startsWith(`http://127.0.0.1:${n8nPort}/webhook/`));
    },
    120000,
    500,
  );
  log(`n8n subscribed: ${subscription.id} → ${subscription.url} for ${subscription.events.join(', ')}`);

  const sent = await api('POST', '/messages', {
    workspace: 'engineering',
    userId: 'e2e-user',
    message: 'hello from the n8n e2e',
  });
  if (sent.status !== 200) fail(`send failed: ${JSON.stringify(sent)}`);
  const delivery = await waitFor(
    'the message.sent delivery to be accepted by n8n',
    async () => {
      const list = await api('GET', `/webhooks/${subscription.id}/deliveries`);
      return list.body.data?.find((d) => d.event === 'message.sent' && d.status === 'delivered');
    },
    60000,
    500,
  );
  log(`gateway delivered ${delivery.id} to n8n (HTTP ${delivery.lastStatus})`);

  // The execution, read from n8n's own database with n8n's sqlite3 module.
  const db = join(userFolder, '.n8n', 'database.sqlite');
  const query = `
    const sqlite3 = require(${JSON.stringify(join(n8nDir, 'node_modules', 'sqlite3'))});
    const db = new sqlite3.Database(${JSON.stringify(db)}, sqlite3.OPEN_READONLY);
    db.all("SELECT e.id, e.status, e.mode, d.data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = 'openclawEvents01'",
      (err, rows) => { if (err) { console.error(err.message); process.exit(1); } console.log(JSON.stringify(rows)); db.close(); });`;
  const execution = await waitFor(
    'an n8n execution carrying the event',
    () => {
      const rows = JSON.parse(execFileSync(node24, ['-e', query], { encoding: 'utf8' }));
      return rows.find(
        (r) => r.status === 'success' && r.data.includes(sent.body.messageId) && r.data.includes('message.sent'),
      );
    },
    60000,
    1000,
  );
  log(
    `n8n execution ${execution.id} (${execution.mode}, ${execution.status}) carries message.sent for ${sent.body.messageId}`,
  );

  // A forged call is refused by the trigger and starts nothing.
  const forged = await fetch(subscription.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-openclaw-signature': 'sha256=00' },
    body: '{"event":"message.sent","data":{}}',
  });
  if (forged.status !== 401) fail(`a forged call got ${forged.status}, expected 401`);
  log('forged call refused with 401');

  // --- the editor in a real browser ------------------------------------------------------------
  const outDir = join(ROOT, 'test-output', 'n8n-editor');
  const editor = await runEditorChecks({ n8nUrl: `http://127.0.0.1:${n8nPort}`, outDir, log, gatewayApi: api });
  log(
    `editor: ${EDITOR_WORKFLOW_ID} answered ${editor.answered} in the output panel; ${editor.shots.length} screenshots in ${outDir}`,
  );

  // --- stop n8n cleanly -----------------------------------------------------------------------
  const stopped = await stop(server);
  // n8n 2.41.1 on Node 24 sometimes dies with SIGSEGV in native teardown after its own shutdown
  // finished (seen in about 1 of 4 runs here): reported, not failed; anything else fails.
  const shutDown = server.output().includes('Stopping n8n...');
  if (stopped === 'SIGSEGV' && shutDown)
    log(`WARNING: n8n finished its shutdown, then exited with SIGSEGV (native teardown); see ${server.file}`);
  else if (stopped !== 0) fail(`n8n did not stop cleanly on SIGTERM: exit ${stopped}; see ${server.file}`);
  await waitFor(
    'every n8n process to be gone',
    () => processesWith(n8nMarker, userFolder).length === 0,
    30000,
    500,
  ).catch(() => fail(`processes left after stopping n8n: ${processesWith(n8nMarker, userFolder).join(', ')}`));
  log(`n8n stopped (exit ${stopped}); no n8n process left`);

  await stop(gateway);
  await waitFor(
    'the gateway and its embedded Redis to be gone',
    () => processesWith(gatewayMarker, join(work, 'gateway-state')).length === 0,
    30000,
    500,
  );
  log('gateway stopped; no process of this run left');
  if (!process.env.OPENCLAW_N8N_E2E_KEEP) rmSync(work, { recursive: true, force: true });
  log('PASS');
}

main()
  .catch((error) => {
    console.error(`[e2e] FAIL: ${error.stack ?? error}`);
    console.error(`[e2e] logs are in ${work}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    // After a failure: stop what still runs gracefully (the gateway then stops its Redis), then
    // kill whatever is left of this run.
    for (const proc of children.filter((p) => p.child.exitCode === null && p.child.signalCode === null).reverse()) {
      await stop(proc, 20000).catch(() => undefined);
    }
    for (const pid of processesWith(`=${work}`, work)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
