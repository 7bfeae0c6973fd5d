import type { Clock } from './clock.ts';
import { temporarilyUnavailable, VerificationError } from './errors.ts';
import { type Fetch, getJson } from './http.ts';

/** The members of RFC 8414 §2 / OIDC Discovery §3 metadata this SDK uses. */
export interface IssuerMetadata {
  issuer: string;
  jwks_uri: string;
  introspection_endpoint?: string;
  [member: string]: unknown;
}

/** Where the metadata documents are: OIDC appends to the issuer, RFC 8414 §3.1 inserts after the host. */
function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname;
  return [`${issuer}/.well-known/openid-configuration`, `${url.origin}/.well-known/oauth-authorization-server${path}`];
}

/**
 * Fetches the issuer's metadata, OpenID Connect first, then RFC 8414. The document must name
 * the same issuer it was fetched for (RFC 8414 §3.3), or tokens could be checked against
 * another issuer's keys.
 */
export async function fetchIssuerMetadata(issuer: string, fetch: Fetch, timeoutMs: number): Promise<IssuerMetadata> {
  let failure: unknown;
  for (const url of metadataUrls(issuer)) {
    try {
      const { body } = await getJson(fetch, url, timeoutMs, 'the issuer metadata');
      if (body.issuer !== issuer) throw temporarilyUnavailable(`the metadata at ${url} names issuer ${String(body.issuer)}`);
      if (typeof body.jwks_uri !== 'string') throw temporarilyUnavailable(`the metadata at ${url} has no jwks_uri`);
      return body as IssuerMetadata;
    } catch (error) {
      failure = error;
    }
  }
  throw failure instanceof VerificationError ? failure : temporarilyUnavailable('the issuer metadata is unreachable', failure);
}

/** Issuer metadata fetched once on first use; a failure is retried, but not more than once per `retryMs`. */
export class IssuerDirectory {
  readonly issuer: string;
  readonly #fetch: Fetch;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #retryMs: number;
  #metadata: IssuerMetadata | undefined;
  #pending: Promise<IssuerMetadata> | undefined;
  #failure: { at: number; error: unknown } | undefined;

  constructor(options: { issuer: string; fetch: Fetch; clock: Clock; timeoutMs: number; retryMs: number }) {
    this.issuer = options.issuer;
    this.#fetch = options.fetch;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs;
    this.#retryMs = options.retryMs;
  }

  async metadata(): Promise<IssuerMetadata> {
    if (this.#metadata) return this.#metadata;
    if (this.#failure && this.#clock() - this.#failure.at < this.#retryMs) throw this.#failure.error;
    this.#pending ??= fetchIssuerMetadata(this.issuer, this.#fetch, this.#timeoutMs).then(
      (metadata) => {
        this.#metadata = metadata;
        this.#failure = undefined;
        this.#pending = undefined;
        return metadata;
      },
      (error: unknown) => {
        this.#failure = { at: this.#clock(), error };
        this.#pending = undefined;
        throw error;
      },
    );
    return this.#pending;
  }
}
