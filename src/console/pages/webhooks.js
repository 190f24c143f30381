import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html, usePoll, time, StatusBadge, ErrorNote, Field } from '../ui.js';

const SPARK_HOURS = 24;

/**
 * A line of the share of an endpoint's finished deliveries that succeeded, hour by hour over the last day;
 * `refresh`: anything that changes when a delivery of the endpoint finishes.
 */
export function Sparkline({ endpointId, label, refresh }) {
  const { data } = usePoll(() => api('GET', `v1/webhooks/${endpointId}/success-rate?hours=${SPARK_HOURS}`), [endpointId, refresh], 10_000);
  if (!data) return html`<span class="muted">…</span>`;
  if (data.data.length === 0) return html`<span class="muted">no deliveries in ${SPARK_HOURS} h</span>`;
  const first = Math.floor(new Date(data.since).getTime() / 3_600_000);
  const width = 100;
  const height = 24;
  // The window touches 25 clock hours (0 to 24 from the first); kept 2 units inside the box so the dots show whole.
  const x = (hour) => 2 + ((Math.floor(new Date(hour).getTime() / 3_600_000) - first) / SPARK_HOURS) * (width - 4);
  const y = (rate) => height - 2 - rate * (height - 4);
  const points = data.data.map((h) => [x(h.hour), y(h.rate)]);
  const succeeded = data.data.reduce((sum, h) => sum + h.succeeded, 0);
  const finished = data.data.reduce((sum, h) => sum + h.succeeded + h.failed, 0);
  const overall = Math.round((100 * succeeded) / finished);
  return html`
    <span class="sparkline">
      <svg viewBox=${`0 0 ${width} ${height}`} width="100" height="24" role="img"
        aria-label=${`${label}: ${overall}% of ${finished} deliveries in the last ${SPARK_HOURS} hours succeeded`}>
        <polyline points=${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')} fill="none" stroke="currentColor" stroke-width="1.5" />
        ${points.map(([px, py]) => html`<circle cx=${px} cy=${py} r="2" fill="currentColor" />`)}
      </svg>
      <span>${overall}% of ${finished}</span>
    </span>`;
}

function EndpointRow({ endpoint }) {
  return html`
    <tr>
      <td><a href=${`#/webhooks/${endpoint.id}`}>${endpoint.url}</a>${endpoint.description && html`<div class="muted">${endpoint.description}</div>`}</td>
      <td>${endpoint.eventTypes.length ? endpoint.eventTypes.join(', ') : 'every action event'}</td>
      <td><${StatusBadge} status=${endpoint.status} /></td>
      <td><${Sparkline} endpointId=${endpoint.id} label=${`Success rate of ${endpoint.url}`} /></td>
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
