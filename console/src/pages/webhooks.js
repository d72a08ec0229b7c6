// Webhook subscriptions, their delivery log (status, attempts, response code, timing), redeliver, send a test.
import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { ErrorNote, Loading, Table, can, fmt, html, useData } from '../ui.js';

function Attempts({ webhookId, deliveryId }) {
  const detail = useData(() => get(`/webhooks/${webhookId}/deliveries/${deliveryId}`), [deliveryId]);
  return html`<${Loading} state=${detail}
    >${(d) =>
      html`<${Table}
        caption=${`Attempts of ${d.id}`}
        rows=${d.attempts}
        columns=${[
          { label: '#', num: true, value: (a) => a.attempt },
          { label: 'Started', value: (a) => fmt.date(a.startedAt) },
          { label: 'Took', num: true, value: (a) => fmt.ms(a.durationMs) },
          { label: 'Response', value: (a) => a.status ?? '—' },
          { label: 'Error', value: (a) => a.error ?? '' },
          { label: 'Body', value: (a) => html`<code class="small">${a.response ?? ''}</code>` },
        ]}
      />`}<//
  >`;
}

function Deliveries({ hook, write }) {
  const list = useData(() => get(`/webhooks/${hook.id}/deliveries?limit=50`), [hook.id]);
  const [open, setOpen] = useState(null);
  const [note, setNote] = useState(null);
  const [error, setError] = useState(null);
  const act = async (fn, done) => {
    setError(null);
    setNote(null);
    try {
      await fn();
      setNote(done);
    } catch (err) {
      setError(err);
    }
    list.reload();
  };
  return html`<section class="panel" aria-label=${`Deliveries of ${hook.id}`}>
    <h2>Deliveries <small class="muted">${hook.url}</small></h2>
    <div class="row">
      <button onClick=${list.reload}>Refresh</button>
      ${write &&
      html`<button
        onClick=${() => act(() => api('POST', `/webhooks/${hook.id}/test`, { body: {} }), 'Test event sent.')}
      >
        Send test event
      </button>`}
    </div>
    ${note && html`<p role="status" class="ok">${note}</p>`}
    <${ErrorNote} error=${error} />
    <${Loading} state=${list}
      >${(l) =>
        html`<${Table}
          rows=${l.data}
          rowKey=${(r) => r.id}
          selected=${open}
          onRow=${(r) => setOpen(r.id === open ? null : r.id)}
          empty="No deliveries yet."
          columns=${[
            { label: 'Delivery', value: (r) => html`<code class="small">${r.id}</code>` },
            { label: 'Event', value: (r) => r.event },
            { label: 'Status', value: (r) => html`<span class=${`badge ${r.status}`}>${r.status}</span>` },
            { label: 'Attempts', num: true, value: (r) => r.attemptCount },
            { label: 'Response', value: (r) => r.lastStatus ?? (r.lastError ? 'no response' : '—') },
            { label: 'Created', value: (r) => fmt.date(r.createdAt) },
            { label: 'Delivered', value: (r) => fmt.date(r.deliveredAt) },
            ...(write
              ? [
                  {
                    label: 'Actions',
                    value: (r) =>
                      html`<button
                        data-delivery=${r.id}
                        onClick=${(e) => {
                          e.stopPropagation();
                          act(
                            () => api('POST', `/webhooks/${hook.id}/deliveries/${r.id}/redeliver`),
                            `Redelivery of ${r.id} queued.`,
                          );
                        }}
                      >
                        Redeliver
                      </button>`,
                  },
                ]
              : []),
          ]}
        />`}<//
    >
    ${open && html`<${Attempts} webhookId=${hook.id} deliveryId=${open} />`}
  </section>`;
}

export default function Webhooks({ me }) {
  const hooks = useData(() => get('/webhooks?limit=200'));
  const [selected, setSelected] = useState(null);
  const hook = hooks.data?.data.find((h) => h.id === selected);
  return html` <${Loading} state=${hooks}
      >${(l) =>
        html`<${Table}
          rows=${l.data}
          rowKey=${(r) => r.id}
          selected=${selected}
          onRow=${(r) => setSelected(r.id)}
          empty="No webhook subscriptions."
          columns=${[
            { label: 'Id', value: (r) => html`<code class="small">${r.id}</code>` },
            { label: 'URL', value: (r) => r.url },
            { label: 'Events', value: (r) => r.events.join(', ') },
            {
              label: 'State',
              value: (r) =>
                r.enabled
                  ? r.circuit.state === 'open'
                    ? 'circuit open'
                    : 'enabled'
                  : `disabled${r.disabledReason ? `: ${r.disabledReason}` : ''}`,
            },
            { label: 'Failures in a row', num: true, value: (r) => r.consecutiveFailures },
            { label: 'Source', value: (r) => r.source },
          ]}
        />`}<//
    >
    <${ErrorNote} error=${hooks.error} />
    ${hook && html`<${Deliveries} key=${hook.id} hook=${hook} write=${can(me, 'webhooks:write')} />`}`;
}
