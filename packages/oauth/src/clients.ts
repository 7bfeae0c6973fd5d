import type { ClientRecord, ClientStore } from '@portcullis/store';
import type { Clock } from './clock.ts';

export const clientAuthMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export type ClientAuthMethod = (typeof clientAuthMethods)[number];

/** A registered client with RFC 7591 defaults applied. */
export interface Client {
  client_id: string;
  client_secret_hash: string | null;
  client_name: string;
  grant_types: string[];
  response_types: string[];
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  /** Space-separated scopes the client may request. */
  scope: string;
  token_endpoint_auth_method: ClientAuthMethod;
  token_endpoint_auth_signing_alg?: string;
  jwks?: { keys: Record<string, unknown>[] };
  jwks_uri?: string;
  dpop_bound_access_tokens: boolean;
  metadata: Record<string, unknown>;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Applies the RFC 7591 §2 defaults to stored metadata. */
export function clientFromRecord(record: ClientRecord): Client {
  const m = record.metadata;
  const method = (m.token_endpoint_auth_method as ClientAuthMethod | undefined) ?? 'client_secret_basic';
  return {
    client_id: record.client_id,
    client_secret_hash: record.client_secret_hash,
    client_name: typeof m.client_name === 'string' ? m.client_name : record.client_id,
    grant_types: m.grant_types === undefined ? ['authorization_code'] : stringList(m.grant_types),
    response_types: m.response_types === undefined ? ['code'] : stringList(m.response_types),
    redirect_uris: stringList(m.redirect_uris),
    post_logout_redirect_uris: stringList(m.post_logout_redirect_uris),
    scope: typeof m.scope === 'string' ? m.scope : '',
    token_endpoint_auth_method: method,
    token_endpoint_auth_signing_alg: typeof m.token_endpoint_auth_signing_alg === 'string' ? m.token_endpoint_auth_signing_alg : undefined,
    jwks: m.jwks as Client['jwks'],
    jwks_uri: typeof m.jwks_uri === 'string' ? m.jwks_uri : undefined,
    dpop_bound_access_tokens: m.dpop_bound_access_tokens === true,
    metadata: m,
  };
}

/**
 * Client lookups with a short-lived cache: the token endpoint reads the client on every
 * request, and changes made elsewhere (admin API on another node, CLI) show within `ttl`.
 */
export class ClientRegistry {
  readonly #store: ClientStore;
  readonly #clock: () => number;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { at: number; client: Client | undefined }>();

  constructor(store: ClientStore, options: { ttlMs?: number; nowMs?: () => number } = {}) {
    this.#store = store;
    this.#ttlMs = options.ttlMs ?? 1000;
    this.#clock = options.nowMs ?? Date.now;
  }

  /** The client when a fresh cache entry exists, without a promise; otherwise undefined (call `get`). */
  cached(clientId: string): Client | undefined {
    const hit = this.#cache.get(clientId);
    return hit && this.#clock() - hit.at < this.#ttlMs ? hit.client : undefined;
  }

  async get(clientId: string): Promise<Client | undefined> {
    const now = this.#clock();
    const hit = this.#cache.get(clientId);
    if (hit && now - hit.at < this.#ttlMs) return hit.client;
    const record = await this.#store.get(clientId);
    const client = record && clientFromRecord(record);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(clientId, { at: now, client });
    return client;
  }

  invalidate(clientId?: string): void {
    if (clientId === undefined) this.#cache.clear();
    else this.#cache.delete(clientId);
  }
}

export type { Clock };
