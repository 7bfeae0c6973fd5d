/** Claims of an access token as the API sees them (RFC 9068 §2.2, RFC 7662 §2.2, OIDC Core §2). */
export interface AccessTokenClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  client_id?: string;
  scope?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  jti?: string;
  /** Authentication context class the user authenticated with (OIDC Core §2, RFC 9470 §4). */
  acr?: string;
  amr?: string[];
  /** When the user last authenticated, in seconds since the epoch. */
  auth_time?: number;
  [claim: string]: unknown;
}

/** How the token reached us: a JWT access token, an introspected opaque token, or a gateway's phantom JWT. */
export type TokenFormat = 'jwt' | 'opaque' | 'phantom';

/** What a route accepts from the client: JWTs, opaque tokens (introspected), or either. */
export type AcceptedTokens = 'jwt' | 'opaque' | 'any';

/** A token whose authenticity and lifetime were checked; audience and requirements are checked per request. */
export interface VerifiedAccessToken {
  format: TokenFormat;
  claims: AccessTokenClaims;
  audience: readonly string[];
  scopes: ReadonlySet<string>;
  /** Seconds since the epoch. */
  expiresAt: number;
  /**
   * A JWT that describes this token to upstream APIs: the token itself when it is a JWT, the
   * RFC 9701 introspection response when an opaque token was introspected as JWT.
   */
  jwt?: string;
}

export function audienceOf(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

export function scopesOf(scope: unknown): Set<string> {
  return new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
}
