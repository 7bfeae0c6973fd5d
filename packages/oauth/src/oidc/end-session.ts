import { compactVerify, decodeJwt } from 'jose';
import type { OAuthContext } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import { type FormBody, param } from '../form.ts';
import { ownKeySet } from '../own-jwt-verifier.ts';

export interface LogoutDecision {
  /** Where to send the browser afterwards (with `state`), or null to show a signed-out page. */
  redirectUri: string | null;
  /** Without a valid id_token_hint the person confirms, so a third party cannot log them out. */
  confirm: boolean;
  clientName: string | null;
  /** The subject the hint names; the session must be this user's to be ended without asking. */
  hintSubject: string | null;
}

/** An ID token we signed, expired or not (OIDC RP-Initiated Logout §2 allows expired hints). */
async function verifiedHint(context: OAuthContext, hint: string): Promise<{ sub: string; aud: string } | undefined> {
  try {
    await compactVerify(hint, ownKeySet(context), {
      algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
    });
    const claims = decodeJwt(hint);
    const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    if (claims.iss !== context.issuer || typeof claims.sub !== 'string' || typeof aud !== 'string') return undefined;
    return { sub: claims.sub, aud };
  } catch {
    return undefined;
  }
}

/** OIDC RP-Initiated Logout 1.0 §2–§3: validates the logout request. */
export async function resolveLogout(context: OAuthContext, params: FormBody): Promise<LogoutDecision> {
  const hintText = param(params, 'id_token_hint');
  const hint = hintText ? await verifiedHint(context, hintText) : undefined;
  if (hintText && !hint) throw invalidRequest('id_token_hint is not a valid ID token from this server');
  const clientId = param(params, 'client_id') ?? hint?.aud;
  if (hint && clientId !== hint.aud) throw invalidRequest('client_id does not match the id_token_hint');
  const client = clientId ? await context.clients.get(clientId) : undefined;
  if (clientId && !client) throw invalidRequest('unknown client');
  const postLogout = param(params, 'post_logout_redirect_uri');
  let redirectUri: string | null = null;
  if (postLogout !== undefined) {
    // §3: only a URI registered for the identified client, matched exactly.
    if (!client?.post_logout_redirect_uris.includes(postLogout))
      throw invalidRequest('post_logout_redirect_uri is not registered for this client');
    const url = new URL(postLogout);
    const state = param(params, 'state');
    if (state !== undefined) url.searchParams.set('state', state);
    redirectUri = url.toString();
  }
  return { redirectUri, confirm: !hint, clientName: client?.client_name ?? null, hintSubject: hint?.sub ?? null };
}
