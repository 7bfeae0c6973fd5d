import type { OAuthContext } from '@portcullis/oauth';

const oidcDescriptions: Record<string, string> = {
  openid: 'Confirm who you are',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Keep access while you are away (stay signed in)',
};

/** Scopes in words for people: OIDC scopes built in, API scopes from the API configuration. */
export async function describeScopes(
  context: OAuthContext,
  scopes: string[],
  resource: string | null,
): Promise<Array<{ scope: string; description: string }>> {
  const apis = await context.apis.all();
  const candidates = resource ? [apis.get(resource)] : [...apis.values()];
  return scopes.filter(Boolean).map((scope) => ({
    scope,
    description: oidcDescriptions[scope] ?? candidates.find((api) => api && scope in api.scopes)?.scopes[scope] ?? scope,
  }));
}
