import { hidden, html, layout } from './html.ts';

export interface ConsentPageInput {
  csrf: string;
  interaction: string;
  clientName: string;
  userName: string;
  /** What the application asks for, in words people read. */
  permissions: Array<{ scope: string; description: string }>;
}

/** The consent page: the application by its friendly name and each permission it asks for. */
export function consentPage(input: ConsentPageInput): string {
  return layout(
    `${input.clientName} wants access to your account`,
    html`<p>Signed in as <strong>${input.userName}</strong>.</p>
<p>If you allow it, <strong>${input.clientName}</strong> will be able to:</p>
<ul class="scopes">
${input.permissions.map((p) => html`<li>${p.description} <span class="muted">(${p.scope})</span></li>`)}
</ul>
<p class="muted">You can withdraw this at any time from your account page.</p>
<form method="post" action="/consent">
${hidden({ csrf: input.csrf, interaction: input.interaction })}
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  );
}
