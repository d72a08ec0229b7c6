// The pack as people meet it in n8n's editor, driven in a real browser (playwright-core with
// Debian's chromium, no browser download) against the running n8n of the end-to-end run: sign in,
// find both nodes and their actions in the node picker, open the Trigger and Send Message panels,
// run Send Message against the live gateway and read its answer in the output panel, and see an
// unknown workspace fail with a plain title. Every step leaves a screenshot in `outDir`.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, selectors } from 'playwright-core';

export const EDITOR_WORKFLOW_ID = 'openclawEditor01';
const MESSAGE = 'hello from the n8n editor';

/** A workflow the run imports before n8n starts: a manual trigger and two Send Message nodes, one for an unknown workspace. */
export function editorWorkflow(credentialId) {
  const send = (name, workspace, y) => ({
    id: `editor-${name.toLowerCase().replace(/\W/g, '-')}`,
    name,
    type: 'n8n-nodes-openclaw.openClaw',
    typeVersion: 1.1,
    position: [280, y],
    parameters: {
      resource: 'message',
      operation: 'send',
      workspace,
      userId: 'editor-user',
      message: MESSAGE,
      options: {},
    },
    credentials: { openClawApi: { id: credentialId, name: 'OpenClaw account' } },
  });
  return {
    id: EDITOR_WORKFLOW_ID,
    name: 'OpenClaw in the editor',
    active: false,
    nodes: [
      {
        id: 'editor-manual',
        name: 'Run now',
        type: 'n8n-nodes-base.manualTrigger',
        typeVersion: 1,
        position: [0, 100],
        parameters: {},
      },
      send('Send Message', { __rl: true, mode: 'list', value: 'engineering', cachedResultName: 'Engineering' }, 0),
      send('Unknown Workspace', { __rl: true, mode: 'id', value: 'ghost' }, 200),
    ],
    connections: {
      'Run now': {
        main: [
          [
            { node: 'Send Message', type: 'main', index: 0 },
            { node: 'Unknown Workspace', type: 'main', index: 0 },
          ],
        ],
      },
    },
    settings: { executionOrder: 'v1' },
    pinData: {},
  };
}

