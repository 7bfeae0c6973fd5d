import {
  ApiRegistry,
  ClientRegistry,
  type Clock,
  endpointUrls,
  KeyEncryption,
  KeyRing,
  type OAuthContext,
  PasswordHasher,
  systemClock,
  userinfoTokenTtl,
} from '@portcullis/oauth';
import { openStore, type Store } from '@portcullis/store';
import { builtinApis } from './builtin-apis.ts';
import type { Config } from './config/types.ts';
import { resolveKeyEncryptionKey } from './key-encryption-key.ts';

/** The server's long-lived parts, shared by the HTTP edge and the CLI. */
export interface Runtime {
  config: Config;
  store: Store;
  context: OAuthContext;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: Clock;
  warn?: (message: string) => void;
  /** A server rather than a short command: database housekeeping runs in the background. */
  longRunning?: boolean;
  /** Create the first signing key when there is none (servers do; read-only CLI commands do not). */
  ensureSigningKey?: boolean;
}

/** Opens the database, applies migrations and built-in APIs, and loads the signing keys. */
export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const warn = options.warn ?? console.warn;
  const store = openStore(config.database, {
    checkpointThread: options.longRunning ?? true,
    onIdleError: (error) => warn(`database connection lost (will reconnect): ${error.message}`),
  });
  try {
    await store.migrate();
    const now = clock();
    for (const api of builtinApis(config.issuer)) {
      const existing = await store.apis.get(api.identifier);
      if (JSON.stringify(existing?.metadata) !== JSON.stringify(api.metadata)) {
        await store.apis.upsert({ ...api, created_at: existing?.created_at ?? now, updated_at: now });
      }
    }
    const apis = new ApiRegistry(store.apis, { ttlMs: config.cache.registry_ttl_ms });
    const keys = new KeyRing({
      store: store.signingKeys,
      encryption: new KeyEncryption(resolveKeyEncryptionKey(config, warn)),
      clock,
      algorithm: config.keys.algorithm,
      propagationDelay: config.keys.propagation_delay,
      // A retired key stays published while anything it signed may still be presented.
      maxTokenLifetime: async () =>
        Math.max(
          config.tokens.introspection_response_ttl,
          config.tokens.id_token_ttl,
          userinfoTokenTtl,
          ...[...(await apis.all()).values()].map((a) => a.access_token_ttl),
        ),
    });
    if (options.ensureSigningKey ?? true) await keys.init();
    else await keys.refresh();
    await apis.all();
    const context: OAuthContext = {
      issuer: config.issuer,
      endpoints: endpointUrls(config.issuer),
      clock,
      clients: new ClientRegistry(store.clients, { ttlMs: config.cache.registry_ttl_ms }),
      apis,
      keys,
      accessTokens: store.accessTokens,
      replay: store.replay,
      introspectionResponseTtl: config.tokens.introspection_response_ttl,
      people: store.people,
      passwords: new PasswordHasher({
        memoryCost: config.passwords.memory_cost,
        timeCost: config.passwords.time_cost,
        parallelism: config.passwords.parallelism,
      }),
      policy: {
        authorizationCodeTtl: config.tokens.authorization_code_ttl,
        interactionTtl: config.authorization.interaction_ttl,
        sessionTtl: config.sessions.ttl,
        idTokenTtl: config.tokens.id_token_ttl,
        refreshTokenIdleTtl: config.tokens.refresh_token_idle_ttl,
        refreshTokenAbsoluteTtl: config.tokens.refresh_token_absolute_ttl,
        pkceRequired: config.authorization.pkce_required,
      },
    };
    return { config, store, context, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
