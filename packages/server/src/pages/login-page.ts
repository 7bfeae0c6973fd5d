import { Html, hidden, html, layout } from './html.ts';

export interface LoginPageInput {
  csrf: string;
  clientName: string | null;
  interaction: string | null;
  returnTo: string | null;
  username: string | null;
  error: string | null;
}

/** The sign-in form: works without JavaScript; errors never say whether the account exists. */
export function loginPage(input: LoginPageInput): string {
  const title = input.clientName ? `Sign in to continue to ${input.clientName}` : 'Sign in';
  return layout(
    title,
    html`${input.error ? html`<p class="error" role="alert">${input.error}</p>` : new Html('')}
<form method="post" action="/login" novalidate>
${hidden({ csrf: input.csrf, interaction: input.interaction, return_to: input.returnTo })}
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${input.username ?? ''}"${input.username ? new Html('') : new Html(' autofocus')}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${input.username ? new Html(' autofocus') : new Html('')}>
<div class="actions"><button type="submit">Sign in</button></div>
</form>`,
  );
}
