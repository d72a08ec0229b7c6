// Sessions: search by workspace and user, the history with tool calls and results (replayed from the message's events), delete.
import { useState } from 'preact/hooks';
import { api, get, qs, stream } from '../api.js';
import { ConfirmButton, ErrorNote, Field, Loading, Table, can, fmt, html, useData } from '../ui.js';

/** The tool calls of one answer: its event stream replayed from the start (while the gateway keeps it). */
function ToolCalls({ messageId }) {
  const [events, setEvents] = useState(null);
  const [error, setError] = useState(null);
  const load = async () => {
    const seen = [];
    try {
      await stream('GET', `/messages/${messageId}/stream`, {
        onEvent: ({ data }) => {
          if (data.type === 'tool_use' || data.type === 'tool_result') seen.push(data);
        },
      });
      setEvents(seen);
    } catch (err) {
      if (err.status === 404)
        setEvents([]); // past messages.retentionHours
      else setError(err);
    }
  };
  if (error) return html`<${ErrorNote} error=${error} />`;
  if (!events) return html`<button onClick=${load}>Show tool calls</button>`;
  if (!events.length)
    return html`<p class="muted">
      The events of this answer are no longer kept (messages.retentionHours); the tools it used are listed above.
    </p>`;
  return html`<ol class="tools">
    ${events.map(
      (e) =>
        html`<li class=${e.type}>
          <strong>${e.type === 'tool_use' ? 'Tool call' : 'Tool result'}: ${e.tool}</strong>
          <pre>
${typeof (e.input ?? e.output) === 'string' ? (e.input ?? e.output) : JSON.stringify(e.input ?? e.output, null, 2)}</pre
          >
        </li>`,
    )}
  </ol>`;
}

function History({ session, me, onDeleted }) {
  const history = useData(() => get(`/sessions/${encodeURIComponent(session.id)}/history?limit=200`), [session.id]);
  return html`<section class="panel" aria-label=${`History of ${session.id}`}>
    <h2>${session.id} <small class="muted">${session.workspace} · ${session.userId} · ${session.channel}</small></h2>
    ${can(me, 'sessions:delete') &&
    html`<${ConfirmButton}
      label="Delete session"
      question="Delete this session's history?"
      onConfirm=${async () => {
        await api('DELETE', `/sessions/${encodeURIComponent(session.id)}`);
        onDeleted();
      }}
    />`}
    <${Loading} state=${history}
      >${(h) =>
        html`<ol class="history">
          ${h.data.map(
            (t) =>
              html`<li class=${`turn ${t.role}`}>
                <div class="meta">
                  ${t.role} · ${fmt.date(t.createdAt)} · ${fmt.int(t.tokens)}
                  tokens${t.tools.length ? html` · tools: <code>${t.tools.join(', ')}</code>` : ''}
                </div>
                <div class="content">${t.content}</div>
                ${t.role === 'assistant' && t.tools.length ? html`<${ToolCalls} messageId=${t.messageId} />` : ''}
              </li>`,
          )}
        </ol>`}<//
    >
  </section>`;
}

export default function Sessions({ me }) {
  const [filter, setFilter] = useState({ workspace: '', userId: '' });
  const [query, setQuery] = useState(filter);
  const [selected, setSelected] = useState(null);
  const [error] = useState(null);
  const list = useData(() => get(`/sessions${qs({ ...query, limit: 50 })}`), [query.workspace, query.userId]);
  return html` <form
      class="row"
      aria-label="Search sessions"
      onSubmit=${(e) => (e.preventDefault(), setQuery(filter), setSelected(null))}
    >
      <${Field} label="Workspace"
        ><input
          name="workspace"
          value=${filter.workspace}
          onInput=${(e) => setFilter({ ...filter, workspace: e.target.value.trim() })}
      /><//>
      <${Field} label="User"
        ><input
          name="userId"
          value=${filter.userId}
          onInput=${(e) => setFilter({ ...filter, userId: e.target.value.trim() })}
      /><//>
      <button class="primary" type="submit">Search</button>
    </form>
    <${ErrorNote} error=${error} />
    <${Loading} state=${list}
      >${(l) =>
        html`<p class="muted">${fmt.int(l.total)} sessions</p>
          <${Table}
            rows=${l.data}
            rowKey=${(r) => r.id}
            selected=${selected?.id}
            onRow=${setSelected}
            columns=${[
              { label: 'Session', value: (r) => r.id },
              { label: 'Workspace', value: (r) => r.workspace },
              { label: 'User', value: (r) => r.userId },
              { label: 'Channel', value: (r) => r.channel },
              { label: 'Turns', num: true, value: (r) => fmt.int(r.messageCount) },
              { label: 'Tokens', num: true, value: (r) => fmt.int(r.tokensUsed) },
              { label: 'Last active', value: (r) => fmt.date(r.lastActiveAt) },
            ]}
          />`}<//
    >
    ${selected &&
    html`<${History}
      key=${selected.id}
      session=${selected}
      me=${me}
      onDeleted=${() => (setSelected(null), list.reload())}
    />`}`;
}
