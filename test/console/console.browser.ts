/**
 * The admin console at /console in a real browser (playwright-core driving Debian's chromium, no
 * browser download) against a real gateway on a real port, the OpenAI-compatible fake as model and
 * a real webhook receiver. Each step does what a user does and checks what the gateway then holds.
 * Screenshots of every page go to test-output/console/ (copied into docs/img/console/).
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI } from '../fakes/openai';
import type { FakeLlm } from '../fakes/llm-script';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, poll, type Receiver } from '../webhooks/receiver';
import { CONSOLE_HEADERS } from '../../server/routes/console';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'test-output', 'console');
const DOCS_IMG = join(ROOT, 'docs', 'img', 'console');
const CHROMIUM = process.env.OPENCLAW_CHROMIUM ?? '/usr/bin/chromium';
const SECRET = 'whsec-console-browser-test-0001';
const TOOL_TURN = {
  text: 'Let me note that.',
  toolCalls: [{ name: 'memory', input: { action: 'remember', fact: 'prefers tea' } }],
  usage: { input: 40, output: 8 },
};
const ANSWER = { text: 'Noted: you prefer tea.', usage: { input: 60, output: 6 } };

describe('admin console in a browser', () => {
  let gw: TestGateway;
  let llm: FakeLlm;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  let webhookId: string;
  const pageErrors: string[] = [];
  const api = (method: string, path: string, body?: unknown) =>
    gw.request(method, `/api/v1${path}`, body === undefined ? {} : { body });

  async function shot(name: string) {
    mkdirSync(OUT, { recursive: true });
    mkdirSync(DOCS_IMG, { recursive: true });
    const file = join(OUT, `${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    copyFileSync(file, join(DOCS_IMG, `${name}.png`));
  }
  async function open(route: string, heading: string) {
    await page.getByRole('link', { name: heading, exact: true }).click();
    await page.waitForURL(`**/console#/${route}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'console', 'index.html')))
      throw new Error('dist/console is missing: run `npm run build` first (npm run test:browser does)');
    llm = await startFakeOpenAI();
    receiver = await startReceiver(SECRET);
    gw = await startTestGateway({
      config: {
        providers: {
          main: {
            type: 'openai-compatible',
            baseUrl: `${llm.url}/v1`,
            apiKey: 'sk-console-000000000000',
            retries: 0,
            retryBaseDelayMs: 1,
          },
        },
        model: 'gpt-4.1-mini',
        workspaces: [{ id: 'team', skills: ['memory'] }],
      },
    });
    // Real traffic for the charts and the pages: a failing webhook receiver, a few messages, one with a tool call, a schedule.
    receiver.failAll({ status: 500, body: 'receiver down' });
    const hook = await api('POST', '/webhooks', {
      url: receiver.url,
      events: ['message.sent'],
      workspaces: ['team'],
      secret: SECRET,
      retries: 0,
      description: 'CRM sync',
    });
    expect(hook.status).toBe(201);
    webhookId = hook.body.id;
    for (const user of ['bob', 'carol', 'bob'])
      expect(
        (await api('POST', '/messages', { workspace: 'team', userId: user, message: `Hello from ${user}` })).status,
      ).toBe(200);
    llm.reply(TOOL_TURN, ANSWER);
    const withTool = await api('POST', '/messages', {
      workspace: 'team',
      userId: 'alice',
      message: 'Remember that I prefer tea',
    });
    expect(withTool.body.toolsInvoked).toEqual(['memory']);
    expect(
      (
        await api('POST', '/schedules', {
          id: 'standup',
          workspace: 'team',
          userId: 'standup-bot',
          message: 'Post the standup summary',
          cron: '0 9 * * 1-5',
          timezone: 'Europe/Berlin',
        })
      ).status,
    ).toBe(201);
    await poll(
      () => api('GET', `/webhooks/${webhookId}/deliveries`),
      (r) => r.body.data.length === 4 && r.body.data.every((d: any) => d.status === 'failed'),
      15000,
      'four failed deliveries',
    );

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.url });
    page = await context.newPage();
    page.setDefaultTimeout(10000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await llm?.close();
    await receiver?.close();
  });
  afterEach(() => {
    // A CSP violation or a script error shows up here: none may happen on any page.
    expect(pageErrors.splice(0).filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
  });

  it('serves the page and its assets without a key, with strict security headers, nothing from elsewhere', async () => {
    const res = await fetch(`${gw.url}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    for (const [h, v] of Object.entries(CONSOLE_HEADERS)) expect(res.headers.get(h)).toBe(v);
    const html = await res.text();
    expect(html).toContain('content="/api/v1"');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => u !== 'data:,'); // the empty icon
    expect(assets.sort()).toEqual(['/console/assets/app.css', '/console/assets/app.js']);
    for (const a of assets) expect((await fetch(gw.url + a)).status).toBe(200);
    expect((await fetch(`${gw.url}/console/assets/..%2f..%2fpackage.json`)).status).toBe(404);

    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${gw.url}/console`);
    await page.getByLabel('API key').waitFor();
    await shot('sign-in');
    expect(requested.filter((u) => !u.startsWith(gw.url))).toEqual([]);
  });

  it('signs in with a pasted key (kept in sessionStorage, not in the URL or a cookie); a bad key is refused', async () => {
    await page.getByLabel('API key').fill('oclaw_live_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('unknown or revoked').waitFor();
    await page.getByLabel('API key').fill(gw.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('openclaw.console.key'))).toBe(gw.adminKey);
    expect(page.url()).not.toContain(gw.adminKey);
    expect(await page.context().cookies()).toEqual([]);
  });

  it('overview: health, and the 30-day chart drawn from the real stats', async () => {
    const stats = (await api('GET', '/stats')).body;
    expect(stats.totals.messages).toBe(4);
    await page.getByTestId('total-messages').getByText('4', { exact: true }).waitFor();
    const chart = page.getByTestId('overview-chart');
    await chart.locator('canvas').waitFor();
    // One day with messages and one with cost: the points the chart plotted are the API's non-zero values.
    const nonZero =
      stats.byDay.filter((d: any) => d.messages > 0).length + stats.byDay.filter((d: any) => d.costUSD > 0).length;
    expect(nonZero).toBe(2);
    expect(await chart.getAttribute('data-points')).toBe(String(nonZero));
    // The canvas is not blank: some pixels differ from the first one.
    const drawn = await chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let differ = 0;
      for (let i = 4; i < d.length; i += 4)
        if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2] || d[i + 3] !== d[3]) differ++;
      return differ;
    });
    expect(drawn).toBeGreaterThan(100);
    await page.getByTestId('health').getByText('gpt-4.1-mini').waitFor();
    await page
      .getByRole('cell', { name: /message\.sent/ })
      .first()
      .waitFor(); // the failed deliveries under recent errors
    await shot('overview');
  });

  it('usage: charts and tables from the stats endpoints, CSV export of the period', async () => {
    await open('usage', 'Usage');
    await page.getByTestId('usage-messages').locator('canvas').waitFor();
    await page.getByRole('cell', { name: 'alice' }).waitFor(); // top users of team
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = await new Promise<string>((resolve, reject) => {
      download.createReadStream().then((s) => {
        let text = '';
        s.on('data', (c: Buffer) => (text += c.toString()));
        s.on('end', () => resolve(text));
        s.on('error', reject);
      }, reject);
    });
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('date,messages,errors,tokensIn,tokensOut,costUSD,avgLatencyMs,uniqueUsers');
    expect(lines).toHaveLength(31);
    const today = new Date().toISOString().slice(0, 10);
    expect(lines.find((l) => l.startsWith(today))).toMatch(new RegExp(`^${today},4,0,`));
    await shot('usage');
  });

  it('keys: create shows the key once with a copy button, it works; revoke stops it at once', async () => {
    await open('keys', 'Keys');
    await page.getByRole('textbox', { name: 'Label' }).fill('Analytics service');
    await page.getByRole('textbox', { name: /^Workspaces/ }).fill('team');
    for (const p of ['messages:write', 'messages:read', 'sessions:delete', 'workspaces:write'])
      await page.getByRole('checkbox', { name: p }).uncheck();
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = (await page.getByTestId('new-key').textContent())!.trim();
    expect(shown).toMatch(/^oclaw_live_[0-9A-Za-z]{40}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    await shot('keys-created');
    const made = (await api('GET', '/keys')).body.data.find((k: any) => k.label === 'Analytics service');
    expect(made).toMatchObject({
      workspaces: ['team'],
      permissions: ['sessions:read', 'workspaces:read', 'stats:read'],
    });
    expect((await gw.request('GET', '/api/v1/health', { key: shown })).status).toBe(200);

    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('new-key').count()).toBe(0);
    expect(await page.content()).not.toContain(shown); // listed masked only
    const row = page.locator(`[data-key-id="${made.id}"]`);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await gw.request('GET', '/api/v1/health', { key: shown })).status).toBe(401);
    await shot('keys');
  });

  it('workspaces: edit an allowlist; delete only after typing the id', async () => {
    await open('workspaces', 'Workspaces');
    await page.getByLabel('New workspace id').fill('support');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { level: 2, name: /support/ }).waitFor();
    await page.getByRole('textbox', { name: /^Allowlist/ }).fill('telegram:123456789\nslack:U024BE7LH\n');
    await page.getByRole('button', { name: 'Save allowlist' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    expect((await api('GET', '/workspaces/support')).body.allowlist.sort()).toEqual([
      'slack:U024BE7LH',
      'telegram:123456789',
    ]);
    await page.getByRole('textbox', { name: /^Allowlist/ }).fill('slack:U024BE7LH');
    await page.getByRole('button', { name: 'Save allowlist' }).click();
    await poll(
      () => api('GET', '/workspaces/support'),
      (r) => r.body.allowlist.length === 1,
      5000,
      'the allowlist saved',
    );
    expect((await api('GET', '/workspaces/support')).body.allowlist).toEqual(['slack:U024BE7LH']);
    await shot('workspaces');

    const del = page.getByRole('button', { name: 'Delete workspace' });
    expect(await del.isDisabled()).toBe(true);
    await page.getByLabel(/Type support to delete/).fill('support');
    await del.click();
    await page.getByRole('heading', { level: 2, name: /support/ }).waitFor({ state: 'detached' });
    expect((await api('GET', '/workspaces/support')).status).toBe(404);
  });

  it("sessions: search by user, read a session's history with its tool call and result", async () => {
    await open('sessions', 'Sessions');
    await page.getByLabel('Workspace').fill('team');
    await page.getByLabel('User').fill('alice');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 sessions').waitFor();
    await page.getByRole('cell', { name: 'alice' }).click();
    await page.getByText('Remember that I prefer tea').waitFor();
    await page.getByText('Noted: you prefer tea.').waitFor();
    await page.getByRole('button', { name: 'Show tool calls' }).click();
    const tools = page.locator('ol.tools');
    await tools.getByText('Tool call: memory').waitFor();
    await tools.getByText('Tool result: memory').waitFor();
    expect(await tools.locator('li.tool_use pre').textContent()).toContain('"fact": "prefers tea"');
    await shot('sessions');
  });

  it('webhooks: the delivery log shows the failures; redeliver reaches the receiver once it is back', async () => {
    await open('webhooks', 'Webhooks');
    await page.getByRole('cell', { name: receiver.url }).click();
    const failed = (await api('GET', `/webhooks/${webhookId}/deliveries`)).body.data[0];
    const row = page.locator('tr', { has: page.locator(`[data-delivery="${failed.id}"]`) });
    await row.getByText('failed').waitFor();
    await row.getByRole('cell', { name: '500' }).waitFor();
    await row.click(); // its attempts
    await page.getByRole('cell', { name: 'receiver down' }).waitFor();

    receiver.failAll(null);
    const before = receiver.accepted.length;
    await row.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByRole('status').getByText(`Redelivery of ${failed.id} queued.`).waitFor();
    const got = await receiver.waitFor((a) => a.length > before, 10000, 'the redelivery');
    expect(got.at(-1)!.body.id).toBe(failed.eventId);
    const redelivered = await poll(
      () => api('GET', `/webhooks/${webhookId}/deliveries`),
      (r) => r.body.data.some((d: any) => d.redeliveryOf === failed.id && d.status === 'delivered'),
      10000,
      'delivered',
    );
    const again = redelivered.body.data.find((d: any) => d.redeliveryOf === failed.id);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page
      .locator('tr', { has: page.locator(`[data-delivery="${again.id}"]`) })
      .getByText('delivered')
      .waitFor();
    await shot('webhooks');
  });

  it('schedules: next runs in the schedule time zone; run now and pause', async () => {
    await open('schedules', 'Schedules');
    await page.getByRole('cell', { name: 'standup' }).click();
    await page.getByRole('heading', { level: 3, name: 'Next runs (Europe/Berlin)' }).waitFor();
    const detail = (await api('GET', '/schedules/standup')).body;
    const firstShown = await page.locator('time').first().getAttribute('datetime');
    expect(firstShown).toBe(detail.nextRuns[0]);
    expect(await page.locator('time').first().textContent()).toContain('09:00');
    llm.reply({ text: 'Standup: all green.' });
    await page.getByRole('button', { name: 'Run now' }).click();
    await poll(
      () => api('GET', '/schedules/standup'),
      (r) => r.body.recentRuns[0]?.status === 'completed',
      15000,
      'the manual run',
    );
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    expect((await api('GET', '/schedules/standup')).body.enabled).toBe(false);
    await page.getByRole('cell', { name: 'Standup: all green.' }).waitFor();
    await shot('schedules');
  });

  it('playground: streams tokens, tool_use and tool_result events, then latency and tokens', async () => {
    await open('playground', 'Playground');
    llm.reply(TOOL_TURN, ANSWER);
    await page.getByRole('textbox', { name: 'Message' }).fill('Please remember my tea preference');
    await page.getByRole('textbox', { name: 'Message' }).press('Control+Enter');
    await page.getByTestId('answer').getByText('Noted: you prefer tea.').waitFor();
    await page.getByTestId('tokens').getByText('100 / 14').waitFor();
    const types = await page.locator('[data-testid="events"] li strong').allTextContents();
    expect(types.indexOf('tool_use')).toBeGreaterThan(-1);
    expect(types.indexOf('tool_result')).toBeGreaterThan(types.indexOf('tool_use'));
    expect(types.filter((t) => t === 'token').length).toBeGreaterThan(3);
    expect(types.at(-1)).toBe('done');
    expect(await page.getByTestId('latency').textContent()).toMatch(/^\d[\d,]* ms$/);
    await shot('playground');
  });

  it('a key sees only what it may: pages without the permission are hidden; a phone-width screen and the keyboard work', async () => {
    const reader = await gw.createKey({ workspaces: ['team'], permissions: ['stats:read', 'sessions:read'] });
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      colorScheme: 'dark',
      isMobile: true,
      hasTouch: true,
    });
    const phone = await context.newPage();
    await phone.goto(`${gw.url}/console`);
    await phone.getByLabel('API key').fill(reader);
    await phone.keyboard.press('Enter');
    await phone.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await phone.getByRole('button', { name: 'Menu' }).click();
    const links = await phone.getByRole('navigation').getByRole('link').allTextContents();
    expect(links).toEqual(['Overview', 'Usage', 'Sessions']);
    // Keyboard only: focus the Sessions link and follow it with Enter.
    await phone.getByRole('link', { name: 'Sessions' }).focus();
    await phone.keyboard.press('Enter');
    await phone.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await phone.getByRole('cell', { name: 'alice' }).first().waitFor();
    await phone.goto(`${gw.url}/console#/overview`);
    await phone.getByTestId('overview-chart').locator('canvas').waitFor();
    mkdirSync(DOCS_IMG, { recursive: true });
    await phone.screenshot({ path: join(OUT, 'phone-overview.png') });
    copyFileSync(join(OUT, 'phone-overview.png'), join(DOCS_IMG, 'phone-overview.png'));
    // The page for keys is not even reachable: its route falls back to the first page.
    await phone.goto(`${gw.url}/console#/keys`);
    await phone.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await context.close();
  });
});
