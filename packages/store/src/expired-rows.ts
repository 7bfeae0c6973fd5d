import type { Kysely } from 'kysely';

/** The keyed tables housekeeping sweeps, by their key column (see `deleteExpiredBelow`). */
const keyColumns = {
  access_tokens: 'token_hash',
  sessions: 'session_hash',
  interactions: 'interaction_id',
  authorization_codes: 'code_hash',
  refresh_tokens: 'token_hash',
} as const;

/**
 * Deletes the rows of `table` whose key sorts below `keyBelow` and that expired before `now`, and
 * answers how many: the bound keeps the delete in the oldest range of the key index (keys ascend
 * with issue time), the expiry decides each row.
 */
export async function deleteExpiredBelow(
  db: Kysely<never>,
  table: keyof typeof keyColumns,
  now: number,
  keyBelow: string,
): Promise<number> {
  // The tables differ; the statement does not: an untyped view of the database builds it once here.
  const untyped = db as unknown as Kysely<Record<string, { expires_at: number } & Record<string, unknown>>>;
  const result = await untyped.deleteFrom(table).where(keyColumns[table], '<', keyBelow).where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
