// Shared pieces: data loading, tables, charts, confirmations, copy, errors.
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import uPlot from 'uplot';

export const html = htm.bind(h);

/** Runs load() now and whenever deps change; reload() runs it again. */
export function useData(load, deps = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const run = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    return load().then(
      (data) => setState({ data, error: null, loading: false }),
      (error) => setState({ data: null, error, loading: false }),
    );
  }, deps);
  useEffect(() => {
    run();
  }, [run]);
  return { ...state, reload: run };
}

export const ErrorNote = ({ error }) =>
  error
    ? html`<p class="error" role="alert">${error.code ? html`<code>${error.code}</code> ` : ''}${error.message}</p>`
    : null;

export function Loading({ state, children }) {
  if (state.error) return html`<${ErrorNote} error=${state.error} />`;
  if (state.loading && !state.data) return html`<p class="muted" aria-busy="true">Loading…</p>`;
  return children(state.data);
}

/** columns: [{ label, value: row => text|vnode, num? }] */
export function Table({ columns, rows, empty = 'Nothing here yet.', caption, rowKey = (r, i) => i, onRow, selected }) {
  if (!rows?.length) return html`<p class="muted">${empty}</p>`;
  return html`<div class="table-wrap">
    <table>
      ${caption
        ? html`<caption>
            ${caption}
          </caption>`
        : ''}
      <thead>
        <tr>
          ${columns.map((c) => html`<th scope="col" class=${c.num ? 'num' : ''}>${c.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r, i) =>
            html`<tr
              key=${rowKey(r, i)}
              class=${selected && selected === rowKey(r, i) ? 'selected' : ''}
              tabindex=${onRow ? 0 : undefined}
              onClick=${onRow ? () => onRow(r) : undefined}
              onKeyDown=${onRow
                ? (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onRow(r))
                : undefined}
            >
              ${columns.map((c) => html`<td class=${c.num ? 'num' : ''} data-label=${c.label}>${c.value(r)}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** A button that asks once more before doing something that cannot be undone. */
export function ConfirmButton({ label, confirmLabel = 'Yes', question, onConfirm, danger = true }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) return html`<button class=${danger ? 'danger' : ''} onClick=${() => setAsking(true)}>${label}</button>`;
  return html`<span class="confirm" role="group" aria-label=${question}>
    <span>${question}</span>
    <button
      class="danger"
      disabled=${busy}
      autofocus
      onClick=${async () => {
        setBusy(true);
        try {
          await onConfirm();
        } finally {
          setBusy(false);
          setAsking(false);
        }
      }}
    >
      ${confirmLabel}
    </button>
    <button onClick=${() => setAsking(false)}>Cancel</button>
  </span>`;
}

export function CopyButton({ text }) {
  const [copied, setCopied] = useState(false);
  return html`<button
    onClick=${async () => {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    }}
  >
    ${copied ? 'Copied' : 'Copy'}
  </button>`;
}

/** A secret shown once: the plain key after create/rotate. */
export const SecretOnce = ({ title, secret, onDone }) =>
  html`<div class="secret" role="status">
    <strong>${title}</strong>
    <p>Copy it now: it is shown once and never again.</p>
    <code class="key" data-testid="new-key">${secret}</code>
    <div class="row"><${CopyButton} text=${secret} /> <button onClick=${onDone}>Done</button></div>
  </div>`;

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/**
 * A uPlot line/bar chart. x: day strings (YYYY-MM-DD); series: [{ label, values, scale?, color? }].
 * Redrawn when the data or the container width changes.
 */
export function Chart({ title, x, series, height = 220, testId }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    const xs = x.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const scales = { x: { time: true } };
    const axes = [{ stroke: cssVar('--fg'), grid: { stroke: cssVar('--grid') } }];
    const seen = [];
    for (const s of series) {
      const scale = s.scale ?? 'y';
      if (seen.includes(scale)) continue;
      seen.push(scale);
      scales[scale] = { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] };
      axes.push({
        scale,
        side: seen.length === 1 ? 3 : 1,
        stroke: cssVar('--fg'),
        grid: { show: seen.length === 1, stroke: cssVar('--grid') },
        values: s.format ? (_u, ticks) => ticks.map(s.format) : undefined,
      });
    }
    const colors = [cssVar('--accent'), cssVar('--accent2'), cssVar('--accent3')];
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height,
        scales,
        axes,
        legend: { show: true },
        series: [
          { label: 'Day', value: (_u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)) },
          ...series.map((s, i) => ({
            label: s.label,
            scale: s.scale ?? 'y',
            stroke: s.color ?? colors[i % 3],
            width: 2,
            fill: i === 0 ? `${colors[0]}22` : undefined,
            points: { show: x.length < 40 },
          })),
        ],
      },
      [xs, ...series.map((s) => s.values)],
      el,
    );
    el.dataset.points = String(series.reduce((n, s) => n + s.values.filter((v) => v > 0).length, 0));
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify(x), JSON.stringify(series.map((s) => s.values))]);
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <div ref=${box} data-testid=${testId} role="img" aria-label=${title}></div>
  </figure>`;
}

export const fmt = {
  int: (n) => (n ?? 0).toLocaleString('en-US'),
  usd: (n) => (n == null ? '—' : `$${Number(n).toFixed(n < 1 ? 4 : 2)}`),
  date: (s) => (s ? new Date(s).toLocaleString() : '—'),
  ms: (n) => (n == null ? '—' : `${fmt.int(n)} ms`),
};

export const can = (me, permission) => !!me?.permissions.includes(permission);

export function Field({ label, children, hint }) {
  return html`<label class="field"
    ><span>${label}</span>${children}${hint ? html`<small class="muted">${hint}</small>` : ''}</label
  >`;
}
