import { type Kysely, sql } from 'kysely';

/** Recreates a SQLite table (same columns, keys and indexes) as WITHOUT ROWID, keeping its rows. */
export async function rebuildWithoutRowid(db: Kysely<unknown>, table: string): Promise<void> {
  const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  const create = rows[0]?.sql;
  if (!create) throw new Error(`migration: no table ${table}`);
  if (/without\s+rowid\s*$/i.test(create)) return;
  // Indexes SQLite made itself (primary key, unique) have no SQL and come back with the table.
  const indexes = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db);
  const old = `${table}_with_rowid`;
  await sql`alter table ${sql.table(table)} rename to ${sql.table(old)}`.execute(db);
  await sql.raw(`${create} without rowid`).execute(db);
  await sql`insert into ${sql.table(table)} select * from ${sql.table(old)}`.execute(db);
  await sql`drop table ${sql.table(old)}`.execute(db);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
}
