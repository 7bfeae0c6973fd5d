import type { Kysely } from 'kysely';
import type pg from 'pg';
import { assertionStore } from './assertion-store.ts';
import { authorizationModelStore } from './authorization-model-store.ts';
import type { AuthzStores } from './authz-types.ts';
import { changelogStore } from './changelog-store.ts';
import { fgaStoreStore } from './fga-store-store.ts';
import type { Database } from './schema.ts';
import { tupleStore } from './tuple-store.ts';

/**
 * The permission-service roles over one database. `pool`: PostgreSQL's connection pool behind
 * `db`, for the check engine's reads as named prepared statements.
 */
export function authzStores(db: Kysely<Database>, pool?: pg.Pool): AuthzStores {
  return {
    stores: fgaStoreStore(db),
    models: authorizationModelStore(db),
    tuples: tupleStore(db, pool),
    changelog: changelogStore(db),
    assertions: assertionStore(db),
  };
}
