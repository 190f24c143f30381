import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html, usePoll, time, StatusBadge, ErrorNote, Field } from '../ui.js';

/** A line of the success rate of an endpoint's last deliveries, oldest to newest in groups of five. */
export function Sparkline({ deliveries, label }) {
  const finished = deliveries.filter((d) => d.status === 'succeeded' || d.status === 'failed').reverse();
  if (finished.length === 0) return html`<span class="muted">no deliveries yet</span>`;
  const groups = [];
  for (let i = 0; i < finished.length; i += 5) groups.push(finished.slice(i, i + 5));
  const rates = groups.map((g) => g.filter((d) => d.status === 'succeeded').length / g.length);
  const overall = Math.round((100 * finished.filter((d) => d.status === 'succeeded').length) / finished.length);
  const width = 100;
  const height = 24;
  const step = rates.length > 1 ? width / (rates.length - 1) : 0;
  const points = rates.map((r, i) => `${(i * step).toFixed(1)},${(height - 2 - r * (height - 4)).toFixed(1)}`).join(' ');
  return html`
    <span class="sparkline">
      <svg viewBox=${`0 0 ${width} ${height}`} width="100" height="24" role="img" aria-label=${`${label}: ${overall}% of the last ${finished.length} deliveries succeeded`}>
        <polyline points=${rates.length > 1 ? points : `0,${points.split(',')[1]} ${width},${points.split(',')[1]}`} fill="none" stroke="currentColor" stroke-width="2" />
      </svg>
      <span>${overall}%</span>
    </span>`;
}

function EndpointRow({ endpoint }) {
  const deliveries = usePoll(() => api('GET', `v1/webhooks/deliveries?endpointId=${endpoint.id}&limit=100`), [endpoint.id], 10_000);
  return html`
    <tr>
      <td><a href=${`#/webhooks/${endpoint.id}`}>${endpoint.url}</a>${endpoint.description && html`<div class="muted">${endpoint.description}</div>`}</td>
      <td>${endpoint.eventTypes.length ? endpoint.eventTypes.join(', ') : 'every action event'}</td>
      <td><${StatusBadge} status=${endpoint.status} /></td>
      <td>${deliveries.data ? html`<${Sparkline} deliveries=${deliveries.data.data} label=${`Success rate of ${endpoint.url}`} />` : '…'}</td>
      <td>${time(endpoint.createdAt)}</td>
    </tr>`;
}

/** The signing secret of a new endpoint or a rotation: the API shows it this once. */
export const SecretOnce = ({ secret }) => (secret ? html`
  <div class="secret" role="status">
    <p><strong>Signing secret</strong> — copy it now, it is not shown again:</p>
    <code class="wrap" data-secret>${secret}</code>
  </div>` : null);

export function WebhooksPage() {
  const { data, error, reload } = usePoll(() => api('GET', 'v1/webhooks'), [], 5000);
  const catalogue = usePoll(() => api('GET', 'v1/webhooks/event-types'), []);
  const [form, setForm] = useState({ url: '', description: '', eventTypes: [] });
  const [created, setCreated] = useState();
  const [createError, setCreateError] = useState();
  const create = async (e) => {
    e.preventDefault();
    setCreateError(undefined);
    try {
      const endpoint = await api('POST', 'v1/webhooks', { url: form.url, description: form.description, eventTypes: form.eventTypes });
      setCreated(endpoint);
      setForm({ url: '', description: '', eventTypes: [] });
      reload();
    } catch (err) {
      setCreateError(err);
    }
  };
  return html`
    <h1>Webhook endpoints</h1>
    <${ErrorNote} error=${error} />
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Status</th><th scope="col">Success rate</th><th scope="col">Created</th></tr></thead>
        <tbody>${(data?.data ?? []).map((endpoint) => html`<${EndpointRow} key=${endpoint.id} endpoint=${endpoint} />`)}</tbody>
      </table>
    </div>
    ${data && data.data.length === 0 && html`<p>No endpoints yet.</p>`}
    <section aria-labelledby="new-endpoint">
      <h2 id="new-endpoint">Add an endpoint</h2>
      ${created && html`<p>Created <a href=${`#/webhooks/${created.id}`}>${created.url}</a>.</p><${SecretOnce} secret=${created.secret} />`}
      <form class="stack" onSubmit=${create}>
        <${Field} label="URL" id="endpoint-url">
          <input id="endpoint-url" type="url" required value=${form.url} onInput=${(e) => setForm({ ...form, url: e.currentTarget.value })} />
        <//>
        <${Field} label="Description" id="endpoint-description">
          <input id="endpoint-description" value=${form.description} onInput=${(e) => setForm({ ...form, description: e.currentTarget.value })} />
        <//>
        <${Field} label="Event types (none selected: every action event)" id="endpoint-types">
          <select id="endpoint-types" multiple size="6" onChange=${(e) => setForm({ ...form, eventTypes: [...e.currentTarget.selectedOptions].map((o) => o.value) })}>
            ${(catalogue.data?.data ?? []).map((t) => html`<option value=${t.type} selected=${form.eventTypes.includes(t.type)}>${t.type}</option>`)}
          </select>
        <//>
        <${ErrorNote} error=${createError} />
        <button type="submit">Add endpoint</button>
      </form>
    </section>`;
}
