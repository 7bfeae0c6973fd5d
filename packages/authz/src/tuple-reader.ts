import type { TupleKey } from './tuple-key.ts';

/**
 * What the engine reads: tuples of one store at one revision. Storage adapters implement it
 * (see `@portcullis/store`'s `TupleStore`); the engine never sees SQL.
 */
export interface TupleReader {
  /** Every tuple with this object and relation. */
  readByObject(object: string, relation: string): Promise<TupleKey[]>;
  /** Distinct ids of objects of `objectType` that appear in tuples, sorted ascending, after `after`. */
  objectIds(objectType: string, after: string | undefined, limit: number): Promise<string[]>;
}

/** The request's contextual tuples layered over a reader, as if they were stored. */
export function withContextualTuples(reader: TupleReader, contextual: readonly TupleKey[]): TupleReader {
  if (contextual.length === 0) return reader;
  const byObject = new Map<string, TupleKey[]>();
  for (const tuple of contextual) {
    const key = `${tuple.object}#${tuple.relation}`;
    const list = byObject.get(key) ?? [];
    list.push(tuple);
    byObject.set(key, list);
  }
  return {
    async readByObject(object, relation) {
      const extra = byObject.get(`${object}#${relation}`);
      const stored = await reader.readByObject(object, relation);
      return extra ? [...extra, ...stored] : stored;
    },
    async objectIds(objectType, after, limit) {
      const stored = await reader.objectIds(objectType, after, limit);
      const prefix = `${objectType}:`;
      const extra = contextual
        .filter((t) => t.object.startsWith(prefix))
        .map((t) => t.object.slice(prefix.length))
        .filter((id) => after === undefined || id > after);
      if (extra.length === 0) return stored;
      const merged = [...new Set([...stored, ...extra])].sort();
      // Stored ids beyond the last one read may sort before contextual ones: cut at the stored page end.
      const last = stored.length === limit ? stored[stored.length - 1] : undefined;
      return (last === undefined ? merged : merged.filter((id) => id <= last)).slice(0, limit);
    },
  };
}

/** Remembers reads for the life of one request: sub-problems often read the same rows. */
export function memoizedReader(reader: TupleReader): TupleReader {
  const reads = new Map<string, Promise<TupleKey[]>>();
  return {
    readByObject(object, relation) {
      const key = `${object}#${relation}`;
      let read = reads.get(key);
      if (!read) {
        read = reader.readByObject(object, relation);
        reads.set(key, read);
        read.catch(() => reads.delete(key));
      }
      return read;
    },
    objectIds: (objectType, after, limit) => reader.objectIds(objectType, after, limit),
  };
}
