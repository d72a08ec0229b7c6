// Workspaces: create, edit the allowlist, delete (after typing its id).
import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { ErrorNote, Field, Loading, Table, can, fmt, html, useData } from '../ui.js';

const lines = (s) => [
  ...new Set(
    s
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  ),
];

function Allowlist({ ws, onSaved }) {
  const [text, setText] = useState(ws.allowlist.join('\n'));
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    const want = lines(text);
    const add = want.filter((x) => !ws.allowlist.includes(x));
    const remove = ws.allowlist.filter((x) => !want.includes(x));
    if (!add.length && !remove.length) return setSaved(true);
    try {
      const res = await api('PATCH', `/workspaces/${ws.id}/allowlist`, {
        body: { ...(add.length ? { add } : {}), ...(remove.length ? { remove } : {}) },
      });
      setText(res.allowlist.join('\n'));
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return html`<form onSubmit=${save} aria-label=${`Allowlist of ${ws.id}`}>
    <${Field} label="Allowlist" hint="one channel:id per line, e.g. telegram:123456789">
      <textarea name="allowlist" rows="5" value=${text} onInput=${(e) => setText(e.target.value)} />
    <//>
    <button class="primary" type="submit">Save allowlist</button>
    ${saved ? html`<span role="status" class="ok"> Saved.</span>` : ''}
    <${ErrorNote} error=${error} />
  </form>`;
}

function DeleteWorkspace({ ws, onDeleted }) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState(null);
  return html`<form
    class="danger-zone"
    onSubmit=${async (e) => {
      e.preventDefault();
      try {
        await api('DELETE', `/workspaces/${ws.id}`);
        onDeleted();
      } catch (err) {
        setError(err);
      }
    }}
  >
    <${Field} label=${`Type ${ws.id} to delete this workspace, its sessions, and its keys' access to it`}>
      <input name="confirm" value=${typed} onInput=${(e) => setTyped(e.target.value)} autocomplete="off" />
    <//>
    <button class="danger" type="submit" disabled=${typed !== ws.id}>Delete workspace</button>
    <${ErrorNote} error=${error} />
  </form>`;
}

export default function Workspaces({ me }) {
  const list = useData(() => get('/workspaces'));
  const [selected, setSelected] = useState(null);
  const [form, setForm] = useState({ id: '', label: '' });
  const [error, setError] = useState(null);
  const write = can(me, 'workspaces:write');
  const ws = list.data?.data.find((w) => w.id === selected);
  return html` <${Loading} state=${list}
      >${(l) =>
        html`<${Table}
          rows=${l.data}
          rowKey=${(r) => r.id}
          selected=${selected}
          onRow=${(r) => setSelected(r.id)}
          columns=${[
            { label: 'Id', value: (r) => r.id },
            { label: 'Label', value: (r) => r.label },
            { label: 'Agent', value: (r) => r.agent },
            { label: 'Skills', value: (r) => r.skills.join(', ') || '—' },
            { label: 'Allowlist', num: true, value: (r) => r.allowlist.length },
            { label: 'Source', value: (r) => r.source },
            { label: 'Created', value: (r) => fmt.date(r.createdAt) },
          ]}
        />`}<//
    >
    ${ws &&
    html`<section class="panel" aria-label=${`Workspace ${ws.id}`}>
      <h2>${ws.label} <small class="muted">${ws.id}</small></h2>
      ${ws.source === 'config'
        ? html`<p class="muted">Declared in openclaw.json: read-only here.</p>
            <ul>
              ${ws.allowlist.map((a) => html`<li>${a}</li>`)}
            </ul>`
        : write
          ? html`<${Allowlist} key=${ws.id} ws=${ws} onSaved=${list.reload} /><${DeleteWorkspace}
                ws=${ws}
                onDeleted=${() => (setSelected(null), list.reload())}
              />`
          : html`<ul>
              ${ws.allowlist.map((a) => html`<li>${a}</li>`)}
            </ul>`}
    </section>`}
    ${write &&
    html`<form
      class="panel row"
      aria-label="Create a workspace"
      onSubmit=${async (e) => {
        e.preventDefault();
        setError(null);
        try {
          const made = await api('POST', '/workspaces', {
            body: { id: form.id, ...(form.label ? { label: form.label } : {}) },
          });
          setForm({ id: '', label: '' });
          await list.reload();
          setSelected(made.id);
        } catch (err) {
          setError(err);
        }
      }}
    >
      <${Field} label="New workspace id"
        ><input
          name="id"
          required
          pattern="[a-z0-9][a-z0-9_\\-]{0,62}"
          value=${form.id}
          onInput=${(e) => setForm({ ...form, id: e.target.value })}
      /><//>
      <${Field} label="Label"
        ><input name="label" value=${form.label} onInput=${(e) => setForm({ ...form, label: e.target.value })}
      /><//>
      <button class="primary" type="submit">Create workspace</button>
      <${ErrorNote} error=${error} />
    </form>`}`;
}
