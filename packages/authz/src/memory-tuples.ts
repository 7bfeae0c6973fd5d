import { type TupleKey, tupleKeyString } from './tuple-key.ts';
import type { TupleReader } from './tuple-reader.ts';

/** Tuples held in memory: for tests and embedded use without a database. */
export class MemoryTuples implements TupleReader {
  readonly #tuples = new Map<string, TupleKey>();

  add(...tuples: TupleKey[]): this {
    for (const tuple of tuples) this.#tuples.set(tupleKeyString(tuple), tuple);
    return this;
  }

  delete(...tuples: TupleKey[]): this {
    for (const tuple of tuples) this.#tuples.delete(tupleKeyString(tuple));
    return this;
  }

  async readByObject(object: string, relation: string): Promise<TupleKey[]> {
    return [...this.#tuples.values()].filter((t) => t.object === object && t.relation === relation);
  }

  async readByUsers(users: readonly string[], objectType: string, relation: string): Promise<TupleKey[]> {
    const prefix = `${objectType}:`;
    const wanted = new Set(users);
    return [...this.#tuples.values()].filter((t) => wanted.has(t.user) && t.relation === relation && t.object.startsWith(prefix));
  }
}
