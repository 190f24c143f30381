import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html, usePoll, time, shortId, StatusBadge, ErrorNote, Field } from '../ui.js';
import { SecretOnce, Sparkline } from './webhooks.js';

const POLL_MS = 2000;

function Attempts({ history }) {
  return html`
    <div class="table-wrap attempts"><table>
      <thead><tr><th scope="col">#</th><th scope="col">At</th><th scope="col">HTTP status</th><th scope="col">Latency</th><th scope="col">Response or error</th></tr></thead>
      <tbody>
        ${history.map((a) => html`
          <tr>
            <td>${a.attempt}</td><td>${time(a.startedAt)}</td><td>${a.statusCode ?? '—'}</td><td>${a.latencyMs} ms</td>
            <td><code class="wrap">${a.error ?? a.responseBody ?? ''}</code></td>
          </tr>`)}
      </tbody>
    </table></div>`;
}

/** Edits the endpoint's event types and its collection and chain filters. */
function FilterForm({ endpoint, catalogue, onSaved }) {
  const [eventTypes, setEventTypes] = useState(endpoint.eventTypes);
  const [collectionId, setCollectionId] = useState(endpoint.filters.collectionId ?? '');
  const [chain, setChain] = useState(endpoint.filters.chain ?? '');
  const [error, setError] = useState();
  const save = async (e) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('PATCH', `v1/webhooks/${endpoint.id}`, { eventTypes, filters: { collectionId: collectionId || null, chain: chain || null } });
      onSaved('Filters saved.');
    } catch (err) {
      setError(err);
    }
  };
  return html`
    <form class="stack" onSubmit=${save} aria-labelledby="filters-heading">
      <h2 id="filters-heading">Filters</h2>
      <${Field} label="Event types (none selected: every action event)" id="edit-types">
        <select id="edit-types" multiple size="6" onChange=${(e) => setEventTypes([...e.currentTarget.selectedOptions].map((o) => o.value))}>
          ${catalogue.map((t) => html`<option value=${t.type} selected=${eventTypes.includes(t.type)}>${t.type}</option>`)}
        </select>
      <//>
      <${Field} label="Only the collection (id)" id="edit-collection">
        <input id="edit-collection" value=${collectionId} onInput=${(e) => setCollectionId(e.currentTarget.value)} />
      <//>
      <${Field} label="Only the chain" id="edit-chain">
        <input id="edit-chain" value=${chain} onInput=${(e) => setChain(e.currentTarget.value)} />
      <//>
      <${ErrorNote} error=${error} />
      <button type="submit">Save filters</button>
    </form>`;
}

