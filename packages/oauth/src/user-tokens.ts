import type { Authentication, UserRecord } from '@portcullis/store';
import { issueAccessToken, type TokenResponse } from './access-token-issuer.ts';
import type { Api } from './apis.ts';
import type { Client } from './clients.ts';
import type { OAuthContext } from './context.ts';
import { invalidGrant } from './errors.ts';
import { apiClaimNames, userClaims } from './oidc/claims.ts';
import { issueIdToken } from './oidc/id-token.ts';
import { newOrderedToken, storedTokenKey } from './ordered-tokens.ts';

export interface UserTokenInput {
  client: Client;
  user: UserRecord;
  scopes: string[];
  resource: string | null;
  authentication: Authentication;
  grantId: string;
  /** Refresh-token family; opaque access tokens are filed under it so they die with it. */
  familyId: string;
  familyExpiresAt: number;
  nonce: string | null;
  /** Scope of the new refresh token when it differs from the access token's (a narrowed refresh). */
  refreshScopes?: string[];
  /** When the grant was last used: "last used" is recorded at minute precision, not on every request. */
  grantLastUsedAt: number | null;
}

/** Lifetime of access tokens issued without a resource (for the userinfo endpoint), seconds. */
export const userinfoTokenTtl = 3600;

/** Tokens without a resource are for this server's userinfo endpoint. */
function userinfoApi(context: OAuthContext): Api {
  return {
    identifier: context.issuer,
    name: 'userinfo',
    scopes: {},
    token_format: 'jwt',
    access_token_ttl: userinfoTokenTtl,
    introspection_clients: [],
    metadata: {},
  };
}

/**
 * The token response for a person's grant: an access token for the API (with the user claims
 * that API asked for), an ID token when `openid` was granted, and a rotated refresh token when
 * `offline_access` was (RFC 6749 §5.1, OIDC Core §3.1.3.3).
 */
export async function issueUserTokens(context: OAuthContext, input: UserTokenInput): Promise<TokenResponse> {
  const api = input.resource ? await context.apis.get(input.resource) : userinfoApi(context);
  if (!api) throw invalidGrant('the resource of this grant no longer exists');
  const wanted = Array.isArray(api.metadata.claims)
    ? (api.metadata.claims as string[]).filter((c) => (apiClaimNames as readonly string[]).includes(c))
    : [];
  const now = context.clock();
  // The writes (opaque access token, refresh token, grant use) are started together: on SQLite
  // they then share one grouped commit, and on PostgreSQL they run side by side, instead of
  // each waiting for the one before.
  const issuing = issueAccessToken(context, {
    client: input.client,
    subject: input.user.user_id,
    api,
    scopes: input.scopes,
    claims: {
      ...userClaims(input.user, wanted),
      auth_time: input.authentication.auth_time,
      acr: input.authentication.acr,
      amr: input.authentication.amr,
    },
    grantId: input.familyId,
  });
  const refreshScopes = input.refreshScopes ?? input.scopes;
  let refreshToken: string | undefined;
  let storing: Promise<void> | undefined;
  if (refreshScopes.includes('offline_access') && input.client.grant_types.includes('refresh_token')) {
    refreshToken = newOrderedToken();
    storing = context.people.refreshTokens.insert({
      token_hash: storedTokenKey(refreshToken),
      family_id: input.familyId,
      grant_id: input.grantId,
      client_id: input.client.client_id,
      user_id: input.user.user_id,
      scope: refreshScopes.join(' '),
      resource: input.resource,
      ...input.authentication,
      issued_at: now,
      expires_at: Math.min(now + context.policy.refreshTokenIdleTtl, input.familyExpiresAt),
      family_expires_at: input.familyExpiresAt,
      rotated_at: null,
      revoked_at: null,
    });
  }
  const touching =
    input.grantLastUsedAt === null || now - input.grantLastUsedAt >= 60 ? context.people.grants.touch(input.grantId, now) : undefined;
  // Every write is awaited (a response goes out only once all are committed); allSettled so that
  // one failing write leaves no other's rejection unhandled.
  const [issued, stored, touched] = await Promise.allSettled([issuing, storing, touching]);
  for (const outcome of [issued, stored, touched]) if (outcome.status === 'rejected') throw outcome.reason;
  const response = (issued as PromiseFulfilledResult<TokenResponse>).value;
  if (input.scopes.includes('openid')) {
    response.id_token = await issueIdToken(context, {
      user: input.user,
      clientId: input.client.client_id,
      scopes: input.scopes,
      authentication: input.authentication,
      nonce: input.nonce,
      accessToken: response.access_token,
    });
  }
  if (refreshToken !== undefined) response.refresh_token = refreshToken;
  return response;
}

/** Revokes a refresh-token family and the opaque access tokens issued under it. */
export async function revokeFamily(context: OAuthContext, familyId: string): Promise<void> {
  const now = context.clock();
  await context.people.refreshTokens.revokeFamily(familyId, now);
  await context.accessTokens.revokeGrant(familyId, now);
}

/** Withdraws a person's grant to a client: consent, refresh tokens and opaque access tokens. */
export async function revokeGrant(context: OAuthContext, grantId: string): Promise<void> {
  const now = context.clock();
  // The families first: a family is found by its live refresh token (or its code), and revoking
  // the refresh tokens leaves none live.
  const families = await context.people.grants.families(grantId);
  await context.people.grants.revoke(grantId, now);
  await context.people.refreshTokens.revokeGrant(grantId, now);
  for (const family of families) await context.accessTokens.revokeGrant(family, now);
}
