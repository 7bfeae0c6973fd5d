import type { Compilable, Kysely } from 'kysely';

/**
 * Compiles a query once and runs it with fresh parameters: hot paths skip building and
 * compiling the query tree on every call. Parameters are positional, in the order the
 * builder placed the sample values.
 */
export function preparedQuery<Row>(db: Kysely<never>, query: Compilable<Row>) {
  const compiled = query.compile();
  return async (parameters: readonly unknown[]): Promise<{ rows: Row[]; affected: number }> => {
    const result = await db.executeQuery<Row>({ ...compiled, parameters });
    return { rows: result.rows, affected: Number(result.numAffectedRows ?? 0n) };
  };
}
