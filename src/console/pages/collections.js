import { api, consoleSettings } from '../api.js';
import { html, usePoll, time, shortId, StatusBadge, ErrorNote, OutLink, explorerAddress } from '../ui.js';

const supply = (used, max) => (max === '0' ? `${used} (no limit)` : `${used} of ${max}`);

export function CollectionsPage() {
  const { data, error } = usePoll(() => api('GET', 'v1/collections'), [], 5000);
  return html`
    <h1>Collections</h1>
    <${ErrorNote} error=${error} />
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Collections, newest first</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Standard</th><th scope="col">Chain</th><th scope="col">Contract</th><th scope="col">Supply used</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
        <tbody>
          ${(data?.data ?? []).map((c) => html`
            <tr>
              <td><a href=${`#/collections/${c.id}`}>${c.name}</a> <span class="muted">${c.symbol}</span></td>
              <td>${c.standard} v${c.contractVersion}</td>
              <td>${c.chain}</td>
              <td><code>${c.contractAddress ? shortId(c.contractAddress) : '—'}</code></td>
              <td>${c.standard === 'erc721' ? supply(c.supplyUsed, c.maxSupply) : 'per token type'}</td>
              <td><${StatusBadge} status=${c.status} /></td>
              <td>${time(c.createdAt)}</td>
            </tr>`)}
        </tbody>
      </table>
    </div>
    ${data && data.data.length === 0 && html`<p>No collections yet: <code>POST /v1/collections</code> deploys one.</p>`}`;
}

export function CollectionPage({ id }) {
  const settings = usePoll(() => consoleSettings(), []);
  const { data: c, error } = usePoll(() => api('GET', `v1/collections/${id}`), [id], 5000);
  const types = usePoll(() => api('GET', `v1/collections/${id}/token-types`), [id], 5000);
  const nfts = usePoll(() => api('GET', `v1/collections/${id}/nfts?limit=100`), [id], 5000);
  if (!c) return html`<h1>Collection</h1><${ErrorNote} error=${error} />`;
  const contractLink = explorerAddress(settings.data, c.chain, c.contractAddress);
  return html`
    <p><a href="#/collections">← Collections</a></p>
    <h1>${c.name} <span class="muted">${c.symbol}</span></h1>
    <dl class="facts">
      <dt>Contract</dt><dd>${c.contractAddress ? html`<code class="wrap">${c.contractAddress}</code> ${contractLink ? html`<${OutLink} href=${contractLink}>on the explorer<//>` : ''}` : '—'}</dd>
      <dt>Standard</dt><dd>${c.standard}, contract version ${c.contractVersion}</dd>
      <dt>Chain</dt><dd>${c.chain} (${c.chainId})</dd>
      <dt>Status</dt><dd><${StatusBadge} status=${c.status} /> <a href=${`#/actions/${c.actionId}`}>its deploy action</a></dd>
      ${c.standard === 'erc721' && html`<dt>Supply used</dt><dd>${supply(c.supplyUsed, c.maxSupply)}</dd>`}
    </dl>
    ${c.standard === 'erc1155' && html`
      <section aria-labelledby="types-heading">
        <h2 id="types-heading">Token types</h2>
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">On-chain id</th><th scope="col">Kind</th><th scope="col">Supply used</th><th scope="col">Status</th></tr></thead>
            <tbody>
              ${(types.data?.data ?? []).map((t) => html`
                <tr>
                  <td>${t.metadata?.name}</td><td><code>${shortId(t.id)}</code></td><td>${t.onChainTypeId ?? '—'}</td>
                  <td>${t.fungible ? 'fungible' : 'non-fungible'}</td><td>${supply(t.supplyUsed, t.maxSupply)}</td>
                  <td><${StatusBadge} status=${t.status} /></td>
                </tr>`)}
            </tbody>
          </table>
        </div>
      </section>`}
    <section aria-labelledby="nfts-heading">
      <h2 id="nfts-heading">NFTs</h2>
      <${ErrorNote} error=${nfts.error} />
      <ul class="nfts">
        ${(nfts.data?.data ?? []).map((n) => html`
          <li class="nft">
            ${n.metadata?.image ? html`<img src=${n.metadata.image} alt=${n.metadata?.name ?? ''} loading="lazy" />` : html`<div class="no-image" aria-hidden="true">no image</div>`}
            <div>
              <strong>${n.metadata?.name ?? '(no name)'}</strong>
              <div>token ${n.tokenId ?? '—'} <${StatusBadge} status=${n.status} /></div>
              <div class="muted">to <code>${shortId(n.recipient)}</code>${n.amount !== '1' ? ` × ${n.amount}` : ''}</div>
              <div>metadata version ${n.metadataVersion}:
                ${Array.from({ length: n.metadataVersion }, (_, i) => html` <a href=${`../v1/metadata/nfts/${n.id}/${i + 1}`} target="_blank" rel="noopener">v${i + 1}</a>`)}
              </div>
            </div>
          </li>`)}
      </ul>
      ${nfts.data && nfts.data.data.length === 0 && html`<p>No NFTs minted in this collection yet.</p>`}
    </section>`;
}
