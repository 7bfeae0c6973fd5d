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

  async objectIds(objectType: string, after: string | undefined, limit: number): Promise<string[]> {
    const prefix = `${objectType}:`;
    const ids = new Set<string>();
    for (const t of this.#tuples.values())
      if (t.object.startsWith(prefix)) {
        const id = t.object.slice(prefix.length);
        if (after === undefined || id > after) ids.add(id);
      }
    return [...ids].sort().slice(0, limit);
  }
}
