import { type AcceptedTokens, audienceOf, scopesOf, type VerifiedAccessToken } from './access-token.ts';
import { bearerToken } from './bearer.ts';
import { type Clock, systemClock } from './clock.ts';
import { IssuerDirectory } from './discovery.ts';
import { invalidToken } from './errors.ts';
import type { Fetch } from './http.ts';
import { fromIntrospection, numberOr } from './introspection-claims.ts';
import { hasType } from './jose/claims.ts';
import { verifyIntrospectionJwt } from './jose/introspection-jwt.ts';
import { JwksStore } from './jose/jwks-store.ts';
import { type DecodedJws, decodeJws, looksLikeJwt } from './jose/jws.ts';
import { type JwtVerification, verifyIssuerJwt } from './jose/verify-jwt.ts';
import { OpaqueTokens } from './opaque-tokens.ts';
import { type VerifierEvents, type VerifierOptions, verifierDefaults } from './options.ts';
import { type CompiledRequirement, checkRequirement, compileRequirement, type Requirement } from './requirement.ts';
import { tokenHash } from './token-hash.ts';
import { TtlCache } from './ttl-cache.ts';

/** Per-request checks; each defaults to the verifier's options. */
export interface VerifyOptions {
  audience?: string | readonly string[];
  tokens?: AcceptedTokens;
  requirement?: CompiledRequirement;
}

/**
 * Verifies access tokens for one issuer: RFC 9068 JWTs against the issuer's JWKS, opaque
 * tokens by RFC 7662 introspection (optionally as RFC 9701 JWTs), and phantom JWTs a gateway
 * forwards. Both caches are keyed by the token's hash and never outlive the token.
 */
export class AccessTokenVerifier {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly tokens: AcceptedTokens;
  readonly clockSkew: number;
  readonly #clock: Clock;
  readonly #fetch: Fetch;
  readonly #timeout: number;
  readonly #directory: IssuerDirectory;
  readonly #jwt: JwtVerification;
  readonly #opaque: OpaqueTokens | undefined;
  readonly #phantomClients: ReadonlySet<string>;
  readonly #acrLevels: readonly string[];
  readonly #events: VerifierEvents;
  readonly #jwtCache: TtlCache<VerifiedAccessToken> | undefined;

