import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { html, usePoll, time, shortId, StatusBadge, ErrorNote, Field } from '../ui.js';

const TYPES = ['collections.create', 'tokenTypes.create', 'nfts.create', 'nfts.createBatch', 'nfts.update'];
const STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'];
const STAGES = ['queued', 'building', 'awaiting_signature', 'submitted', 'confirming', 'stuck', 'replacing', 'cancelling', 'chain_unreachable', 'completed'];
const STATUS_COLOURS = { succeeded: '#1a7f37', failed: '#cf222e', pending: '#9a6700', cancelled: '#6e7781' };
const CHART_MINUTES = 60;
const POLL_MS = 2000;
const PAGE_SIZE = 50;

/** Stacked bars of actions started per minute over the last hour, by status (GET /v1/actions/per-minute). */
function PerMinuteChart() {
  const { data, error } = usePoll(() => api('GET', `v1/actions/per-minute?minutes=${CHART_MINUTES}`), [], POLL_MS);
  if (error) return html`<${ErrorNote} error=${error} />`;
  if (!data) return null;
  const start = Math.floor(new Date(data.since).getTime() / 60_000) + 1;
  const columns = Array.from({ length: CHART_MINUTES }, () => ({}));
  for (const row of data.data) {
    const i = Math.floor(new Date(row.minute).getTime() / 60_000) - start;
    if (i >= 0 && i < CHART_MINUTES) columns[i][row.status] = row.count;
  }
  const peak = Math.max(1, ...columns.map((c) => Object.values(c).reduce((a, b) => a + b, 0)));
  const total = data.data.reduce((sum, r) => sum + r.count, 0);
  const byStatus = STATUSES.map((s) => [s, data.data.filter((r) => r.status === s).reduce((sum, r) => sum + r.count, 0)]);
  const width = 600;
  const height = 80;
  const bar = width / CHART_MINUTES;
  return html`
    <figure class="chart">
      <svg viewBox=${`0 0 ${width} ${height}`} role="img" aria-labelledby="chart-caption" preserveAspectRatio="none">
        ${columns.map((column, i) => {
          let y = height;
          return STATUSES.map((status) => {
            const count = column[status] ?? 0;
            if (!count) return null;
            const h = (count / peak) * (height - 4);
            y -= h;
            return html`<rect x=${i * bar + 1} y=${y} width=${bar - 2} height=${h} fill=${STATUS_COLOURS[status]}><title>${count} ${status}</title></rect>`;
          });
        })}
      </svg>
      <figcaption id="chart-caption">
        Actions started per minute, last ${CHART_MINUTES} minutes: ${total} in all
        ${byStatus.map(([s, n]) => html` <span class="legend"><span class="swatch" style=${`background:${STATUS_COLOURS[s]}`}></span>${s} ${n}</span>`)}
      </figcaption>
    </figure>`;
}

export function ActionsPage() {
  const [filters, setFilters] = useState({ type: '', status: '', stage: '', collectionId: '', since: '', q: '' });
  // Pages older than the first: the cursors that led to them, so "Newer" can go back.
  const [cursors, setCursors] = useState([]);
  const set = (name) => (e) => {
    setFilters({ ...filters, [name]: e.currentTarget.value });
    setCursors([]);
  };
  const params = { ...filters, since: filters.since ? new Date(filters.since).toISOString() : '', limit: PAGE_SIZE, cursor: cursors.at(-1) };
  const collections = usePoll(() => api('GET', 'v1/collections'), []);
  const { data, error } = usePoll(() => api('GET', `v1/actions${query(params)}`), [JSON.stringify(params)], POLL_MS);
  const select = (name, label, options) => html`
    <${Field} label=${label} id=${`filter-${name}`}>
      <select id=${`filter-${name}`} value=${filters[name]} onChange=${set(name)}>
        <option value="">any</option>
        ${options.map((o) => (Array.isArray(o) ? html`<option value=${o[0]}>${o[1]}</option>` : html`<option value=${o}>${o}</option>`))}
      </select>
    <//>`;
  return html`
    <h1>Actions</h1>
    <${PerMinuteChart} />
    <form class="filters" role="search" aria-label="Filter actions" onSubmit=${(e) => e.preventDefault()}>
      <${Field} label="Search (action id, tx hash, Idempotency-Key)" id="filter-q">
        <input id="filter-q" type="search" value=${filters.q} onInput=${set('q')} />
      <//>
      ${select('type', 'Type', TYPES)}
      ${select('status', 'Status', STATUSES)}
      ${select('stage', 'Stage', STAGES)}
      ${select('collectionId', 'Collection', (collections.data?.data ?? []).map((c) => [c.id, `${c.name} (${shortId(c.id)})`]))}
      <${Field} label="Started since" id="filter-since">
        <input id="filter-since" type="datetime-local" value=${filters.since} onInput=${set('since')} />
      <//>
    </form>
    <${ErrorNote} error=${error} />
    <p class="live" aria-live="polite">${data ? `${data.data.length} action${data.data.length === 1 ? '' : 's'}${cursors.length ? `, page ${cursors.length + 1}` : ''}, updated every 2 s` : 'Loading…'}</p>
    <div class="table-wrap">
      <table class="actions">
        <caption class="visually-hidden">Actions, newest first</caption>
        <thead><tr><th scope="col">Action</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Stage</th><th scope="col">Chain</th><th scope="col">Started</th><th scope="col">Transaction</th></tr></thead>
        <tbody>
          ${(data?.data ?? []).map((a) => html`
            <tr data-action-id=${a.actionId}>
              <td><a href=${`#/actions/${a.actionId}`}><code>${shortId(a.actionId)}</code></a></td>
              <td>${a.type}</td>
              <td><${StatusBadge} status=${a.status} /></td>
              <td>${a.stage}</td>
              <td>${a.chain}</td>
              <td>${time(a.startedAt)}</td>
              <td><code>${a.txId ? shortId(a.txId) : '—'}</code></td>
            </tr>`)}
        </tbody>
      </table>
    </div>
    <div class="toolbar" role="group" aria-label="Pages">
      ${cursors.length > 0 && html`<button onClick=${() => setCursors(cursors.slice(0, -1))}>Newer</button>`}
      ${data?.nextCursor && html`<button onClick=${() => setCursors([...cursors, data.nextCursor])}>Older</button>`}
    </div>`;
}
