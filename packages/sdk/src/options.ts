import type { AcceptedTokens } from './access-token.ts';
import type { Clock } from './clock.ts';
import type { Fetch } from './http.ts';
import type { IntrospectionCredentials } from './introspection-client.ts';

/** Observers for metrics; the SDK itself depends on no metrics library. */
export interface VerifierEvents {
  /** A lookup in the verified-JWT cache or the introspection cache. */
  cache?(cache: 'jwt' | 'introspection', hit: boolean): void;
  /** A JWKS fetch attempt. */
  jwksFetch?(): void;
  /** An introspection request sent to the issuer. */
  introspection?(): void;
}

export interface IntrospectionOptions extends IntrospectionCredentials {
  /** The introspection endpoint; default: `introspection_endpoint` from the issuer's metadata. */
  endpoint?: string;
  /** Ask for RFC 9701 signed JWT answers, which a gateway forwards upstream (the phantom token). */
  jwt_response?: boolean;
  /** Longest time (seconds) an active answer is reused; never beyond the token's `exp`. 0 turns caching off. */
  cache_ttl?: number;
  /** How long (seconds) an inactive answer is reused. */
  negative_cache_ttl?: number;
}

/** Options of `createVerifier`. Every default is in `verifierDefaults`. */
export interface VerifierOptions {
  /** The authorization server whose tokens are accepted; its metadata is found by discovery. */
  issuer: string;
  /** The identifiers this API answers to (RFC 8707 resource / `aud`); a token must name one. */
  audience?: string | readonly string[];
  /** Which tokens the API accepts by default. */
  tokens?: AcceptedTokens;
  /** Signature algorithms accepted (an allow-list; HMAC and `none` are never accepted). */
  algorithms?: readonly string[];
  /** Leeway, in seconds, for `exp`, `nbf`, `iat` and `auth_time`. */
  clock_skew?: number;
  /** Credentials for RFC 7662 introspection of opaque tokens. */
  introspection?: IntrospectionOptions;
  /** Accept RFC 9701 introspection JWTs issued to these clients (a gateway's) as access tokens. */
  phantom?: { client_id: string | readonly string[] };
  jwks?: {
    /** Least seconds between two JWKS fetches caused by unknown `kid`s. */
    cooldown?: number;
    /** Longest seconds a fetched JWKS is used before a background refresh. */
    max_age?: number;
  };
  cache?: {
    /** Keep verified JWTs (by hash, until `exp`) so each token's signature is checked once. */
    verified_jwt?: boolean;
    /** Entries per cache. */
    max_entries?: number;
  };
  /** `acr` values from weakest to strongest, so a requirement of one accepts the stronger ones. */
  acr_levels?: readonly string[];
  /** Milliseconds to wait for the issuer (discovery, JWKS, introspection). */
  timeout?: number;
  fetch?: Fetch;
  clock?: Clock;
  events?: VerifierEvents;
}

/** The defaults, one place, with why. */
export const verifierDefaults = {
  algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
  /** Small: enough for drifting clocks, too little to matter for revocation. */
  clock_skew: 10,
  introspection: {
    jwt_response: false,
    /** A revoked token stays usable at most this long through a cache. */
    cache_ttl: 30,
    /** Long enough to absorb a retry storm with a bad token, short enough not to matter. */
    negative_cache_ttl: 5,
  },
  jwks: {
    /** A flood of made-up `kid`s costs at most one fetch per this many seconds. */
    cooldown: 30,
    /** Below Portcullis' 600 s propagation delay, so a pre-published key is seen before it signs. */
    max_age: 300,
  },
  cache: { verified_jwt: true, max_entries: 10_000 },
  timeout: 5000,
} as const;
