import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, type Dialect as KyselyDialect, PostgresDialect } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import pg from 'pg';
import { accessTokenStore } from './access-token-store.ts';
import { apiStore } from './api-store.ts';
import { authzStores } from './authz-stores.ts';
import type { AuthzStores } from './authz-types.ts';
import { cachedAccessTokenStore } from './cached-access-token-store.ts';
import { clientStore } from './client-store.ts';
import { migrations } from './migrations/index.ts';
import { peopleStores } from './people-stores.ts';
import type { PeopleStores } from './people-types.ts';
import { useDirectRunner } from './prepared-query.ts';
import { replayStore } from './replay-store.ts';
import type { Database } from './schema.ts';
import { signingKeyStore } from './signing-key-store.ts';
import { type DirectRunner, nodeSqliteDialect } from './sqlite-dialect.ts';
import type { AccessTokenStore, ApiStore, ClientStore, Dialect, ReplayStore, SigningKeyStore } from './types.ts';

/** Every storage role over one database connection (pool). */
export interface Store {
  readonly dialect: Dialect;
  readonly db: Kysely<Database>;
  readonly clients: ClientStore;
  readonly apis: ApiStore;
  readonly signingKeys: SigningKeyStore;
  readonly accessTokens: AccessTokenStore;
  readonly replay: ReplayStore;
  /** The permission service: stores, models, tuples, changelog, assertions. */
  readonly authz: AuthzStores;
  /** People: accounts, sessions, authorization codes, consent grants, refresh tokens. */
  readonly people: PeopleStores;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** SQLite: checkpoint the WAL on a thread of its own, outside commits (long-running servers). */
  checkpointThread?: boolean;
  /** Told about connection errors of idle pooled clients (they are replaced, not fatal). */
  onIdleError?: (error: Error) => void;
}

// int8 columns hold epoch seconds and counts, all far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

/** Parses a `database` URL: `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. */
export function parseDatabaseUrl(url: string): { dialect: Dialect; target: string } {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new Error(`database URL "${url}" has no path`);
    return { dialect: 'sqlite', target: path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', target: url };
  throw new Error(`database URL must start with sqlite: or postgres:// (got "${url.split(':')[0]}:")`);
}

const provider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  },
};

/** The migrator of Portcullis' schema on `db`, with its own bookkeeping tables (tests also step it to a version). */
export function schemaMigrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider,
    migrationTableName: 'portcullis_migrations',
    migrationLockTableName: 'portcullis_migrations_lock',
  });
}

/** Opens the database named by `url`; call `migrate()` before use. */
export function openStore(url: string, options: StoreOptions = {}): Store {
  const { dialect, target } = parseDatabaseUrl(url);
  let kyselyDialect: KyselyDialect;
  let direct: DirectRunner | undefined;
  let pool: pg.Pool | undefined;
  if (dialect === 'sqlite') {
    if (target !== ':memory:') mkdirSync(dirname(resolve(target)), { recursive: true });
    const sqlite = nodeSqliteDialect(target, { checkpointThread: options.checkpointThread });
    kyselyDialect = sqlite;
    direct = sqlite.direct;
  } else {
    pool = new pg.Pool({ connectionString: target, max: options.poolSize ?? 10 });
    // An idle client's connection can drop (database restart, failover): without a listener the
    // pool's 'error' event would crash the process; the pool replaces the client on next use.
    pool.on('error', (error) => options.onIdleError?.(error));
    kyselyDialect = new PostgresDialect({ pool });
  }
  const db = new Kysely<Database>({ dialect: kyselyDialect });
  // Before the stores are built: their prepared queries look the runner up once.
  if (direct) useDirectRunner(db as never, direct);
  return {
    dialect,
    db,
    clients: clientStore(db),
    apis: apiStore(db),
    signingKeys: signingKeyStore(db),
    // Embedded SQLite has a single writer process, so opaque tokens can be served from memory.
    accessTokens: dialect === 'sqlite' ? cachedAccessTokenStore(accessTokenStore(db)) : accessTokenStore(db),
    replay: replayStore(db),
    authz: authzStores(db, pool),
    people: peopleStores(db),
    async migrate() {
      const { error, results } = await schemaMigrator(db).migrateToLatest();
      if (error) throw error;
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async close() {
      await db.destroy();
    },
  };
}