  constructor(options: VerifierOptions) {
    this.issuer = options.issuer.replace(/\/+$/, '');
    this.audience = audienceOf(options.audience);
    const introspection = options.introspection && { ...verifierDefaults.introspection, ...options.introspection };
    this.tokens = options.tokens ?? (introspection ? 'any' : 'jwt');
    if (this.tokens !== 'jwt' && !introspection) throw new Error(`accepting ${this.tokens} tokens needs introspection credentials`);
    this.clockSkew = options.clock_skew ?? verifierDefaults.clock_skew;
    this.#clock = options.clock ?? systemClock;
    this.#fetch = options.fetch ?? fetch;
    this.#timeout = options.timeout ?? verifierDefaults.timeout;
    this.#events = options.events ?? {};
    this.#acrLevels = options.acr_levels ?? [];
    const phantom = options.phantom?.client_id;
    this.#phantomClients = new Set(phantom === undefined ? [] : typeof phantom === 'string' ? [phantom] : phantom);
    const jwks = { ...verifierDefaults.jwks, ...options.jwks };
    const cache = { ...verifierDefaults.cache, ...options.cache };
    this.#directory = new IssuerDirectory({
      issuer: this.issuer,
      fetch: this.#fetch,
      clock: this.#clock,
      timeoutMs: this.#timeout,
      retryMs: Math.min(jwks.cooldown * 1000, 5000),
    });
    const algorithms = new Set(options.algorithms ?? verifierDefaults.algorithms);
    this.#jwt = {
      keys: new JwksStore({
        jwksUri: async () => (await this.#directory.metadata()).jwks_uri,
        fetch: this.#fetch,
        clock: this.#clock,
        cooldownMs: jwks.cooldown * 1000,
        maxAgeMs: jwks.max_age * 1000,
        timeoutMs: this.#timeout,
        algorithms,
        onFetch: () => this.#events.jwksFetch?.(),
      }),
      algorithms,
      issuer: this.issuer,
      now: () => this.#clock() / 1000,
      skew: this.clockSkew,
    };
    this.#jwtCache = cache.verified_jwt ? new TtlCache(cache.max_entries) : undefined;
    this.#opaque =
      introspection &&
      new OpaqueTokens({
        issuer: this.issuer,
        settings: introspection,
        directory: this.#directory,
        jwt: this.#jwt,
        fetch: this.#fetch,
        clock: this.#clock,
        timeoutMs: this.#timeout,
        maxEntries: cache.max_entries,
        events: this.#events,
      });
  }

  /** Parses a requirement once (scope expression, `acr` levels), for `verifyAccessToken`. */
  compile(requirement: Requirement): CompiledRequirement {
    return compileRequirement(requirement, this.#acrLevels);
  }

  /**
   * Verifies the request's Bearer token (RFC 6750 §2.1) for this API's audience and checks the
   * requirement (RFC 6750 §3.1 scopes, RFC 9470 step-up). Throws `VerificationError`; turn it
   * into a response with `errorResponse`.
   */
  async verifyAccessToken(request: { authorization?: string | undefined }, options: VerifyOptions = {}): Promise<VerifiedAccessToken> {
    const token = await this.authenticate(bearerToken(request.authorization), options);
    if (options.requirement) this.authorize(token, options.requirement);
    return token;
  }

  /** Checks a verified token against a compiled requirement (scopes, then `acr`/`auth_time`). */
  authorize(token: VerifiedAccessToken, requirement: CompiledRequirement): void {
    checkRequirement(token, requirement, this.#clock() / 1000, this.clockSkew);
  }

  /** Authenticity, lifetime and audience of a token, from cache when it was seen before. */
  async authenticate(
    token: string,
    options: { audience?: string | readonly string[]; tokens?: AcceptedTokens } = {},
  ): Promise<VerifiedAccessToken> {
    const tokens = options.tokens ?? this.tokens;
    const isJwt = looksLikeJwt(token);
    if (isJwt && tokens === 'opaque') throw invalidToken('this resource accepts opaque tokens only');
    if (!isJwt && (tokens === 'jwt' || !this.#opaque)) throw invalidToken('this resource accepts JWT access tokens only');
    const verified = isJwt ? await this.#verifyJwt(token) : await this.#opaque!.verify(token);
    const now = this.#clock() / 1000;
    if (now >= verified.expiresAt + this.clockSkew) throw invalidToken('the token has expired');
    const audience =
      options.audience === undefined ? this.audience : typeof options.audience === 'string' ? [options.audience] : options.audience;
    if (!audience.some((a) => verified.audience.includes(a))) throw invalidToken('the token is not meant for this resource');
    return verified;
  }

  async #verifyJwt(token: string): Promise<VerifiedAccessToken> {
    const key = this.#jwtCache && tokenHash(token);
    if (key !== undefined) {
      const cached = this.#jwtCache!.get(key, this.#clock());
      this.#events.cache?.('jwt', cached !== undefined);
      if (cached) return cached;
    }
    const jws = decodeJws(token);
    const verified =
      this.#phantomClients.size && hasType(jws.header, 'token-introspection+jwt')
        ? await this.#verifyPhantom(jws, token)
        : await this.#verifyAccessJwt(jws, token);
    if (key !== undefined) this.#jwtCache!.set(key, verified, (verified.expiresAt + this.clockSkew) * 1000, this.#clock());
    return verified;
  }

  /** RFC 9068 §4: `typ` at+jwt, signature by the issuer, `iss`, lifetime (audience per request). */
  async #verifyAccessJwt(jws: DecodedJws, token: string): Promise<VerifiedAccessToken> {
    const { claims, exp } = await verifyIssuerJwt(jws, 'at+jwt', this.#jwt);
    return { format: 'jwt', claims, audience: audienceOf(claims.aud), scopes: scopesOf(claims.scope), expiresAt: exp, jwt: token };
  }

  /** A gateway's phantom token: an RFC 9701 JWT issued to the gateway, describing an active token. */
  async #verifyPhantom(jws: DecodedJws, token: string): Promise<VerifiedAccessToken> {
    const aud = jws.payload.aud;
    const client = [...this.#phantomClients].find((c) => c === aud || (Array.isArray(aud) && aud.includes(c)));
    if (!client) throw invalidToken('the phantom token was issued to an unknown client');
    const { introspection, exp } = await verifyIntrospectionJwt(jws, client, this.#jwt);
    // The phantom JWT lapses first or with the token it describes.
    const verified = fromIntrospection(introspection, {
      issuer: this.issuer,
      expiresAt: Math.min(exp, numberOr(introspection.exp, exp)),
      format: 'phantom',
      jwt: token,
    });
    if (!verified) throw invalidToken('the token is not active');
    return verified;
  }
}

/** Creates a verifier for one issuer; see `VerifierOptions`. */
export function createVerifier(options: VerifierOptions): AccessTokenVerifier {
  return new AccessTokenVerifier(options);
}
