import type { UserRecord } from '@portcullis/store';

/** OIDC Core §5.4: the claims each standard scope releases. */
export const scopeClaims: Record<string, string[]> = {
  profile: ['name', 'preferred_username', 'updated_at'],
  email: ['email', 'email_verified'],
};

/** Scopes that belong to OpenID Connect rather than to an API. */
export const oidcScopes = ['openid', 'profile', 'email', 'offline_access'];

/** Claims an API may ask to receive about the user (per-API `claims` configuration). */
export const apiClaimNames = ['roles', 'groups', 'email', 'name', 'preferred_username'] as const;

function claimValue(user: UserRecord, claim: string): unknown {
  switch (claim) {
    case 'name':
      return user.name ?? undefined;
    case 'preferred_username':
      return user.username;
    case 'updated_at':
      return user.updated_at;
    case 'email':
      return user.email ?? undefined;
    case 'email_verified':
      // Portcullis sends no verification mails: an administrator marks addresses as verified.
      return user.email ? user.email_verified : undefined;
    case 'roles':
      return user.roles;
    case 'groups':
      return user.groups;
    default:
      return undefined;
  }
}

/** The named claims of a user, skipping those it has no value for. */
export function userClaims(user: UserRecord, claims: Iterable<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const claim of claims) {
    const value = claimValue(user, claim);
    if (value !== undefined) out[claim] = value;
  }
  return out;
}

/** Claims released by the granted scopes (ID token, userinfo). */
export function claimsForScopes(user: UserRecord, scopes: string[]): Record<string, unknown> {
  return userClaims(
    user,
    scopes.flatMap((s) => scopeClaims[s] ?? []),
  );
}
