import type { Kysely } from 'kysely';
import { authorizationCodeStore, interactionStore } from './authorization-code-store.ts';
import type { PeopleStores } from './people-types.ts';
import { grantStore, refreshTokenStore } from './refresh-token-store.ts';
import type { Database } from './schema.ts';
import { sessionStore, userStore } from './user-store.ts';

/** Every people-related role over one database. */
export function peopleStores(db: Kysely<Database>): PeopleStores {
  return {
    users: userStore(db),
    sessions: sessionStore(db),
    interactions: interactionStore(db),
    codes: authorizationCodeStore(db),
    grants: grantStore(db),
    refreshTokens: refreshTokenStore(db),
  };
}
