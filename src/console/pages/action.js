import { api, consoleSettings } from '../api.js';
import { html, usePoll, time, StatusBadge, ErrorNote, Json, OutLink, explorerTx } from '../ui.js';

const POLL_MS = 2000;

/** How long after the start a stage began: the timeline's steps are often under a second apart. */
const elapsed = (from, to) => {
  const ms = new Date(to).getTime() - new Date(from).getTime();
  return ms < 10_000 ? `+${ms} ms` : `+${(ms / 1000).toFixed(1)} s`;
};

/** The workflow of an action in the Temporal Web UI, when the API knows where that is. */
const workflowLink = (settings, actionId) => (settings?.temporalUiUrl
  ? `${settings.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(settings.temporalNamespace)}/workflows/action-${actionId}`
  : null);

export function ActionPage({ id }) {
  const settings = usePoll(() => consoleSettings(), []);
  const { data: action, error } = usePoll(() => api('GET', `v1/actions/${id}`), [id], POLL_MS);
  const stages = usePoll(() => api('GET', `v1/actions/${id}/stages`), [id, action?.stage]);
  if (!action) return html`<h1>Action</h1><${ErrorNote} error=${error} />${!error && html`<p>Loading…</p>`}`;
  const s = settings.data;
  const txLink = explorerTx(s, action.chain, action.txId);
  const timeline = stages.data?.data ?? [];
  return html`
    <p><a href="#/actions">← Actions</a></p>
    <h1>Action <code>${action.actionId}</code></h1>
    <${ErrorNote} error=${error} />
    <dl class="facts">
      <dt>Type</dt><dd>${action.type}</dd>
      <dt>Status</dt><dd><${StatusBadge} status=${action.status} /></dd>
      <dt>Stage</dt><dd>${action.stage}</dd>
      <dt>Chain</dt><dd>${action.chain} (${action.chainId})</dd>
      <dt>Collection</dt><dd><a href=${`#/collections/${action.resource.collectionId}`}><code>${action.resource.collectionId}</code></a></dd>
      <dt>Started</dt><dd>${time(action.startedAt)}</dd>
      <dt>Completed</dt><dd>${time(action.completedAt)}</dd>
      <dt>Transaction</dt><dd>${action.txId ? html`<code class="wrap">${action.txId}</code> ${txLink ? html`<${OutLink} href=${txLink}>on the explorer<//>` : ''}` : '—'}${action.nonce !== null ? ` (nonce ${action.nonce})` : ''}</dd>
      <dt>Workflow</dt><dd>${workflowLink(s, action.actionId)
        ? html`<${OutLink} href=${workflowLink(s, action.actionId)}>action-${action.actionId} in the Temporal UI<//>`
        : html`<code>action-${action.actionId}</code> (set TEMPORAL_UI_URL to link the Temporal UI)`}</dd>
    </dl>
    ${action.error && html`
      <section class="failure" aria-labelledby="error-heading">
        <h2 id="error-heading">Error: ${action.error.reason}</h2>
        <p>${action.error.message}</p>
        ${action.error.revertReason && html`<p><strong>Revert reason:</strong> <code class="wrap revert-reason">${action.error.revertReason}</code></p>`}
        ${action.error.callInfo && html`<h3>Call</h3><${Json} value=${action.error.callInfo} />`}
      </section>`}
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <ol class="timeline">
        <li><span class="stage">started</span> <time datetime=${action.startedAt}>${time(action.startedAt)}</time></li>
        ${timeline.map((t) => html`<li><span class="stage">${t.stage}</span> <time datetime=${t.at}>${time(t.at)}</time><span class="elapsed">${elapsed(action.startedAt, t.at)}</span></li>`)}
      </ol>
    </section>
    <section aria-labelledby="resource-heading">
      <h2 id="resource-heading">Resource</h2>
      <${Json} value=${action.resource} />
    </section>`;
}
