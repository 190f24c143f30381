import { api } from '../api.js';
import { html, usePoll, shortId, ErrorNote } from '../ui.js';

export function EventsPage() {
  const { data, error } = usePoll(() => api('GET', 'v1/events?limit=100'), [], 5000);
  return html`
    <h1>Application events</h1>
    <${ErrorNote} error=${error} />
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Type</th><th scope="col">NFT</th><th scope="col">Actor</th><th scope="col">Data</th><th scope="col">At</th></tr></thead>
        <tbody>
          ${(data?.data ?? []).map((e) => html`
            <tr>
              <td>${e.type}</td>
              <td><a href=${`#/collections/${e.nft.collectionId}`}>token ${e.nft.tokenId ?? '—'}</a> <code>${shortId(e.nft.id)}</code></td>
              <td><code>${e.actor ? shortId(e.actor) : '—'}</code></td>
              <td><code class="wrap">${JSON.stringify(e.data)}</code></td>
              <td>${new Date(e.timestamp).toLocaleString()}</td>
            </tr>`)}
        </tbody>
      </table>
    </div>
    ${data && data.data.length === 0 && html`<p>No application events: <code>POST /v1/events</code> records one.</p>`}`;
}
