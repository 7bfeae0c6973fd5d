import type { Clock } from '../clock.ts';
import { invalidToken, temporarilyUnavailable } from '../errors.ts';
import { type Fetch, getJson, maxAgeOf } from '../http.ts';
import { importVerificationKey, type VerificationKey } from './jwk.ts';

export interface JwksStoreOptions {
  /** Resolves the JWKS URL (from discovery) when first needed. */
  jwksUri: () => Promise<string>;
  fetch: Fetch;
  clock: Clock;
  /** Least time between two fetches caused by unknown `kid`s (milliseconds). */
  cooldownMs: number;
  /** Longest time a fetched set is used before it is refreshed in the background (milliseconds). */
  maxAgeMs: number;
  timeoutMs: number;
  algorithms: ReadonlySet<string>;
  /** Called on each fetch attempt (metrics, tests). */
  onFetch?: () => void;
}

/**
 * The issuer's published keys (RFC 7517 §5), cached. An unknown `kid` triggers a refresh at
 * most once per cool-down, so a flood of made-up `kid`s cannot become a flood of fetches; a
 * stale set is refreshed in the background while its keys go on verifying.
 */
export class JwksStore {
  readonly #options: JwksStoreOptions;
  #keys: VerificationKey[] = [];
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #freshFor = 0;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #lastFailure: unknown;
  #pending: Promise<void> | undefined;

  constructor(options: JwksStoreOptions) {
    this.#options = options;
  }

  /** The key that verifies a token with this `kid` and `alg`. */
  async key(kid: string | undefined, alg: string): Promise<VerificationKey> {
    const now = this.#options.clock();
    if (now - this.#fetchedAt >= this.#freshFor && now - this.#attemptedAt >= this.#options.cooldownMs) {
      // Stale: refresh, but only wait for it when there is nothing to verify with yet.
      const refresh = this.#refresh();
      if (this.#keys.length === 0) await refresh;
      else refresh.catch(() => {});
    }
    const found = this.#find(kid, alg);
    if (found) return found;
    if (this.#options.clock() - this.#attemptedAt >= this.#options.cooldownMs) await this.#refresh().catch(() => {});
    else if (this.#pending) await this.#pending.catch(() => {});
    const afterRefresh = this.#find(kid, alg);
    if (afterRefresh) return afterRefresh;
    // Fail closed: an unknown key while the JWKS cannot be read is the issuer's outage, not a bad token.
    if (this.#lastFailure) throw temporarilyUnavailable('the issuer JWKS is unreachable', this.#lastFailure);
    throw invalidToken(kid === undefined ? 'the token has no kid and no single key matches' : 'the token is signed with an unknown key');
  }

  #find(kid: string | undefined, alg: string): VerificationKey | undefined {
    if (kid !== undefined) return this.#keys.find((k) => k.kid === kid);
    const candidates = this.#keys.filter((k) => k.algorithms.has(alg as never));
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  #refresh(): Promise<void> {
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #fetch(): Promise<void> {
    this.#attemptedAt = this.#options.clock();
    this.#options.onFetch?.();
    try {
      const url = await this.#options.jwksUri();
      const { body, headers } = await getJson(this.#options.fetch, url, this.#options.timeoutMs, 'the issuer JWKS');
      if (!Array.isArray(body.keys)) throw temporarilyUnavailable('the issuer JWKS has no keys array');
      this.#keys = body.keys
        .filter((jwk): jwk is Record<string, unknown> => !!jwk && typeof jwk === 'object')
        .map((jwk) => importVerificationKey(jwk, this.#options.algorithms))
        .filter((key): key is VerificationKey => key !== undefined);
      this.#fetchedAt = this.#options.clock();
      // Follow the issuer's Cache-Control, within [cool-down, max age].
      const advertised = maxAgeOf(headers);
      this.#freshFor = Math.max(
        this.#options.cooldownMs,
        Math.min(this.#options.maxAgeMs, (advertised ?? Number.POSITIVE_INFINITY) * 1000),
      );
      this.#lastFailure = undefined;
    } catch (error) {
      this.#lastFailure = error;
      throw error;
    }
  }
}
