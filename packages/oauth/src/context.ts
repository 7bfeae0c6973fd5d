import type { AccessTokenStore, ReplayStore } from '@portcullis/store';
import type { ApiRegistry } from './apis.ts';
import type { ClientRegistry } from './clients.ts';
import type { Clock } from './clock.ts';
import type { KeyRing } from './keys/key-ring.ts';

/** Absolute URLs of the endpoints this server publishes (RFC 8414 §2). */
export interface EndpointUrls {
  token_endpoint: string;
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
  /** Observes issuance (metrics); must not throw. */
  onTokenIssued?: (grantType: string, format: string) => void;
}

/** Endpoint URLs under an issuer, as Portcullis lays them out. */
export function endpointUrls(issuer: string): EndpointUrls {
  const base = issuer.replace(/\/+$/, '');
  return {
    token_endpoint: `${base}/oauth2/token`,
    introspection_endpoint: `${base}/oauth2/introspect`,
    revocation_endpoint: `${base}/oauth2/revoke`,
    jwks_uri: `${base}/.well-known/jwks.json`,
  };
}
