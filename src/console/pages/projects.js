import { adminApi } from '../api.js';
import { html, usePoll, time, ErrorNote } from '../ui.js';

/** The operator's view (admin token): every project; its data is seen by signing in with its own key. */
export function ProjectsPage() {
  const { data, error } = usePoll(() => adminApi('GET', 'v1/admin/projects'), [], 10_000);
  return html`
    <h1>Projects</h1>
    <p class="help">Every project of this engine. API keys are kept only as hashes: sign in with a project's key to see its actions, collections and webhooks.</p>
    <${ErrorNote} error=${error} />
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Name</th><th scope="col">Project id</th><th scope="col">Signer</th><th scope="col">Actions</th><th scope="col">Last action</th><th scope="col">Created</th></tr></thead>
        <tbody>
          ${(data?.data ?? []).map((p) => html`
            <tr>
              <td>${p.name}</td><td><code>${p.projectId}</code></td>
              <td class="wrap"><code>${p.signer.address}</code><div class="muted">${p.signer.url}</div></td>
              <td>${p.actions}</td><td>${time(p.lastActionAt)}</td><td>${time(p.createdAt)}</td>
            </tr>`)}
        </tbody>
      </table>
    </div>`;
}
