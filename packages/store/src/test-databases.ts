import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { openStore, type Store, type StoreOptions } from './database.ts';

/** Where the PostgreSQL tests connect; CI and the dev machines run it here with trust auth. */
export const postgresAdminUrl = process.env.PORTCULLIS_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres';
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh SQLite file in a temporary directory, removed by `drop()`. */
export function createSqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-test-'));
  return {
    name: 'sqlite',
    url: `sqlite:${join(dir, 'test.db')}`,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh PostgreSQL database for one test run, dropped by `drop()`. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `portcullis_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    name: 'postgres',
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestDatabaseFactory {
  name: 'sqlite' | 'postgres';
  /** Names the variant in test titles. */
  label: string;
  /** How the store is opened on it. */
  storeOptions?: StoreOptions;
  create: () => Promise<TestDatabase>;
}

/**
 * Both adapters, for suites that must run unchanged against each; SQLite as servers open it
 * (WAL checkpoints on their own thread).
 */
export const testDatabaseFactories: ReadonlyArray<TestDatabaseFactory> = [
  { name: 'sqlite', label: 'sqlite', storeOptions: { checkpointThread: true }, create: async () => createSqliteDatabase() },
  { name: 'postgres', label: 'postgres', create: createPostgresDatabase },
];

/**
 * Declares `suite` once per adapter, each against a fresh, migrated store that is closed and
 * dropped afterwards: the one way the contract suites run unchanged on every database. The store
 * passed in forwards to the current adapter's store, so tests use it like a plain `Store`.
 */
export function describeOnEachDatabase(title: string, suite: (store: Store) => void, setup?: (store: Store) => Promise<void>): void {
  for (const factory of testDatabaseFactories) {
    describe(`${title} on ${factory.label}`, () => {
      let database: TestDatabase;
      let current: Store | undefined;
      const store = new Proxy({} as Store, { get: (_target, property) => (current as unknown as Record<PropertyKey, unknown>)[property] });
      before(async () => {
        database = await factory.create();
        current = openStore(database.url, factory.storeOptions);
        await current.migrate();
        await setup?.(current);
      });
      after(async () => {
        await current?.close();
        await database.drop();
      });
      suite(store);
    });
  }
}
