/**
 * The people scenario both servers are configured for, declared once: one public SPA client
 * (authorization code + PKCE, refresh tokens), one API with opaque access tokens, one person
 * with a password. Each server child maps it to its own configuration.
 */

export const client = {
  id: 'bench-spa',
  name: 'Bench SPA',
  /** Nothing listens there: the load generator stops at the redirect and reads the code. */
  redirectUri: 'http://127.0.0.1:9/callback',
} as const;

/** The API: opaque access tokens, so a refresh costs storage and protocol work, not a signature. */
export const api = {
  identifier: 'https://reports.bench.example',
  name: 'Reports API',
  scopes: { 'reports:read': 'Read reports' } as Record<string, string>,
  accessTokenTtl: 300,
} as const;

export const person = {
  username: 'anne',
  password: 'correct horse battery staple',
  name: 'Anne Example',
} as const;

/** Scope of the complete code flow: an OpenID sign-in (one ID token) with a refresh token. */
export const flowScope = 'openid offline_access reports:read';

/** Scope of the refresh pool's grants: no `openid`, so refreshes return no ID token (nothing signed). */
export const refreshScope = 'offline_access reports:read';

export const formContentType = 'application/x-www-form-urlencoded';
