// Schedules: next runs in their own time zone, recent runs, run now, pause / resume.
import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { ErrorNote, Loading, Table, can, fmt, html, useData } from '../ui.js';

const inZone = (iso, tz) =>
  iso
    ? new Intl.DateTimeFormat(undefined, {
        weekday: 'short',
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone: tz,
        timeZoneName: 'short',
      }).format(new Date(iso))
    : '—';

function Detail({ id, me, onChanged }) {
  const s = useData(() => get(`/schedules/${id}`), [id]);
  const [note, setNote] = useState(null);
  const [error, setError] = useState(null);
  const write = can(me, 'schedules:write');
  const act = async (fn, done) => {
    setError(null);
    try {
      await fn();
      setNote(done);
    } catch (err) {
      setError(err);
    }
    s.reload();
    onChanged();
  };
  return html`<${Loading} state=${s}
    >${(d) =>
      html`<section class="panel" aria-label=${`Schedule ${d.id}`}>
        <h2>${d.id} <small class="muted">${d.cron} · ${d.timezone}</small></h2>
        <p>${d.message}</p>
        ${write &&
        d.source !== 'config' &&
        html`<div class="row">
          <button onClick=${() => act(() => api('POST', `/schedules/${d.id}/run`), 'Run started.')}>Run now</button>
          <button
            onClick=${() =>
              act(
                () => api('PATCH', `/schedules/${d.id}`, { body: { enabled: !d.enabled } }),
                d.enabled ? 'Paused.' : 'Resumed.',
              )}
          >
            ${d.enabled ? 'Pause' : 'Resume'}
          </button>
        </div>`}
        ${note && html`<p role="status" class="ok">${note}</p>`}
        <${ErrorNote} error=${error} />
        <h3>Next runs (${d.timezone})</h3>
        ${d.nextRuns.length
          ? html`<ol>
              ${d.nextRuns.map((t) => html`<li><time datetime=${t}>${inZone(t, d.timezone)}</time></li>`)}
            </ol>`
          : html`<p class="muted">None: paused.</p>`}
        <h3>Recent runs</h3>
        <${Table}
          rows=${d.recentRuns}
          empty="No runs yet."
          columns=${[
            { label: 'Started', value: (r) => inZone(r.startedAt, d.timezone) },
            { label: 'Trigger', value: (r) => r.trigger },
            { label: 'Status', value: (r) => html`<span class=${`badge ${r.status}`}>${r.status}</span>` },
            {
              label: 'Answer / error',
              value: (r) => (r.error ? `${r.error.code}: ${r.error.message}` : (r.responseExcerpt ?? '')),
            },
          ]}
        />
      </section>`}<//
  >`;
}

export default function Schedules({ me }) {
  const list = useData(() => get('/schedules?limit=200'));
  const [selected, setSelected] = useState(null);
  return html` <${Loading} state=${list}
      >${(l) =>
        html`<${Table}
          rows=${l.data}
          rowKey=${(r) => r.id}
          selected=${selected}
          onRow=${(r) => setSelected(r.id)}
          empty="No schedules."
          columns=${[
            { label: 'Id', value: (r) => r.id },
            { label: 'Workspace', value: (r) => r.workspace },
            { label: 'Cron', value: (r) => html`<code>${r.cron}</code>` },
            { label: 'Next run', value: (r) => (r.enabled ? inZone(r.nextRunAt, r.timezone) : 'paused') },
            {
              label: 'Last run',
              value: (r) => (r.lastRun ? `${r.lastRun.status} · ${inZone(r.lastRun.startedAt, r.timezone)}` : '—'),
            },
            { label: 'Runs', num: true, value: (r) => fmt.int(r.runCount) },
          ]}
        />`}<//
    >
    <${ErrorNote} error=${list.error} />
    ${selected && html`<${Detail} key=${selected} id=${selected} me=${me} onChanged=${list.reload} />`}`;
}
