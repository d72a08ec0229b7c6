// The console shell: sign-in with an API key, a navigation showing only what the key may use, hash routes.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { ApiError, auth, get, whenSignedOut } from './api.js';
import { ErrorNote, can, html } from './ui.js';
import Overview from './pages/overview.js';
import Usage from './pages/usage.js';
import Keys from './pages/keys.js';
import Workspaces from './pages/workspaces.js';
import Sessions from './pages/sessions.js';
import Webhooks from './pages/webhooks.js';
import Schedules from './pages/schedules.js';
import Playground from './pages/playground.js';

/** Every page and the permission that shows it (null: any valid key). */
const PAGES = [
  { id: 'overview', title: 'Overview', need: null, page: Overview },
  { id: 'usage', title: 'Usage', need: 'stats:read', page: Usage },
  { id: 'keys', title: 'Keys', need: 'keys:read', page: Keys },
  { id: 'workspaces', title: 'Workspaces', need: 'workspaces:read', page: Workspaces },
  { id: 'sessions', title: 'Sessions', need: 'sessions:read', page: Sessions },
  { id: 'webhooks', title: 'Webhooks', need: 'webhooks:read', page: Webhooks },
  { id: 'schedules', title: 'Schedules', need: 'schedules:read', page: Schedules },
  { id: 'playground', title: 'Playground', need: 'messages:write', page: Playground },
];

const routeOf = () => location.hash.replace(/^#\/?/, '').split('?')[0] || 'overview';

function SignIn({ onSignedIn, reason }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(reason);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await get('/keys/current', { key: key.trim() });
      auth.set(key.trim());
      onSignedIn(me);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? new ApiError(401, err.code, 'That key is unknown or revoked.')
          : err,
      );
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="signin">
    <h1>OpenClaw console</h1>
    <form onSubmit=${submit}>
      <label class="field"
        ><span>API key</span>
        <input
          type="password"
          name="apiKey"
          autocomplete="off"
          spellcheck="false"
          placeholder="oclaw_live_…"
          value=${key}
          onInput=${(e) => setKey(e.target.value)}
          required
          autofocus
        />
      </label>
      <p class="muted">
        Kept in this tab only (sessionStorage) and sent to this gateway's API. The console shows what the key may see
        and do.
      </p>
      <button class="primary" type="submit" disabled=${busy}>Sign in</button>
      <${ErrorNote} error=${error} />
    </form>
  </main>`;
}

function App() {
  const [me, setMe] = useState(null);
  const [checking, setChecking] = useState(!!auth.key);
  const [reason, setReason] = useState(null);
  const [route, setRoute] = useState(routeOf());
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    const onHash = () => {
      setRoute(routeOf());
      setMenuOpen(false);
    };
    addEventListener('hashchange', onHash);
    whenSignedOut((err) => {
      auth.clear();
      setMe(null);
      setReason(err);
    });
    if (auth.key)
      get('/keys/current')
        .then(setMe, () => auth.clear())
        .finally(() => setChecking(false));
    return () => removeEventListener('hashchange', onHash);
  }, []);

  if (checking) return html`<p class="muted">Loading…</p>`;
  if (!me) return html`<${SignIn} reason=${reason} onSignedIn=${(k) => (setReason(null), setMe(k))} />`;

  const pages = PAGES.filter((p) => !p.need || can(me, p.need));
  const current = pages.find((p) => p.id === route) ?? pages[0];
  const Page = current.page;
  return html`<div class="shell">
    <a class="skip" href="#main">Skip to content</a>
    <header>
      <button class="menu" aria-expanded=${menuOpen} aria-controls="nav" onClick=${() => setMenuOpen(!menuOpen)}>
        Menu
      </button>
      <strong>OpenClaw</strong>
      <span class="who" title=${me.id}>${me.label} · <code>${me.key}</code> · ${me.workspaces.join(', ')}</span>
      <button onClick=${() => (auth.clear(), setMe(null))}>Sign out</button>
    </header>
    <nav id="nav" class=${menuOpen ? 'open' : ''} aria-label="Pages">
      <ul>
        ${pages.map(
          (p) =>
            html`<li><a href=${`#/${p.id}`} aria-current=${p === current ? 'page' : undefined}>${p.title}</a></li>`,
        )}
      </ul>
    </nav>
    <main id="main" tabindex="-1">
      <h1>${current.title}</h1>
      <${Page} me=${me} key=${current.id} />
    </main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
