import { Html, hidden, html, layout } from './html.ts';

export interface AuthorizedApplication {
  grantId: string;
  clientName: string;
  permissions: string[];
  since: number;
  lastUsed: number | null;
}

function date(seconds: number | null): string {
  return seconds === null ? 'never' : `${new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

/** "Your applications": every client the person authorised, with what it may do, and a revoke button. */
export function accountPage(input: {
  csrf: string;
  userName: string;
  applications: AuthorizedApplication[];
  notice: string | null;
}): string {
  const rows = input.applications.map(
    (app) => html`<tr>
<td><strong>${app.clientName}</strong></td>
<td><ul class="scopes">${app.permissions.map((p) => html`<li>${p}</li>`)}</ul></td>
<td>${date(app.since)}</td>
<td>${date(app.lastUsed)}</td>
<td><form class="inline" method="post" action="/account/applications/${encodeURIComponent(app.grantId)}/revoke">${hidden({ csrf: input.csrf })}<button type="submit" class="danger" aria-label="Revoke access for ${app.clientName}">Revoke</button></form></td>
</tr>`,
  );
  return layout(
    'Your applications',
    html`<p>Signed in as <strong>${input.userName}</strong>.</p>
${input.notice ? html`<p class="error" role="status">${input.notice}</p>` : new Html('')}
${
  input.applications.length
    ? html`<table>
<caption class="muted">Applications you have allowed to use your account</caption>
<thead><tr><th scope="col">Application</th><th scope="col">Can</th><th scope="col">Allowed</th><th scope="col">Last used</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
<tbody>${rows}</tbody>
</table>`
    : html`<p class="muted">You have not allowed any application to use your account.</p>`
}
<form method="post" action="/oauth2/logout">${hidden({ csrf: input.csrf, confirm: 'yes' })}<div class="actions"><button type="submit" class="secondary">Sign out</button></div></form>`,
    { wide: true },
  );
}
