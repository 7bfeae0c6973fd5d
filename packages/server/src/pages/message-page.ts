import { Html, hidden, html, layout } from './html.ts';

/** A page that explains an error to the person (requests that cannot be sent back to the application). */
export function errorPage(title: string, description: string): string {
  return layout(title, html`<p class="error" role="alert">${description}</p><p class="muted">Return to the application and try again.</p>`);
}

/** The RP-initiated logout confirmation (asked when the request does not prove it comes from the application). */
export function logoutConfirmPage(input: { csrf: string; clientName: string | null; fields: Record<string, string | undefined> }): string {
  return layout(
    'Sign out?',
    html`<p>${input.clientName ? html`<strong>${input.clientName}</strong> asks to sign you out.` : new Html('Do you want to sign out?')}</p>
<form method="post" action="/oauth2/logout">
${hidden({ ...input.fields, csrf: input.csrf, confirm: 'yes' })}
<div class="actions"><button type="submit">Sign out</button></div>
</form>`,
  );
}

export function signedOutPage(): string {
  return layout('You are signed out', html`<p>You can close this window.</p>`);
}
