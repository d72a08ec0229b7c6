// Playground: send or stream a message to a workspace; token, tool_use and tool_result events as they arrive, latency, tokens.
import { useRef, useState } from 'preact/hooks';
import { api, get, stream } from '../api.js';
import { ErrorNote, Field, can, fmt, html, useData } from '../ui.js';

export default function Playground({ me }) {
  const workspaces = useData(() =>
    can(me, 'workspaces:read')
      ? get('/workspaces').then((r) => r.data.map((w) => w.id))
      : Promise.resolve(me.workspaces.filter((w) => w !== '*')),
  );
  const [form, setForm] = useState({ workspace: '', userId: 'console', message: '', streamed: true });
  const [run, setRun] = useState(null);
  const [error, setError] = useState(null);
  const abort = useRef(null);
  const workspace = form.workspace || workspaces.data?.[0] || '';

  const send = async (e) => {
    e.preventDefault();
    setError(null);
    const started = performance.now();
    const state = { answer: '', events: [], done: null, firstTokenMs: null, totalMs: null };
    const update = () => setRun({ ...state, events: [...state.events] });
    update();
    const body = { workspace, userId: form.userId, message: form.message };
    abort.current = new AbortController();
    try {
      if (form.streamed) {
        await stream('POST', '/messages/stream', {
          body,
          signal: abort.current.signal,
          onEvent: ({ data }) => {
            const at = Math.round(performance.now() - started);
            if (data.type === 'token') {
              state.firstTokenMs ??= at;
              state.answer += data.content;
            } else if (data.type === 'restart') state.answer = '';
            if (data.type === 'done') state.done = data;
            if (data.type === 'error') setError(data.error ?? data);
            state.events.push({ at, ...data });
            update();
          },
        });
      } else {
        const res = await api('POST', '/messages', { body });
        state.answer = res.response;
        state.done = res;
      }
    } catch (err) {
      if (err.name !== 'AbortError') setError(err);
    }
    state.totalMs = Math.round(performance.now() - started);
    update();
  };

  return html`<form class="panel" onSubmit=${send} aria-label="Send a message">
      <div class="row">
        <${Field} label="Workspace"
          >${workspaces.data?.length
            ? html`<select
                name="workspace"
                value=${workspace}
                onChange=${(e) => setForm({ ...form, workspace: e.target.value })}
              >
                ${workspaces.data.map((w) => html`<option value=${w}>${w}</option>`)}
              </select>`
            : html`<input
                name="workspace"
                required
                value=${form.workspace}
                onInput=${(e) => setForm({ ...form, workspace: e.target.value })}
              />`}<//
        >
        <${Field} label="User id"
          ><input
            name="userId"
            required
            value=${form.userId}
            onInput=${(e) => setForm({ ...form, userId: e.target.value })}
        /><//>
        <label class="check"
          ><input
            type="checkbox"
            name="stream"
            checked=${form.streamed}
            onChange=${(e) => setForm({ ...form, streamed: e.target.checked })}
          />
          Stream (SSE)</label
        >
      </div>
      <${Field} label="Message">
        <textarea
          name="message"
          rows="3"
          required
          value=${form.message}
          onInput=${(e) => setForm({ ...form, message: e.target.value })}
          onKeyDown=${(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.currentTarget.form.requestSubmit()}
        />
      <//>
      <div class="row">
        <button class="primary" type="submit">Send</button>
        <button type="button" onClick=${() => abort.current?.abort()}>Stop</button>
        <small class="muted">Ctrl+Enter sends</small>
      </div>
    </form>
    <${ErrorNote} error=${error} />
    ${run &&
    html`<section class="panel" aria-label="Answer" aria-live="polite">
      <dl class="cards">
        <div>
          <dt>First token</dt>
          <dd>${fmt.ms(run.firstTokenMs)}</dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd data-testid="latency">${fmt.ms(run.totalMs ?? run.done?.latencyMs)}</dd>
        </div>
        <div>
          <dt>Tokens in / out</dt>
          <dd data-testid="tokens">
            ${run.done ? `${fmt.int(run.done.tokensIn)} / ${fmt.int(run.done.tokensOut)}` : '…'}
          </dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>${run.done?.model ?? '…'}</dd>
        </div>
      </dl>
      <div class="answer" data-testid="answer">${run.answer}</div>
      ${run.events.length
        ? html`<h2>Events</h2>
            <ol class="events" data-testid="events">
              ${run.events.map(
                (e) =>
                  html`<li class=${e.type}>
                    <code>+${e.at} ms</code> <strong>${e.type}</strong> ${e.type === 'token'
                      ? JSON.stringify(e.content)
                      : e.tool
                        ? `${e.tool} ${JSON.stringify(e.input ?? e.output)}`
                        : ''}
                  </li>`,
              )}
            </ol>`
        : ''}
    </section>`}`;
}
