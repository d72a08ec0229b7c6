// The stats endpoints as charts and tables: by day, by workspace, top users; a date range; CSV export.
import { useState } from 'preact/hooks';
import { get, qs } from '../api.js';
import { Chart, Field, Loading, Table, fmt, html, useData } from '../ui.js';

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export function toCsv(rows, columns) {
  const cell = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c] ?? '')).join(','))].join('\n') + '\n';
}

function download(name, text) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

const DAY_COLUMNS = ['date', 'messages', 'errors', 'tokensIn', 'tokensOut', 'costUSD', 'avgLatencyMs', 'uniqueUsers'];

export default function Usage() {
  const [range, setRange] = useState({ from: day(-29), to: day(0) });
  const [draft, setDraft] = useState(range);
  const [workspace, setWorkspace] = useState('');
  const stats = useData(() => get(`/stats${qs(range)}`), [range.from, range.to]);
  const byWs = useData(() => get(`/stats/workspaces${qs(range)}`), [range.from, range.to]);
  const ws = workspace || byWs.data?.data[0]?.workspace || '';
  const users = useData(
    () => (ws ? get(`/stats/users${qs({ ...range, workspace: ws, limit: 20 })}`) : Promise.resolve(null)),
    [range.from, range.to, ws],
  );

  return html` <form class="row" onSubmit=${(e) => (e.preventDefault(), setRange(draft))} aria-label="Date range">
      <${Field} label="From"
        ><input
          type="date"
          value=${draft.from}
          max=${draft.to}
          onInput=${(e) => setDraft({ ...draft, from: e.target.value })}
      /><//>
      <${Field} label="To"
        ><input
          type="date"
          value=${draft.to}
          min=${draft.from}
          onInput=${(e) => setDraft({ ...draft, to: e.target.value })}
      /><//>
      <button type="submit" class="primary">Apply</button>
      <button
        type="button"
        disabled=${!stats.data}
        onClick=${() => download(`openclaw-usage-${range.from}-${range.to}.csv`, toCsv(stats.data.byDay, DAY_COLUMNS))}
      >
        Export CSV
      </button>
    </form>
    <${Loading} state=${stats}
      >${(s) =>
        html` <dl class="cards">
            <div>
              <dt>Messages</dt>
              <dd>${fmt.int(s.totals.messages)}</dd>
            </div>
            <div>
              <dt>Tokens in / out</dt>
              <dd>${fmt.int(s.totals.tokensIn)} / ${fmt.int(s.totals.tokensOut)}</dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd>${fmt.usd(s.totals.costUSD)}</dd>
            </div>
            <div>
              <dt>Avg latency</dt>
              <dd>${fmt.ms(s.totals.avgLatencyMs)}</dd>
            </div>
            <div>
              <dt>Users</dt>
              <dd>${fmt.int(s.totals.uniqueUsers)}</dd>
            </div>
          </dl>
          ${s.unpricedModels.length
            ? html`<p class="muted">Counted at $0 (no known price): ${s.unpricedModels.join(', ')}</p>`
            : ''}
          <div class="grid2">
            <${Chart}
              title="Messages and errors per day"
              testId="usage-messages"
              x=${s.byDay.map((d) => d.date)}
              series=${[
                { label: 'Messages', values: s.byDay.map((d) => d.messages) },
                { label: 'Errors', values: s.byDay.map((d) => d.errors) },
              ]}
            />
            <${Chart}
              title="Tokens in / out per day"
              testId="usage-tokens"
              x=${s.byDay.map((d) => d.date)}
              series=${[
                { label: 'Tokens in', values: s.byDay.map((d) => d.tokensIn) },
                { label: 'Tokens out', values: s.byDay.map((d) => d.tokensOut) },
              ]}
            />
          </div>
          <details>
            <summary>By day (table)</summary>
            <${Table}
              rows=${s.byDay.filter((d) => d.messages)}
              empty="No messages in this period."
              columns=${DAY_COLUMNS.map((c) => ({
                label: c,
                num: c !== 'date',
                value: (r) => (c === 'costUSD' ? fmt.usd(r[c]) : c === 'date' ? r[c] : fmt.int(r[c])),
              }))}
            />
          </details>`}<//
    >
    <h2>By workspace</h2>
    <${Loading} state=${byWs}
      >${(b) =>
        html`<${Table}
          rows=${b.data}
          rowKey=${(r) => r.workspace}
          selected=${ws}
          onRow=${(r) => setWorkspace(r.workspace)}
          columns=${[
            { label: 'Workspace', value: (r) => r.workspace },
            { label: 'Messages', num: true, value: (r) => fmt.int(r.messages) },
            { label: 'Errors', num: true, value: (r) => fmt.int(r.errors) },
            { label: 'Tokens', num: true, value: (r) => fmt.int(r.tokensIn + r.tokensOut) },
            { label: 'Cost', num: true, value: (r) => fmt.usd(r.costUSD) },
            { label: 'Users', num: true, value: (r) => fmt.int(r.uniqueUsers) },
          ]}
        />`}<//
    >
    ${ws &&
    html`<h2>Top users of ${ws}</h2>
      <${Loading} state=${users}
        >${(u) =>
          u &&
          html`<${Table}
            rows=${u.data}
            empty="No users in this period."
            columns=${[
              { label: 'User', value: (r) => r.userId },
              { label: 'Messages', num: true, value: (r) => fmt.int(r.messages) },
              { label: 'Tokens', num: true, value: (r) => fmt.int(r.tokensIn + r.tokensOut) },
              { label: 'Cost', num: true, value: (r) => fmt.usd(r.costUSD) },
              { label: 'Last activity', value: (r) => fmt.date(r.lastActivity) },
            ]}
          />`}<//
      >`}`;
}
