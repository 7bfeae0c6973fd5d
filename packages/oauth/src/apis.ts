import type { ApiRecord, ApiStore } from '@portcullis/store';

export const tokenFormats = ['jwt', 'opaque'] as const;
export type TokenFormat = (typeof tokenFormats)[number];

/** A resource server: the audience tokens are issued for, and what they may carry. */
export interface Api {
  identifier: string;
  name: string;
  /** scope name → description shown to people. */
  scopes: Record<string, string>;
  token_format: TokenFormat;
  access_token_ttl: number;
  /** Client ids allowed to introspect tokens issued for this API (besides the token's own client). */
  introspection_clients: string[];
  metadata: Record<string, unknown>;
}

export const defaultAccessTokenTtl = 3600;

export function apiFromRecord(record: ApiRecord): Api {
  const m = record.metadata;
  return {
    identifier: record.identifier,
    name: typeof m.name === 'string' ? m.name : record.identifier,
    scopes: (m.scopes && typeof m.scopes === 'object' ? m.scopes : {}) as Record<string, string>,
    token_format: m.token_format === 'opaque' ? 'opaque' : 'jwt',
    access_token_ttl: typeof m.access_token_ttl === 'number' ? m.access_token_ttl : defaultAccessTokenTtl,
    introspection_clients: Array.isArray(m.introspection_clients) ? (m.introspection_clients as string[]) : [],
    metadata: m,
  };
}

/** API lookups with a short-lived cache, like the client registry. */
export class ApiRegistry {
  readonly #store: ApiStore;
  readonly #ttlMs: number;
  #all: { at: number; apis: Map<string, Api> } | undefined;

  constructor(store: ApiStore, options: { ttlMs?: number } = {}) {
    this.#store = store;
    this.#ttlMs = options.ttlMs ?? 1000;
  }

  /** Every API when a fresh cached set exists, without a promise; otherwise undefined (call `all`). */
  cached(): Map<string, Api> | undefined {
    return this.#all && Date.now() - this.#all.at < this.#ttlMs ? this.#all.apis : undefined;
  }

  /** Every API, keyed by identifier (the set is small and read on every token request). */
  async all(): Promise<Map<string, Api>> {
    const now = Date.now();
    if (this.#all && now - this.#all.at < this.#ttlMs) return this.#all.apis;
    const records = await this.#store.list();
    const apis = new Map(records.map((r) => [r.identifier, apiFromRecord(r)]));
    this.#all = { at: now, apis };
    return apis;
  }

  async get(identifier: string): Promise<Api | undefined> {
    return (await this.all()).get(identifier);
  }

  invalidate(): void {
    this.#all = undefined;
  }
}
