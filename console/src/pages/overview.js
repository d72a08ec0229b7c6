// Health, messages per day and cost (30 days), queue depths (from /metrics), recent errors.
import { get, metricsText } from '../api.js';
import { Chart, Loading, Table, can, fmt, html, useData } from '../ui.js';

/** openclaw_queue_jobs{queue="messages",state="waiting"} 3 → [{ queue, state, n }] */
export function queueDepths(text) {
  const rows = [];
  for (const line of text.split('\n')) {
    const m = /^openclaw_queue_jobs\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    rows.push({ queue: labels.queue, state: labels.state, n: Number(m[2]) });
  }
  const byQueue = {};
  for (const r of rows) (byQueue[r.queue] ??= { queue: r.queue })[r.state] = r.n;
  return Object.values(byQueue);
}

async function recentErrors(me) {
  const out = [];
  if (can(me, 'webhooks:read')) {
    const hooks = (await get('/webhooks?limit=50')).data;
    for (const w of hooks.slice(0, 10)) {
      const d = (await get(`/webhooks/${w.id}/deliveries?limit=20`)).data;
      for (const x of d.filter((x) => x.status === 'failed' || x.status === 'retrying')) {
        out.push({
          at: x.updatedAt,
          what: `Webhook ${x.event} → ${w.url}`,
          detail: `${x.status}: ${x.lastStatus ?? ''} ${x.lastError ?? ''}`.trim(),
        });
      }
    }
  }
  if (can(me, 'schedules:read')) {
    for (const s of (await get('/schedules?limit=200')).data) {
      if (s.lastRun?.status === 'failed')
        out.push({
          at: s.lastRun.finishedAt ?? s.lastRun.startedAt,
          what: `Schedule ${s.id}`,
          detail: `${s.lastRun.error?.code}: ${s.lastRun.error?.message}`,
        });
    }
  }
  return out.sort((a, b) => b.at.localeCompare(a.at)).slice(0, 10);
}

export default function Overview({ me }) {
  const health = useData(() => get('/health'));
  const stats = useData(() => (can(me, 'stats:read') ? get('/stats') : Promise.resolve(null)));
  const queues = useData(() =>
    can(me, 'stats:read') && me.workspaces.includes('*') ? metricsText().then(queueDepths) : Promise.resolve(null),
  );
  const errors = useData(() => recentErrors(me));
  return html` <section aria-labelledby="h-health">
      <h2 id="h-health">Health</h2>
      <${Loading} state=${health}
        >${(h) =>
          html`<dl class="cards" data-testid="health">
            <div>
              <dt>Status</dt>
              <dd class=${h.status === 'ok' ? 'ok' : 'warn'}>${h.status}</dd>
            </div>
            <div>
              <dt>Model</dt>
              <dd>${h.model}</dd>
            </div>
            <div>
              <dt>Redis</dt>
              <dd class=${h.redis === 'connected' ? 'ok' : 'warn'}>${h.redis}</dd>
            </div>
            <div>
              <dt>Channels</dt>
              <dd>
                ${Object.keys(h.channels).length
                  ? Object.entries(h.channels)
                      .map(([k, v]) => `${k}: ${typeof v === 'object' ? (v.status ?? 'on') : v}`)
                      .join(', ')
                  : 'none'}
              </dd>
            </div>
            <div>
              <dt>Version</dt>
              <dd>${h.version}</dd>
            </div>
            <div>
              <dt>Uptime</dt>
              <dd>${Math.round(h.uptime / 60)} min</dd>
            </div>
          </dl>`}<//
      >
    </section>
    ${stats.data !== null || stats.loading
      ? html`<section aria-labelledby="h-30">
          <h2 id="h-30">Last 30 days</h2>
          <${Loading} state=${stats}
            >${(s) =>
              s &&
              html` <dl class="cards">
                  <div>
                    <dt>Messages</dt>
                    <dd data-testid="total-messages">${fmt.int(s.totals.messages)}</dd>
                  </div>
                  <div>
                    <dt>Errors</dt>
                    <dd>${fmt.int(s.totals.errors)}</dd>
                  </div>
                  <div>
                    <dt>Tokens</dt>
                    <dd>${fmt.int(s.totals.tokensIn + s.totals.tokensOut)}</dd>
                  </div>
                  <div>
                    <dt>Cost</dt>
                    <dd>${fmt.usd(s.totals.costUSD)}</dd>
                  </div>
                </dl>
                <${Chart}
                  title="Messages per day and cost (USD)"
                  testId="overview-chart"
                  x=${s.byDay.map((d) => d.date)}
                  series=${[
                    { label: 'Messages', values: s.byDay.map((d) => d.messages) },
                    {
                      label: 'Cost USD',
                      scale: 'usd',
                      values: s.byDay.map((d) => d.costUSD),
                      format: (v) => `$${Number(v.toPrecision(2))}`,
                    },
                  ]}
                />`}<//
          >
        </section>`
      : ''}
    ${queues.data || queues.loading
      ? html`<section aria-labelledby="h-q">
          <h2 id="h-q">Queues</h2>
          <${Loading} state=${queues}
            >${(q) =>
              q &&
              html`<${Table}
                rows=${q}
                columns=${['waiting', 'active', 'delayed', 'failed', 'completed'].reduce(
                  (cols, st) => [...cols, { label: st, num: true, value: (r) => fmt.int(r[st]) }],
                  [{ label: 'Queue', value: (r) => r.queue }],
                )}
              />`}<//
          >
        </section>`
      : ''}
    <section aria-labelledby="h-err">
      <h2 id="h-err">Recent errors</h2>
      <${Loading} state=${errors}
        >${(rows) =>
          html`<${Table}
            rows=${rows}
            empty="No recent webhook or schedule failures."
            columns=${[
              { label: 'When', value: (r) => fmt.date(r.at) },
              { label: 'What', value: (r) => r.what },
              { label: 'Detail', value: (r) => r.detail },
            ]}
          />`}<//
      >
      ${stats.data?.totals.errors
        ? html`<p class="muted">
            ${fmt.int(stats.data.totals.errors)} messages ended with an error in the last 30 days (see Usage).
          </p>`
        : ''}
    </section>`;
}
