import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { adminApi, api, ApiError, signIn, signOut, storedAdminToken, storedKey } from './api.js';
import { html, Field } from './ui.js';
import { ActionsPage } from './pages/actions.js';
import { ActionPage } from './pages/action.js';
import { CollectionsPage, CollectionPage } from './pages/collections.js';
import { WebhooksPage } from './pages/webhooks.js';
import { EndpointPage } from './pages/endpoint.js';
import { SubscriptionsPage } from './pages/subscriptions.js';
import { FunctionsPage } from './pages/functions.js';
import { EventsPage } from './pages/events.js';
import { ProjectsPage } from './pages/projects.js';

/** The pages of a project (its API key), and the operator's (the admin token). */
const PROJECT_PAGES = [
  ['actions', 'Actions'], ['collections', 'Collections'], ['webhooks', 'Webhooks'],
  ['subscriptions', 'Subscriptions'], ['functions', 'Functions'], ['events', 'Events'],
];
const ADMIN_PAGES = [['projects', 'Projects']];

/** The page a hash names (#/actions, #/actions/<id>, #/collections/<id>, #/webhooks/<id>, …) among those signed in to. */
function route(hash, pages) {
  const [page, id] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return pages.some(([p]) => p === page) ? { page, id } : { page: pages[0][0] };
}

const refusal = (err, what) => (err instanceof ApiError && err.status === 401 ? `That ${what} is not valid.`
  : err instanceof ApiError && err.problem?.code === 'admin_api_disabled' ? 'The admin API is disabled on this engine (no ADMIN_TOKEN).'
    : err.message);

function SignIn({ onSignedIn }) {
  const [key, setKey] = useState('');
  const [adminToken, setAdminToken] = useState('');
  const [error, setError] = useState();
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const given = { key: key.trim(), adminToken: adminToken.trim() };
    if (!given.key && !given.adminToken) return setError('Give a project API key, an admin token, or both.');
    setBusy(true);
    setError(undefined);
    try {
      if (given.key) await api('GET', 'v1/actions?limit=1', undefined, given.key).catch((err) => Promise.reject(new Error(refusal(err, 'API key'))));
      if (given.adminToken) await adminApi('GET', 'v1/admin/projects', given.adminToken).catch((err) => Promise.reject(new Error(refusal(err, 'admin token'))));
      signIn(given);
      onSignedIn();
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <main class="signin">
      <h1>NFT engine console</h1>
      <form onSubmit=${submit} aria-describedby="signin-help">
        <${Field} label="Project API key" id="api-key">
          <input id="api-key" name="api-key" type="password" autocomplete="off" value=${key} onInput=${(e) => setKey(e.currentTarget.value)} />
        <//>
        <${Field} label="Admin token (optional: lists every project)" id="admin-token">
          <input id="admin-token" name="admin-token" type="password" autocomplete="off" value=${adminToken} onInput=${(e) => setAdminToken(e.currentTarget.value)} />
        <//>
        <p id="signin-help" class="help">They stay in this browser tab's session storage and are sent as the <code>x-api-key</code> and
          <code>Authorization</code> headers; never in a URL.</p>
        ${error && html`<p class="error" role="alert">${error}</p>`}
        <button type="submit" disabled=${busy}>Sign in</button>
      </form>
    </main>`;
}

function Shell({ pages, onSignOut }) {
  const [where, setWhere] = useState(route(location.hash, pages));
  useEffect(() => {
    const onHash = () => setWhere(route(location.hash, pages));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, [pages]);
  const { page, id } = where;
  const content = {
    actions: () => (id ? html`<${ActionPage} id=${id} />` : html`<${ActionsPage} />`),
    collections: () => (id ? html`<${CollectionPage} id=${id} />` : html`<${CollectionsPage} />`),
    webhooks: () => (id ? html`<${EndpointPage} id=${id} />` : html`<${WebhooksPage} />`),
    subscriptions: () => html`<${SubscriptionsPage} />`,
    functions: () => html`<${FunctionsPage} />`,
    events: () => html`<${EventsPage} />`,
    projects: () => html`<${ProjectsPage} />`,
  }[page]();
  return html`
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <span class="brand">NFT engine</span>
      <nav aria-label="Console">
        <ul>
          ${pages.map(([p, label]) => html`<li><a href=${`#/${p}`} aria-current=${p === page ? 'page' : undefined}>${label}</a></li>`)}
        </ul>
      </nav>
      <button class="link" onClick=${onSignOut}>Sign out</button>
    </header>
    <main id="main" tabindex="-1">${content}</main>`;
}

const pagesSignedIn = () => [...(storedKey() ? PROJECT_PAGES : []), ...(storedAdminToken() ? ADMIN_PAGES : [])];

function App() {
  const [pages, setPages] = useState(pagesSignedIn());
  useEffect(() => {
    // A key that stops working (revoked, or another engine's) sends the user back to sign in.
    const onRefused = () => setPages([]);
    addEventListener('console:unauthenticated', onRefused);
    return () => removeEventListener('console:unauthenticated', onRefused);
  }, []);
  if (pages.length === 0) return html`<${SignIn} onSignedIn=${() => setPages(pagesSignedIn())} />`;
  return html`<${Shell} pages=${pages} onSignOut=${() => { signOut(); setPages([]); }} />`;
}

const root = document.getElementById('app');
// Preact keeps what is already in its root: the loading note goes first.
root.replaceChildren();
render(html`<${App} />`, root);
