import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

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

/** Both adapters, for suites that must run unchanged against each. */
export const testDatabaseFactories: ReadonlyArray<{ name: 'sqlite' | 'postgres'; create: () => Promise<TestDatabase> }> = [
  { name: 'sqlite', create: async () => createSqliteDatabase() },
  { name: 'postgres', create: createPostgresDatabase },
];
