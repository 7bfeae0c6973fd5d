import type { VerifiedAccessToken } from './access-token.ts';
import type { Clock } from './clock.ts';
import type { IssuerDirectory } from './discovery.ts';
import { invalidToken, temporarilyUnavailable, VerificationError } from './errors.ts';
import type { Fetch } from './http.ts';
import { fromIntrospection, numberOr } from './introspection-claims.ts';
import { decodeIntrospectionJwt, type IntrospectionAnswer, requestIntrospection } from './introspection-client.ts';
import { verifyIntrospectionJwt } from './jose/introspection-jwt.ts';
import type { JwtVerification } from './jose/verify-jwt.ts';
import type { IntrospectionOptions, VerifierEvents } from './options.ts';
import { tokenHash } from './token-hash.ts';
import { TtlCache } from './ttl-cache.ts';

export interface OpaqueTokenDeps {
  issuer: string;
  settings: IntrospectionOptions & { cache_ttl: number; negative_cache_ttl: number };
  directory: IssuerDirectory;
  jwt: JwtVerification;
  fetch: Fetch;
  clock: Clock;
  timeoutMs: number;
  maxEntries: number;
  events: VerifierEvents;
}

/**
 * Opaque tokens by RFC 7662 introspection (or RFC 9701 signed answers), cached by the token's
 * hash: active answers until the earliest of `cache_ttl`, the token's `exp` and the signed
 * answer's `exp`; inactive ones for `negative_cache_ttl`. Concurrent lookups share one request.
 */
export class OpaqueTokens {
  readonly #deps: OpaqueTokenDeps;
  readonly #cache: TtlCache<VerifiedAccessToken | null>;
  readonly #inFlight = new Map<string, Promise<VerifiedAccessToken | null>>();

  constructor(deps: OpaqueTokenDeps) {
    this.#deps = deps;
    this.#cache = new TtlCache(deps.maxEntries);
  }

  async verify(token: string): Promise<VerifiedAccessToken> {
    const key = tokenHash(token);
    let verified = this.#cache.get(key, this.#deps.clock());
    this.#deps.events.cache?.('introspection', verified !== undefined);
    if (verified === undefined) {
      let pending = this.#inFlight.get(key);
      if (!pending) {
        pending = this.#askIssuer(token, key).finally(() => this.#inFlight.delete(key));
        this.#inFlight.set(key, pending);
      }
      verified = await pending;
    }
    if (verified === null) throw invalidToken('the token is not active');
    return verified;
  }

  async #askIssuer(token: string, key: string): Promise<VerifiedAccessToken | null> {
    const { settings, directory, events } = this.#deps;
    const endpoint = settings.endpoint ?? (await directory.metadata()).introspection_endpoint;
    if (typeof endpoint !== 'string') throw temporarilyUnavailable('the issuer publishes no introspection endpoint');
    events.introspection?.();
    const answer = await requestIntrospection(token, {
      endpoint,
      credentials: settings,
      fetch: this.#deps.fetch,
      timeoutMs: this.#deps.timeoutMs,
      asJwt: settings.jwt_response === true,
    });
    const { verified, answerExpires } = await this.#read(answer);
    const now = this.#deps.clock();
    if (verified)
      this.#cache.set(key, verified, Math.min(verified.expiresAt * 1000, answerExpires * 1000, now + settings.cache_ttl * 1000), now);
    else this.#cache.set(key, null, now + settings.negative_cache_ttl * 1000, now);
    return verified;
  }

  async #read(answer: IntrospectionAnswer): Promise<{ verified: VerifiedAccessToken | null; answerExpires: number }> {
    const issuer = this.#deps.issuer;
    if (answer.kind === 'json') {
      const expiresAt = numberOr(answer.body.exp, Number.POSITIVE_INFINITY);
      return { verified: fromIntrospection(answer.body, { issuer, expiresAt, format: 'opaque' }), answerExpires: Number.POSITIVE_INFINITY };
    }
    let signed: Awaited<ReturnType<typeof verifyIntrospectionJwt>>;
    try {
      signed = await verifyIntrospectionJwt(decodeIntrospectionJwt(answer.jwt), this.#deps.settings.client_id, this.#deps.jwt);
    } catch (error) {
      // The client's token is not at fault when the issuer's own answer does not verify.
      if (error instanceof VerificationError && error.code === 'temporarily_unavailable') throw error;
      throw temporarilyUnavailable('the introspection response did not verify', error);
    }
    const expiresAt = numberOr(signed.introspection.exp, Number.POSITIVE_INFINITY);
    return {
      verified: fromIntrospection(signed.introspection, { issuer, expiresAt, format: 'opaque', jwt: answer.jwt }),
      // A second early, so the JWT forwarded upstream is never stale on arrival.
      answerExpires: signed.exp - 1,
    };
  }
}
