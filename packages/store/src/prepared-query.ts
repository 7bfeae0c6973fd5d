import type { Compilable, Kysely } from 'kysely';
import type { DirectRunner } from './sqlite-dialect.ts';

// Databases whose queries may skip Kysely's executor (the embedded SQLite dialect's runner).
const directRunners = new WeakMap<object, DirectRunner>();

/** Lets prepared queries on `db` (the root instance, never a transaction) run through `runner`. */
export function useDirectRunner(db: Kysely<never>, runner: DirectRunner): void {
  directRunners.set(db, runner);
}

/**
 * Compiles a query once and runs it with fresh parameters: hot paths skip building and
 * compiling the query tree on every call. Parameters are positional, in the order the
 * builder placed the sample values. On embedded SQLite the query also skips Kysely's executor
 * (see NodeSqliteDialect.direct); the results are the same.
 */
export function preparedQuery<Row>(db: Kysely<never>, query: Compilable<Row>) {
  const compiled = query.compile();
  const direct = directRunners.get(db);
  return async (parameters: readonly unknown[]): Promise<{ rows: Row[]; affected: number }> => {
    const withParameters = { ...compiled, parameters };
    const result =
      (direct?.(withParameters) as Promise<{ rows: Row[]; numAffectedRows?: bigint }> | undefined) ?? db.executeQuery<Row>(withParameters);
    const { rows, numAffectedRows } = await result;
    return { rows, affected: Number(numAffectedRows ?? 0n) };
  };
}
