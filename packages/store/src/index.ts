export { openStore, parseDatabaseUrl, type Store, type StoreOptions } from './database.ts';
export type * from './types.ts';