export function EndpointPage({ id }) {
  const endpoint = usePoll(() => api('GET', `v1/webhooks/${id}`), [id], 5000);
  const deliveries = usePoll(() => api('GET', `v1/webhooks/deliveries?endpointId=${id}&limit=100`), [id], POLL_MS);
  const catalogue = usePoll(() => api('GET', 'v1/webhooks/event-types'), []);
  const [note, setNote] = useState();
  const [secret, setSecret] = useState();
  const [error, setError] = useState();
  const [testType, setTestType] = useState('');
  const [since, setSince] = useState('');
  const run = async (what, call) => {
    setError(undefined);
    setNote(undefined);
    try {
      const result = await call();
      setNote(what(result));
      endpoint.reload();
      deliveries.reload();
    } catch (err) {
      setError(err);
    }
  };
  const e = endpoint.data;
  if (!e) return html`<h1>Endpoint</h1><${ErrorNote} error=${endpoint.error} />`;
  const list = deliveries.data?.data ?? [];
  return html`
    <p><a href="#/webhooks">← Webhook endpoints</a></p>
    <h1>Endpoint <span class="wrap">${e.url}</span></h1>
    <dl class="facts">
      <dt>Status</dt><dd><${StatusBadge} status=${e.status} />${e.disabledReason ? ` (${e.disabledReason})` : ''}</dd>
      <dt>Description</dt><dd>${e.description || '—'}</dd>
      <dt>Events</dt><dd>${e.eventTypes.length ? e.eventTypes.join(', ') : 'every action event'}</dd>
      <dt>Filters</dt><dd>${[e.filters.collectionId && `collection ${e.filters.collectionId}`, e.filters.chain && `chain ${e.filters.chain}`].filter(Boolean).join(', ') || 'none'}</dd>
      <dt>Success rate</dt><dd><${Sparkline} endpointId=${id} label="Success rate" refresh=${list.map((d) => `${d.status}${d.attempts}`).join()} /></dd>
      <dt>Failing since</dt><dd>${time(e.failingSince)}</dd>
    </dl>
    <div class="toolbar" role="group" aria-label="Endpoint actions">
      ${e.status === 'paused'
        ? html`<button onClick=${() => run(() => 'Resumed.', () => api('POST', `v1/webhooks/${id}/resume`))}>Resume</button>`
        : html`<button onClick=${() => run(() => 'Paused: deliveries are recorded as skipped.', () => api('POST', `v1/webhooks/${id}/pause`))}>Pause</button>`}
      <button onClick=${() => run((r) => { setSecret(r.secret); return 'Secret rotated; the old one signs beside it for the grace period.'; }, () => api('POST', `v1/webhooks/${id}/rotate-secret`))}>Rotate secret</button>
    </div>
    <form class="inline" onSubmit=${(ev) => { ev.preventDefault(); run((r) => `Test event ${r.eventType} queued.`, () => api('POST', `v1/webhooks/${id}/test`, testType ? { eventType: testType } : {})); }}>
      <${Field} label="Test event type" id="test-type">
        <select id="test-type" value=${testType} onChange=${(ev) => setTestType(ev.currentTarget.value)}>
          <option value="">default</option>
          ${(catalogue.data?.data ?? []).map((t) => html`<option value=${t.type}>${t.type}</option>`)}
        </select>
      <//>
      <button type="submit">Send test event</button>
    </form>
    <form class="inline" onSubmit=${(ev) => { ev.preventDefault(); run((r) => `Replaying ${r.replayed.length} deliver${r.replayed.length === 1 ? 'y' : 'ies'}.`, () => api('POST', `v1/webhooks/${id}/replay`, { since: new Date(since).toISOString() })); }}>
      <${Field} label="Replay failed and skipped since" id="replay-since">
        <input id="replay-since" type="datetime-local" required value=${since} onInput=${(ev) => setSince(ev.currentTarget.value)} />
      <//>
      <button type="submit">Replay all</button>
    </form>
    ${note && html`<p class="note" role="status">${note}</p>`}
    <${SecretOnce} secret=${secret} />
    <${ErrorNote} error=${error} />
    <section aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">Deliveries</h2>
      ${list.length === 0 && html`<p>No deliveries yet.</p>`}
      <ul class="deliveries">
        ${list.map((d) => html`
          <li class="delivery" data-delivery-id=${d.id}>
            <details>
              <summary>
                <${StatusBadge} status=${d.status} /> <strong>${d.eventType}</strong> <code>${shortId(d.eventId)}</code>
                <span class="muted">${d.attempts} attempt${d.attempts === 1 ? '' : 's'}, ${time(d.createdAt)}</span>
              </summary>
              <${Attempts} history=${d.history} />
            </details>
            ${d.status !== 'pending' && html`<button class="small" aria-label=${`Replay delivery ${d.id}`}
              onClick=${() => run(() => `Delivery ${d.id} replayed.`, () => api('POST', `v1/webhooks/deliveries/${d.id}/replay`))}>Replay</button>`}
          </li>`)}
      </ul>
    </section>
    ${catalogue.data && html`<${FilterForm} key=${e.id} endpoint=${e} catalogue=${catalogue.data.data} onSaved=${(text) => { setNote(text); endpoint.reload(); }} />`}`;
}
