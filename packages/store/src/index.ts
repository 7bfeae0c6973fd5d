export * from './authz-types.ts';
export { openStore, parseDatabaseUrl, type Store, type StoreOptions } from './database.ts';
export { InvalidCursorError } from './fga-cursor.ts';
export type * from './people-types.ts';
export type * from './types.ts';
export { longestAccessTokenTtl } from './types.ts';
