import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, forgetKey, storedKey, storeKey } from './api.js';
import { html, Field } from './ui.js';
import { ActionsPage } from './pages/actions.js';
import { ActionPage } from './pages/action.js';
import { CollectionsPage, CollectionPage } from './pages/collections.js';
import { WebhooksPage } from './pages/webhooks.js';
import { EndpointPage } from './pages/endpoint.js';
import { SubscriptionsPage } from './pages/subscriptions.js';
import { FunctionsPage } from './pages/functions.js';
import { EventsPage } from './pages/events.js';

const PAGES = [
  ['actions', 'Actions'], ['collections', 'Collections'], ['webhooks', 'Webhooks'],
  ['subscriptions', 'Subscriptions'], ['functions', 'Functions'], ['events', 'Events'],
];

/** The page a hash names: #/actions, #/actions/<id>, #/collections/<id>, #/webhooks/<id>, … */
function route(hash) {
  const [page = 'actions', id] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { page: PAGES.some(([p]) => p === page) ? page : 'actions', id };
}

function SignIn({ onSignedIn }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState();
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('GET', 'v1/actions?limit=1', undefined, key.trim());
      storeKey(key.trim());
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That API key is not valid.' : err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <main class="signin">
      <h1>NFT engine console</h1>
      <form onSubmit=${submit} aria-describedby="signin-help">
        <${Field} label="Project API key" id="api-key">
          <input id="api-key" name="api-key" type="password" autocomplete="off" required value=${key}
            onInput=${(e) => setKey(e.currentTarget.value)} />
        <//>
        <p id="signin-help" class="help">The key stays in this browser tab's session storage and is sent as the <code>x-api-key</code> header; it is never put in a URL.</p>
        ${error && html`<p class="error" role="alert">${error}</p>`}
        <button type="submit" disabled=${busy}>Sign in</button>
      </form>
    </main>`;
}

function Shell({ onSignOut }) {
  const [where, setWhere] = useState(route(location.hash));
  useEffect(() => {
    const onHash = () => setWhere(route(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const { page, id } = where;
  let content;
  if (page === 'actions') content = id ? html`<${ActionPage} id=${id} />` : html`<${ActionsPage} />`;
  else if (page === 'collections') content = id ? html`<${CollectionPage} id=${id} />` : html`<${CollectionsPage} />`;
  else if (page === 'webhooks') content = id ? html`<${EndpointPage} id=${id} />` : html`<${WebhooksPage} />`;
  else if (page === 'subscriptions') content = html`<${SubscriptionsPage} />`;
  else if (page === 'functions') content = html`<${FunctionsPage} />`;
  else content = html`<${EventsPage} />`;
  return html`
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <span class="brand">NFT engine</span>
      <nav aria-label="Console">
        <ul>
          ${PAGES.map(([p, label]) => html`<li><a href=${`#/${p}`} aria-current=${p === page ? 'page' : undefined}>${label}</a></li>`)}
        </ul>
      </nav>
      <button class="link" onClick=${onSignOut}>Sign out</button>
    </header>
    <main id="main" tabindex="-1">${content}</main>`;
}

function App() {
  const [signedIn, setSignedIn] = useState(Boolean(storedKey()));
  useEffect(() => {
    // A key that stops working (revoked, or another API) sends the user back to sign in.
    const onRefused = () => setSignedIn(false);
    addEventListener('console:unauthenticated', onRefused);
    return () => removeEventListener('console:unauthenticated', onRefused);
  }, []);
  if (!signedIn) return html`<${SignIn} onSignedIn=${() => setSignedIn(true)} />`;
  return html`<${Shell} onSignOut=${() => { forgetKey(); setSignedIn(false); }} />`;
}

const root = document.getElementById('app');
// Preact keeps what is already in its root: the loading note goes first.
root.replaceChildren();
render(html`<${App} />`, root);
