// API keys: list (masked), create (the key shown once, with copy), revoke, rotate.
import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { ConfirmButton, ErrorNote, Field, Loading, SecretOnce, Table, can, fmt, html, useData } from '../ui.js';

const ALL = [
  'messages:write',
  'messages:read',
  'sessions:read',
  'sessions:delete',
  'workspaces:read',
  'workspaces:write',
  'stats:read',
  'webhooks:read',
  'webhooks:write',
  'schedules:read',
  'schedules:write',
  'keys:read',
  'keys:write',
];
const DEFAULTS = ALL.slice(0, 7);

function CreateKey({ me, onCreated }) {
  const grantable = ALL.filter((p) => me.permissions.includes(p));
  const [label, setLabel] = useState('');
  const [workspaces, setWorkspaces] = useState('*');
  const [perms, setPerms] = useState(DEFAULTS.filter((p) => grantable.includes(p)));
  const [rateLimit, setRateLimit] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = {
        label,
        workspaces: workspaces
          .split(',')
          .map((w) => w.trim())
          .filter(Boolean),
        permissions: perms,
      };
      if (rateLimit !== '') body.rateLimit = Number(rateLimit);
      onCreated(await api('POST', '/keys', { body }));
      setLabel('');
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="panel" onSubmit=${submit} aria-label="Create an API key">
    <h2>Create a key</h2>
    <div class="row">
      <${Field} label="Label"
        ><input name="label" required maxlength="200" value=${label} onInput=${(e) => setLabel(e.target.value)}
      /><//>
      <${Field} label="Workspaces" hint="comma-separated, * for all"
        ><input name="workspaces" value=${workspaces} onInput=${(e) => setWorkspaces(e.target.value)}
      /><//>
      <${Field} label="Rate limit / min" hint="empty: default, 0: unlimited"
        ><input
          name="rateLimit"
          type="number"
          min="0"
          value=${rateLimit}
          onInput=${(e) => setRateLimit(e.target.value)}
      /><//>
    </div>
    <fieldset>
      <legend>Permissions</legend>
      ${grantable.map(
        (p) =>
          html`<label class="check"
            ><input
              type="checkbox"
              value=${p}
              checked=${perms.includes(p)}
              onChange=${(e) => setPerms(e.target.checked ? [...perms, p] : perms.filter((x) => x !== p))}
            />
            ${p}</label
          >`,
      )}
    </fieldset>
    <button class="primary" type="submit">Create key</button>
    <${ErrorNote} error=${error} />
  </form>`;
}

export default function Keys({ me }) {
  const keys = useData(() => get('/keys'));
  const [secret, setSecret] = useState(null);
  const [error, setError] = useState(null);
  const write = can(me, 'keys:write');
  const act = async (fn) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
    keys.reload();
  };
  return html` ${secret &&
    html`<${SecretOnce} title=${secret.title} secret=${secret.key} onDone=${() => setSecret(null)} />`}
    <${ErrorNote} error=${error} />
    <${Loading} state=${keys}
      >${(k) =>
        html`<${Table}
          rows=${k.data}
          rowKey=${(r) => r.id}
          caption="Active keys"
          columns=${[
            { label: 'Key', value: (r) => html`<code>${r.key}</code>` },
            { label: 'Label', value: (r) => r.label },
            { label: 'Workspaces', value: (r) => r.workspaces.join(', ') },
            {
              label: 'Permissions',
              value: (r) =>
                html`<span class="small"
                  >${ALL.every((p) => r.permissions.includes(p)) ? `all ${ALL.length}` : r.permissions.join(', ')}</span
                >`,
            },
            {
              label: 'Rate limit',
              value: (r) => (r.rateLimit === null ? 'default' : r.rateLimit === 0 ? 'unlimited' : `${r.rateLimit}/min`),
            },
            { label: 'Created', value: (r) => fmt.date(r.createdAt) },
            { label: 'Last used', value: (r) => (r.lastUsedAt ? fmt.date(r.lastUsedAt) : 'never') },
            { label: 'Source', value: (r) => r.source },
            ...(write
              ? [
                  {
                    label: 'Actions',
                    value: (r) =>
                      r.source === 'config'
                        ? html`<span class="muted">openclaw.json</span>`
                        : html`<span class="actions" data-key-id=${r.id}>
                            <${ConfirmButton}
                              label="Rotate"
                              danger=${false}
                              question=${`Rotate ${r.label}? The old key stops at once.`}
                              onConfirm=${() =>
                                act(async () => {
                                  const made = await api('POST', `/keys/${r.id}/rotate`);
                                  setSecret({ title: `New key for ${made.label}`, key: made.apiKey });
                                })}
                            />
                            <${ConfirmButton}
                              label="Revoke"
                              question=${r.id === me.id
                                ? 'Revoke the key you are signed in with?'
                                : `Revoke ${r.label}?`}
                              onConfirm=${() => act(() => api('POST', `/keys/${r.id}/revoke`))}
                            />
                          </span>`,
                  },
                ]
              : []),
          ]}
        />`}<//
    >
    ${write &&
    html`<${CreateKey}
      me=${me}
      onCreated=${(made) => {
        setSecret({ title: `Key created: ${made.label}`, key: made.apiKey });
        keys.reload();
      }}
    />`}`;
}
