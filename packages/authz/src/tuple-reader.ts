import type { TupleKey } from './tuple-key.ts';

/**
 * What the engine reads: tuples of one store at one revision. Storage adapters implement it
 * (see `@portcullis/store`'s `TupleStore`); the engine never sees SQL.
 */
export interface TupleReader {
  /** Every tuple with this object and relation (object + relation → users). */
  readByObject(object: string, relation: string): Promise<TupleKey[]>;
  /**
   * Every tuple whose user is exactly one of `users` (`type:id`, `type:*` or `type:id#relation`),
   * on objects of `objectType` by `relation` (user → objects, for ListObjects), in any order.
   */
  readByUsers(users: readonly string[], objectType: string, relation: string): Promise<TupleKey[]>;
}

/** The request's contextual tuples layered over a reader, as if they were stored. */
export function withContextualTuples(reader: TupleReader, contextual: readonly TupleKey[]): TupleReader {
  if (contextual.length === 0) return reader;
  const byObject = group(contextual, (t) => `${t.object}#${t.relation}`);
  const byUser = group(contextual, (t) => `${t.user}|${t.object.slice(0, t.object.indexOf(':'))}#${t.relation}`);
  return {
    async readByObject(object, relation) {
      const extra = byObject.get(`${object}#${relation}`);
      const stored = await reader.readByObject(object, relation);
      return extra ? [...extra, ...stored] : stored;
    },
    async readByUsers(users, objectType, relation) {
      const extra = users.flatMap((user) => byUser.get(`${user}|${objectType}#${relation}`) ?? []);
      const stored = await reader.readByUsers(users, objectType, relation);
      return extra.length > 0 ? [...extra, ...stored] : stored;
    },
  };
}

function group(tuples: readonly TupleKey[], key: (tuple: TupleKey) => string): Map<string, TupleKey[]> {
  const map = new Map<string, TupleKey[]>();
  for (const tuple of tuples) {
    const list = map.get(key(tuple)) ?? [];
    list.push(tuple);
    map.set(key(tuple), list);
  }
  return map;
}

/**
 * Remembers object reads for the life of one request: sub-problems often read the same rows.
 * (Reverse expansion visits each user once, so its reads pass through.)
 */
export function memoizedReader(reader: TupleReader): TupleReader {
  const reads = new Map<string, Promise<TupleKey[]>>();
  const remember = (key: string, read: () => Promise<TupleKey[]>) => {
    let pending = reads.get(key);
    if (!pending) {
      pending = read();
      reads.set(key, pending);
      pending.catch(() => reads.delete(key));
    }
    return pending;
  };
  return {
    readByObject: (object, relation) => remember(`${object}#${relation}`, () => reader.readByObject(object, relation)),
    readByUsers: (users, objectType, relation) => reader.readByUsers(users, objectType, relation),
  };
}
