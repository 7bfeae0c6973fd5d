import type { AccessTokenStore, PeopleStores, ReplayStore } from '@portcullis/store';
import type { PasswordHasher } from './accounts/password-hasher.ts';
import type { ApiRegistry } from './apis.ts';
import type { ClientRegistry } from './clients.ts';
import type { Clock } from './clock.ts';
import type { KeyRing } from './keys/key-ring.ts';

/** Absolute URLs of the endpoints this server publishes (RFC 8414 §2). */
export interface EndpointUrls {
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  end_session_endpoint: string;
  introspection_endpoint: string;
  revocation_endpoint: string;
  jwks_uri: string;
}

/** Everything the protocol steps need; built once by the server, passed to every endpoint. */
export interface OAuthContext {
  issuer: string;
  endpoints: EndpointUrls;
  clock: Clock;
  clients: ClientRegistry;
  apis: ApiRegistry;
  keys: KeyRing;
  accessTokens: AccessTokenStore;
  replay: ReplayStore;
  /** Lifetime of RFC 9701 introspection responses, seconds. */
  introspectionResponseTtl: number;
  people: PeopleStores;
  passwords: PasswordHasher;
  policy: PeoplePolicy;
}

/** Lifetimes (seconds) of what the people flows create. */
export interface PeoplePolicy {
  authorizationCodeTtl: number;
  interactionTtl: number;
  sessionTtl: number;
  idTokenTtl: number;
  /** Sliding lifetime of a refresh token: each use extends the family by this much. */
  refreshTokenIdleTtl: number;
  /** Absolute lifetime of a refresh-token family, from the sign-in. */
  refreshTokenAbsoluteTtl: number;
  /** Require PKCE from confidential clients too (it is always required from public ones). */
  pkceRequired: boolean;
}

/** Endpoint URLs under an issuer, as Portcullis lays them out. */
export function endpointUrls(issuer: string): EndpointUrls {
  const base = issuer.replace(/\/+$/, '');
  return {
    authorization_endpoint: `${base}/oauth2/authorize`,
    token_endpoint: `${base}/oauth2/token`,
    userinfo_endpoint: `${base}/oauth2/userinfo`,
    end_session_endpoint: `${base}/oauth2/logout`,
    introspection_endpoint: `${base}/oauth2/introspect`,
    revocation_endpoint: `${base}/oauth2/revoke`,
    jwks_uri: `${base}/.well-known/jwks.json`,
  };
}
