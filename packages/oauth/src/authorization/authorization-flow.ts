import type { GrantRecord, SessionRecord, UserRecord } from '@portcullis/store';
import type { Client } from '../clients.ts';
import type { OAuthContext } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import type { FormBody } from '../form.ts';
import { newFamilyId, newOrderedToken, storedTokenKey } from '../ordered-tokens.ts';
import { randomToken } from '../secrets.ts';
import {
  AuthorizationRedirectError,
  type AuthorizationRequest,
  authorizationResponseUrl,
  validateAuthorizationRequest,
} from './authorization-request.ts';
import { pendingRequests } from './pending-requests.ts';

/**
 * What the authorization endpoint does next. A consent step carries what its page shows (the
 * application, the request and the signed-in account), so the page can be answered where the
 * browser already is instead of through another redirect and another read of each.
 */
export type AuthorizationStep =
  | { kind: 'redirect'; url: string }
  | { kind: 'login'; interactionId: string }
  | { kind: 'consent'; interactionId: string; client: Client; request: AuthorizationRequest; user: UserRecord };

interface Pending {
  interactionId: string;
  client: Client;
  request: AuthorizationRequest;
}

function errorRedirect(context: OAuthContext, error: AuthorizationRedirectError): AuthorizationStep {
  return {
    kind: 'redirect',
    url: authorizationResponseUrl(context, error.redirectUri, {
      error: error.code,
      error_description: error.description,
      state: error.state,
    }),
  };
}

async function savePending(context: OAuthContext, request: AuthorizationRequest): Promise<string> {
  // Ordered like stored tokens (see ordered-tokens.ts), so abandoned ones are found by key range.
  const interactionId = newOrderedToken();
  const now = context.clock();
  await pendingRequests(context.people).save({
    interaction_id: interactionId,
    request: { ...request },
    created_at: now,
    expires_at: now + context.policy.interactionTtl,
  });
  return interactionId;
}

/** The pending request an interaction id names; an unknown or expired one is shown, not redirected. */
export async function loadPending(context: OAuthContext, interactionId: string | undefined): Promise<Pending> {
  if (!interactionId) throw invalidRequest('the sign-in request is missing');
  const record = await pendingRequests(context.people).find(interactionId);
  if (!record || record.expires_at <= context.clock())
    throw invalidRequest('the sign-in request has expired; start again from the application');
  const request = record.request as unknown as AuthorizationRequest;
  const client = await context.clients.get(request.client_id);
  if (!client) throw invalidRequest('the application no longer exists');
  return { interactionId, client, request };
}

function covers(grant: GrantRecord | undefined, scopes: string[]): boolean {
  if (!grant) return false;
  const granted = new Set(grant.scope.split(' '));
  return scopes.every((s) => granted.has(s));
}

/**
 * Issues the code for a grant. `saving` is the grant's pending write, if any: it and the code's
 * writes are awaited together, so on SQLite they share one grouped commit. The interaction ends
 * here, once: unless this caller's delete is the one that found it (another tab, a resubmitted
 * form, another process got there first), the code just stored is never handed out.
 */
async function issueCode(
  context: OAuthContext,
  pending: Pending,
  session: SessionRecord,
  grant: GrantRecord,
  saving?: Promise<void>,
): Promise<AuthorizationStep> {
  const { request } = pending;
  const code = newOrderedToken();
  const now = context.clock();
  const writes = [
    saving,
    context.people.codes.insert({
      code_hash: storedTokenKey(code),
      client_id: request.client_id,
      user_id: session.user_id,
      grant_id: grant.grant_id,
      redirect_uri: request.redirect_uri,
      code_challenge: request.code_challenge,
      scope: request.scope.join(' '),
      resource: request.resource,
      nonce: request.nonce,
      auth_time: session.auth_time,
      acr: session.acr,
      amr: session.amr,
      session_hash: session.session_hash,
      family_id: newFamilyId(),
      expires_at: now + context.policy.authorizationCodeTtl,
      consumed_at: null,
    }),
    pending.interactionId ? pendingRequests(context.people).finish(pending.interactionId) : true,
  ] as const;
  // allSettled: every write is finished (and none left unhandled) before a failure is reported.
  const outcomes = await Promise.allSettled(writes);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  if (!(outcomes[2] as PromiseFulfilledResult<boolean>).value)
    throw invalidRequest('the sign-in request has expired; start again from the application');
  return { kind: 'redirect', url: authorizationResponseUrl(context, request.redirect_uri, { code, state: request.state }) };
}

/**
 * Decides the next step for a pending request: sign-in (no session, `prompt=login`, or an
 * authentication older than `max_age`), consent (no remembered grant covering the scopes, or
 * `prompt=consent`), or the code. `prompt=none` turns the first two into errors (OIDC Core §3.1.2.1).
 */
