/**
 * What n8n's editor reads from the pack's descriptions: picker placement (codex), the pair's
 * descriptions, field wording, the Timezone list and the icons. The real editor shows them in the
 * browser part of `npm run test:e2e`; these checks keep the rules that part relies on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OpenClaw } from '../../packages/n8n-nodes-openclaw/nodes/OpenClaw/OpenClaw.node';
import { OpenClawTrigger } from '../../packages/n8n-nodes-openclaw/nodes/OpenClawTrigger/OpenClawTrigger.node';

const pack = join(__dirname, '../../packages/n8n-nodes-openclaw');
const action = new OpenClaw().description;
const trigger = new OpenClawTrigger().description;
const codex = (dir: string) => JSON.parse(readFileSync(join(pack, 'nodes', dir, `${dir}.node.json`), 'utf8'));
const props = (pred: (p: INodeProperties) => boolean) => action.properties.filter(pred);
const options = (p: INodeProperties) => p.options as INodePropertyOptions[];
const shownFor = (p: INodeProperties, operation: string) =>
  (p.displayOptions?.show?.operation as string[] | undefined)?.includes(operation);

describe('the pack as n8n’s editor shows it', () => {
  it('stays in the node picker’s search: filed under AI, so its AI subcategories must include Root Nodes', () => {
    // n8n's node creator (useViewStacks filterOutAiNodes) drops AI-category nodes that are not
    // root nodes from the regular and trigger pickers: that hid both nodes before.
    for (const dir of ['OpenClaw', 'OpenClawTrigger']) {
      const c = codex(dir);
      if (c.categories.includes('AI')) expect(c.subcategories.AI).toContain('Root Nodes');
    }
    // The picker merges a trigger into the action node named like it minus "Trigger".
    expect(trigger.name).toBe(`${action.name}Trigger`);
  });

  it('words the pair like n8n’s own pairs', () => {
    expect(action.description).toBe('Consume the OpenClaw API');
    expect(trigger.description).toBe('Starts the workflow when OpenClaw events occur');
  });

  it('calls the usage resource "Usage" while keeping the stored value "stats" that saved workflows carry', () => {
    const resource = props((p) => p.name === 'resource')[0];
    expect(options(resource).find((o) => o.value === 'stats')?.name).toBe('Usage');
    expect(options(resource).map((o) => o.name)).not.toContain('Stat');
  });

  it('puts a notice about streaming runs on Stream only', () => {
    const notices = props((p) => p.type === 'notice');
    expect(notices).toHaveLength(1);
    expect(shownFor(notices[0], 'stream')).toBe(true);
    expect(notices[0].displayName).toMatch(/Webhook or Chat Trigger .*Streaming.* works like Send/);
  });

  it('User ID: no default but a placeholder from version 1.1, "n8n" kept for version 1, the per-user sessions in a visible hint', () => {
    const userIds = props((p) => p.name === 'userId' && shownFor(p, 'send') === true);
    const byVersion = (v: unknown) =>
      userIds.find((p) => JSON.stringify(p.displayOptions?.show?.['@version']) === JSON.stringify(v))!;
    const current = byVersion([{ _cnd: { gte: 1.1 } }]);
    expect(current).toMatchObject({ default: '', required: true, placeholder: expect.stringMatching(/^e\.g\. /) });
    expect(current.hint).toMatch(/one conversation per user ID and workspace/);
    expect(byVersion([1])).toMatchObject({ default: 'n8n', hint: current.hint });
  });

  it('offers Timezone as a list of IANA zones (UTC first) that all resolve, and words Async without HTTP codes', () => {
    const messageOptions = props((p) => p.name === 'options' && shownFor(p, 'send') === true)[0]
      .options as INodeProperties[];
    const timezone = messageOptions.find((o) => o.name === 'timezone')!;
    expect(timezone.type).toBe('options');
    const zones = options(timezone).map((o) => String(o.value));
    expect(zones[0]).toBe('UTC');
    expect(zones).toEqual(expect.arrayContaining(['America/New_York', 'Europe/Berlin', 'Asia/Tokyo']));
    expect(zones.length).toBeGreaterThan(300);
    for (const zone of zones)
      expect(new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone).toBeTruthy();
    const async = messageOptions.find((o) => o.name === 'async')!;
    expect(async.description).toMatch(/^Whether /);
    expect(async.description).not.toMatch(/\d{3}/);
  });

  it('has bare-glyph icons on a transparent background, with a different dark variant', () => {
    for (const description of [action, trigger]) {
      expect(description.icon).toEqual({ light: 'file:openclaw.svg', dark: 'file:openclaw.dark.svg' });
    }
    const light = readFileSync(join(pack, 'nodes/OpenClaw/openclaw.svg'), 'utf8');
    const dark = readFileSync(join(pack, 'nodes/OpenClaw/openclaw.dark.svg'), 'utf8');
    expect(dark).not.toBe(light);
    for (const svg of [light, dark]) {
      // No tile: no rect or element covering most of the 60×60 view box, no background style.
      const rects = [...svg.matchAll(/<rect[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"/g)].map(
        (m) => Number(m[1]) * Number(m[2]),
      );
      expect(rects.every((area) => area < 0.5 * 60 * 60)).toBe(true);
      expect(svg).not.toMatch(/background/);
    }
  });
});
