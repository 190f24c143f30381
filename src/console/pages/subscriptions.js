import { api } from '../api.js';
import { html, usePoll, useAction, time, StatusBadge, ErrorNote } from '../ui.js';

const watched = (s) => ({
  wallet: `wallet ${s.address} (${s.direction})`,
  owner: `NFTs held by ${s.address}`,
  nft: `token ${s.tokenId} of ${s.contractAddress}`,
  contract: `contract ${s.contractAddress}`,
  chain: 'metadata updates of every contract',
}[s.kind]);

export function SubscriptionsPage() {
  const { data, error, reload } = usePoll(() => api('GET', 'v1/subscriptions?limit=100'), [], 5000);
  const { act, actionError } = useAction(reload);
  return html`
    <h1>Chain event subscriptions</h1>
    <${ErrorNote} error=${error || actionError} />
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Watches</th><th scope="col">Chain</th><th scope="col">Confirmations</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          ${(data?.data ?? []).map((s) => html`
            <tr>
              <td class="wrap">${watched(s)}</td><td>${s.chain}</td><td>${s.confirmations}</td>
              <td><${StatusBadge} status=${s.status} /></td><td>${time(s.createdAt)}</td>
              <td>
                <button class="small" onClick=${() => act(() => api('PATCH', `v1/subscriptions/${s.id}`, { status: s.status === 'active' ? 'paused' : 'active' }))}>${s.status === 'active' ? 'Pause' : 'Resume'}</button>
                <button class="small" onClick=${() => confirm('Delete this subscription?') && act(() => api('DELETE', `v1/subscriptions/${s.id}`))}>Delete</button>
              </td>
            </tr>`)}
        </tbody>
      </table>
    </div>
    ${data && data.data.length === 0 && html`<p>No subscriptions: <code>POST /v1/subscriptions</code> adds one (see the README's Chain events).</p>`}`;
}