async function decide(
  context: OAuthContext,
  pending: Pending,
  session: SessionRecord | undefined,
  justSignedIn: boolean,
  signedInUser?: UserRecord,
): Promise<AuthorizationStep> {
  const { request, client } = pending;
  const now = context.clock();
  const stale = session !== undefined && request.max_age !== null && now - session.auth_time > request.max_age;
  // Right after a sign-in the account was just read (and checked) by the password step.
  const user = session && (signedInUser?.user_id === session.user_id ? signedInUser : await context.people.users.get(session.user_id));
  if (!session || !user || user.disabled || (!justSignedIn && (stale || request.prompt.includes('login')))) {
    if (request.prompt.includes('none')) {
      throw new AuthorizationRedirectError('login_required', 'the user must sign in', request.redirect_uri, request.state);
    }
    return { kind: 'login', interactionId: pending.interactionId };
  }
  const skipConsent = client.metadata.skip_consent === true;
  // prompt=consent asks whatever was granted before: no need to read the grant.
  const mustAsk = !skipConsent && request.prompt.includes('consent');
  const grant = mustAsk ? undefined : await context.people.grants.findActive(session.user_id, client.client_id);
  if (grant && (skipConsent || (covers(grant, request.scope) && !request.prompt.includes('consent')))) {
    return issueCode(context, pending, session, ...widenGrant(context, grant, request.scope));
  }
  if (skipConsent)
    return issueCode(context, pending, session, ...widenGrant(context, undefined, request.scope, session.user_id, client.client_id));
  if (request.prompt.includes('none')) {
    throw new AuthorizationRedirectError('consent_required', 'the user must approve this application', request.redirect_uri, request.state);
  }
  return { kind: 'consent', interactionId: pending.interactionId, client, request, user };
}

/**
 * Records that the user allows the client these scopes, adding to what was allowed before: the
 * grant as it will be, and its write (none when nothing changes), for issueCode to await.
 */
function widenGrant(
  context: OAuthContext,
  grant: GrantRecord | undefined,
  scopes: string[],
  userId?: string,
  clientId?: string,
): [GrantRecord, Promise<void> | undefined] {
  const now = context.clock();
  const merged = [...new Set([...(grant?.scope.split(' ').filter(Boolean) ?? []), ...scopes])].join(' ');
  if (grant && grant.scope === merged) return [grant, undefined];
  const record: GrantRecord = grant
    ? { ...grant, scope: merged, updated_at: now }
    : {
        grant_id: randomToken(16),
        user_id: userId as string,
        client_id: clientId as string,
        scope: merged,
        created_at: now,
        updated_at: now,
        last_used_at: null,
        revoked_at: null,
      };
  return [record, context.people.grants.upsert(record)];
}

/** RFC 6749 §4.1.1: validates the request and takes the first step. */
export async function startAuthorization(
  context: OAuthContext,
  query: FormBody,
  session: SessionRecord | undefined,
): Promise<AuthorizationStep> {
  let validated: Awaited<ReturnType<typeof validateAuthorizationRequest>>;
  try {
    validated = await validateAuthorizationRequest(context, query);
  } catch (error) {
    if (error instanceof AuthorizationRedirectError) return errorRedirect(context, error);
    throw error;
  }
  // A request that can finish at once (signed in, consent remembered) needs no stored interaction.
  const pending: Pending = { interactionId: '', client: validated.client, request: validated.request };
  try {
    const step = await decide(context, pending, session, false);
    if (step.kind === 'redirect') return step;
    const interactionId = await savePending(context, validated.request);
    return { ...step, interactionId };
  } catch (error) {
    if (error instanceof AuthorizationRedirectError) return errorRedirect(context, error);
    throw error;
  }
}

/** After a successful sign-in within an interaction; `user` is the account that just signed in. */
export async function continueAfterSignIn(
  context: OAuthContext,
  interactionId: string,
  session: SessionRecord,
  user?: UserRecord,
): Promise<AuthorizationStep> {
  const pending = await loadPending(context, interactionId);
  return decide(context, pending, session, true, user);
}

/** The person approved the consent page: remember the grant and issue the code. */
export async function approveConsent(context: OAuthContext, interactionId: string, session: SessionRecord): Promise<AuthorizationStep> {
  const pending = await loadPending(context, interactionId);
  const grant = await context.people.grants.findActive(session.user_id, pending.client.client_id);
  return issueCode(
    context,
    pending,
    session,
    ...widenGrant(context, grant, pending.request.scope, session.user_id, pending.client.client_id),
  );
}

/** The person refused: the client hears `access_denied` (RFC 6749 §4.1.2.1). */
export async function denyConsent(context: OAuthContext, interactionId: string): Promise<AuthorizationStep> {
  const pending = await loadPending(context, interactionId);
  await pendingRequests(context.people).finish(interactionId);
  return errorRedirect(
    context,
    new AuthorizationRedirectError('access_denied', 'the user denied the request', pending.request.redirect_uri, pending.request.state),
  );
}
