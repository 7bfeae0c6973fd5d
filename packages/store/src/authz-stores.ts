import type { Kysely } from 'kysely';
import { assertionStore } from './assertion-store.ts';
import { authorizationModelStore } from './authorization-model-store.ts';
import type { AuthzStores } from './authz-types.ts';
import { changelogStore } from './changelog-store.ts';
import { fgaStoreStore } from './fga-store-store.ts';
import type { Database } from './schema.ts';
import { tupleStore } from './tuple-store.ts';

/** The permission-service roles over one database. */
export function authzStores(db: Kysely<Database>): AuthzStores {
  return {
    stores: fgaStoreStore(db),
    models: authorizationModelStore(db),
    tuples: tupleStore(db),
    changelog: changelogStore(db),
    assertions: assertionStore(db),
  };
}
