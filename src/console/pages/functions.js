import { api } from '../api.js';
import { html, usePoll, useAction, time, ErrorNote } from '../ui.js';

export function FunctionsPage() {
  const { data, error, reload } = usePoll(() => api('GET', 'v1/functions?limit=100'), [], 5000);
  const { act, actionError } = useAction(reload);
  return html`
    <h1>Functions</h1>
    <p class="help">Your service, called before (pre) or after (post) a write route of the API.</p>
    <${ErrorNote} error=${error || actionError} />
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Route</th><th scope="col">Phase</th><th scope="col">URL</th><th scope="col">Timeout</th><th scope="col">Order</th><th scope="col">Enabled</th><th scope="col">Created</th></tr></thead>
        <tbody>
          ${(data?.data ?? []).map((f) => html`
            <tr>
              <td><code>${f.route}</code></td><td>${f.phase}</td><td class="wrap">${f.url}</td><td>${f.timeoutMs} ms</td><td>${f.order}</td>
              <td><label><input type="checkbox" checked=${f.enabled} onChange=${() => act(() => api('PATCH', `v1/functions/${f.id}`, { enabled: !f.enabled }))} /> <span class="visually-hidden">Enabled: ${f.route} ${f.phase}</span></label></td>
              <td>${time(f.createdAt)}</td>
            </tr>`)}
        </tbody>
      </table>
    </div>
    ${data && data.data.length === 0 && html`<p>No functions: <code>POST /v1/functions</code> adds one.</p>`}`;
}