/** n8n's owner account, set up through its REST API as the setup page would. */
async function setUpOwner(n8nUrl, owner) {
  const res = await fetch(`${n8nUrl}/rest/owner/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: owner.email, firstName: 'Editor', lastName: 'Check', password: owner.password }),
  });
  if (res.status !== 200) throw new Error(`owner setup answered ${res.status}: ${await res.text()}`);
}

export async function runEditorChecks({
  n8nUrl,
  outDir,
  log,
  gatewayApi,
  chromiumPath = process.env.OPENCLAW_CHROMIUM ?? '/usr/bin/chromium',
}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const owner = { email: 'editor@openclaw.test', password: 'Editor-check-1' };
  await setUpOwner(n8nUrl, owner);

  // n8n marks its elements with data-test-id (not Playwright's default data-testid).
  selectors.setTestIdAttribute('data-test-id');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  const shots = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: n8nUrl });
    // Generous: the machine running this may be busy, and the first load fetches n8n's whole editor.
    context.setDefaultTimeout(60000);
    context.setDefaultNavigationTimeout(120000);
    const page = await context.newPage();
    const byId = (id) => page.getByTestId(id);
    let n = 0;
    /** One user-visible step; its screenshot is taken whether it passes or fails. */
    const step = async (name, fn) => {
      const file = join(outDir, `${String(++n).padStart(2, '0')}-${name}.png`);
      const started = Date.now();
      try {
        await fn();
      } finally {
        const ran = Date.now() - started;
        // Panels slide and toasts fade in: let running (finite) animations end before the picture.
        await page
          .waitForFunction(
            () =>
              document
                .getAnimations()
                .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
            null,
            { timeout: 5000 },
          )
          .catch(() => undefined);
        await page.screenshot({ path: file }).catch(() => undefined);
        shots.push(file);
        log(`editor: ${name} (${ran} ms, screenshot after ${Date.now() - started} ms)`);
      }
    };
    const expectVisible = async (locator, what) => {
      await locator
        .first()
        .waitFor({ state: 'visible' })
        .catch(() => {
          throw new Error(`not shown in the editor: ${what}`);
        });
    };
    /** Clicks until `shown` appears: a click that lands while a panel is still mounting is lost on a busy machine. */
    const openUntil = async (target, shown, what, tries = 4) => {
      for (let i = 1; ; i++) {
        await target.click();
        try {
          await shown.first().waitFor({ state: 'visible', timeout: 15000 });
          return;
        } catch {
          if (i === tries) throw new Error(`not shown in the editor: ${what}`);
          await page.keyboard.press('Escape');
        }
      }
    };
    const creator = () => byId('node-creator');
    const pickerItem = (text) =>
      creator()
        .getByTestId('item-iterator-item')
        .filter({ has: page.getByText(text, { exact: true }) });

    await step('signed-in', async () => {
      await page.goto('/signin');
      await page.getByLabel('Email').fill(owner.email);
      await page.getByLabel('Password').fill(owner.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
      // The workflow list, with the imported workflows.
      await expectVisible(page.getByText('OpenClaw in the editor'), 'the imported workflows after signing in');
    });

    await step('trigger-picker-search', async () => {
      await page.goto('/workflow/new');
      await openUntil(byId('canvas-add-button'), page.getByText('What triggers this workflow?'), 'the trigger picker');
      await byId('node-creator-search-bar').fill('OpenClaw');
      await expectVisible(pickerItem('OpenClaw'), 'OpenClaw in the trigger picker search');
    });

    await step('trigger-picker-actions', async () => {
      await pickerItem('OpenClaw').first().click();
      await page.getByText('What triggers this workflow?').waitFor({ state: 'hidden' });
      for (const text of ['Triggers (9)', 'On message sent', 'On agent error', 'On schedule failed', 'Actions (16)']) {
        await expectVisible(
          creator().getByText(text, { exact: true }),
          `"${text}" among OpenClaw's triggers and actions`,
        );
      }
    });

    await step('trigger-panel', async () => {
      await creator().getByText('On message sent', { exact: true }).click();
      await expectVisible(byId('ndv'), 'the OpenClaw Trigger panel');
      await expectVisible(byId('parameter-input-events'), 'the Events field');
      await expectVisible(byId('ndv').getByText('Message Sent'), 'the chosen event');
      const credential = await byId('node-credentials-select').locator('input').inputValue();
      if (credential !== 'OpenClaw account') throw new Error(`the trigger's credential reads "${credential}"`);
      // The workspace list is loaded live from the gateway with the credential.
      await openUntil(
        byId('parameter-input-workspaces'),
        page.getByRole('option', { name: 'Engineering' }),
        'the live workspace list',
      );
    });

    await step('action-picker-search', async () => {
      await page.keyboard.press('Escape');
      await byId('ndv-close-button').click();
      await openUntil(
        byId('node-creator-plus-button'),
        page.getByText('What happens next?'),
        'the "What happens next?" picker',
      );
      await byId('node-creator-search-bar').fill('OpenClaw');
      await expectVisible(pickerItem('OpenClaw'), 'OpenClaw in the "What happens next?" search');
    });

    await step('action-picker-actions', async () => {
      await pickerItem('OpenClaw').first().click();
      await page.getByText('What happens next?').waitFor({ state: 'hidden' });
      for (const text of [
        'Message Actions',
        'Session Actions',
        'Usage Actions',
        'Workspace Actions',
        'Send a message',
        'Stream a message',
        'Get usage by user',
      ]) {
        await expectVisible(creator().getByText(text, { exact: true }), `"${text}" among OpenClaw's actions`);
      }
    });

    await step('send-message-panel', async () => {
      await creator().getByText('Send a message', { exact: true }).click();
      const ndv = byId('ndv');
      await expectVisible(ndv, 'the Send Message panel');
      for (const label of ['Credential', 'Workspace', 'User ID', 'Message', 'Options']) {
        await expectVisible(ndv.getByText(label, { exact: true }), `the ${label} field`);
      }
      const userId = byId('parameter-input-userId').locator('input');
      if (!(await userId.getAttribute('placeholder'))?.startsWith('e.g. standup-bot'))
        throw new Error('User ID shows no placeholder');
      await expectVisible(ndv.getByText(/one conversation per user ID and workspace/), 'the per-user sessions hint');
    });

    await step('stream-notice', async () => {
      await openUntil(
        byId('parameter-input-operation'),
        page.getByRole('option', { name: 'Stream' }),
        'the Operation list',
      );
      await page.getByRole('option', { name: 'Stream' }).click();
      await expectVisible(
        byId('ndv').getByText(/only when a Webhook or Chat Trigger set to respond with Streaming/),
        'the Stream notice',
      );
    });

    let answered;
    await step('send-message-output', async () => {
      await page.goto(`/workflow/${EDITOR_WORKFLOW_ID}`);
      await byId('canvas-node').filter({ hasText: 'Send Message' }).dblclick();
      await byId('node-execute-button').click();
      const output = byId('output-panel');
      await expectVisible(output.getByText(MESSAGE, { exact: false }), 'the answer in the output panel');
      const text = await output.innerText();
      const messageId = /msg_[A-Za-z0-9_-]+/.exec(text)?.[0];
      if (!messageId) throw new Error(`no message ID in the output panel:\n${text.slice(0, 2000)}`);
      const stored = await gatewayApi('GET', `/messages/${messageId}`);
      if (stored.status !== 200 || !text.includes(stored.body.response.slice(0, 40)))
        throw new Error(`the output panel does not show the gateway's answer for ${messageId}`);
      answered = messageId;
    });

    await step('unknown-workspace-error', async () => {
      await byId('ndv-close-button').click();
      await byId('canvas-node').filter({ hasText: 'Unknown Workspace' }).dblclick();
      await byId('node-execute-button').click();
      const output = byId('output-panel');
      await expectVisible(output.getByText("Workspace 'ghost' not found", { exact: true }), 'the plain error title');
      await expectVisible(
        output.getByText('The gateway answered HTTP 404 with error code not_found.'),
        'status and code in the description',
      );
      await expectVisible(byId('node-execute-button').getByText('Execute step'), 'the run to end');
    });
    await step('dark-theme-canvas', async () => {
      await byId('ndv-close-button').click();
      // n8n keeps the chosen theme in local storage; the dark theme loads the dark icon variant.
      await page.evaluate(() => localStorage.setItem('N8N_THEME', 'dark'));
      await page.reload();
      const icon = byId('canvas-node').filter({ hasText: 'Send Message' }).locator('img');
      await expectVisible(icon, 'the node icon on the dark canvas');
      const src = await icon.first().getAttribute('src');
      if (!src?.endsWith('openclaw.dark.svg')) throw new Error(`the dark theme shows the icon ${src}`);
    });
    return { shots, answered };
  } finally {
    await browser.close();
  }
}
