import type { TupleKey } from './tuple-key.ts';

/** A value, or a promise of it: readers and resolvers answer synchronously when they can. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * What the engine reads: tuples of one store at one revision. Storage adapters implement it
 * (see `@portcullis/store`'s `TupleStore`); the engine never sees SQL.
 */
export interface TupleReader {
  /**
   * Every tuple with this object and relation (object + relation → users). A reader that needs
   * no I/O wait (an embedded database, memory) may answer with the array itself: the check then
   * runs without a promise per step.
   */
  readByObject(object: string, relation: string): MaybePromise<TupleKey[]>;
  /**
   * Optional: every tuple of the object by any of `relations` (in any order), in one read. The
   * check engine asks for all the relations of one object its rewrite rule reads at once.
   * `wholeObject` says these are all the relations the model lets the object hold tuples for, so
   * the reader may read every tuple of the object (it still returns only those of `relations`).
   */
  readByObjectRelations?(object: string, relations: readonly string[], wholeObject?: boolean): MaybePromise<TupleKey[]>;
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
  const withExtra = (stored: TupleKey[], extra: TupleKey[]) => (extra.length > 0 ? [...extra, ...stored] : stored);
  const layered: TupleReader = {
    readByObject(object, relation) {
      const extra = byObject.get(`${object}#${relation}`) ?? [];
      const stored = reader.readByObject(object, relation);
      return stored instanceof Promise ? stored.then((s) => withExtra(s, extra)) : withExtra(stored, extra);
    },
    async readByUsers(users, objectType, relation) {
      const extra = users.flatMap((user) => byUser.get(`${user}|${objectType}#${relation}`) ?? []);
      const stored = await reader.readByUsers(users, objectType, relation);
      return extra.length > 0 ? [...extra, ...stored] : stored;
    },
  };
  const readRelations = reader.readByObjectRelations?.bind(reader);
  if (readRelations)
    layered.readByObjectRelations = (object, relations, wholeObject) => {
      const extra = relations.flatMap((relation) => byObject.get(`${object}#${relation}`) ?? []);
      const stored = readRelations(object, relations, wholeObject);
      return stored instanceof Promise ? stored.then((s) => withExtra(s, extra)) : withExtra(stored, extra);
    };
  return layered;
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
 * Reads of several relations at once are remembered per relation. A failed read is forgotten.
 * (Reverse expansion visits each user once, so its reads pass through.)
 */
export function memoizedReader(reader: TupleReader): TupleReader {
  // By object, then relation: no `object#relation` string to build and hash on every read.
  const reads = new Map<string, Map<string, MaybePromise<TupleKey[]>>>();
  const remember = (object: string, relation: string, read: MaybePromise<TupleKey[]>) => {
    let relations = reads.get(object);
    if (!relations) {
      relations = new Map();
      reads.set(object, relations);
    }
    relations.set(relation, read);
    if (read instanceof Promise) {
      const byRelation = relations;
      read.catch(() => {
        if (byRelation.get(relation) === read) byRelation.delete(relation);
      });
    }
    return read;
  };
  const readByObject = (object: string, relation: string) =>
    reads.get(object)?.get(relation) ?? remember(object, relation, reader.readByObject(object, relation));
  const readRelations = reader.readByObjectRelations?.bind(reader);
  return {
    readByObject,
    readByObjectRelations(object, relations, wholeObject) {
      const known = reads.get(object);
      const missing = known ? relations.filter((relation) => !known.has(relation)) : relations;
      if (missing.length > 1 && readRelations) {
        const byRelation = (tuples: TupleKey[]) => {
          const split = new Map<string, TupleKey[]>(missing.map((relation) => [relation, []]));
          for (const tuple of tuples) split.get(tuple.relation)?.push(tuple);
          return split;
        };
        // Reading the whole object still answers any subset of its relations.
        const read = readRelations(object, missing, wholeObject);
        if (read instanceof Promise) {
          const split = read.then(byRelation);
          for (const relation of missing)
            remember(
              object,
              relation,
              split.then((s) => s.get(relation) ?? []),
            );
        } else {
          const split = byRelation(read);
          for (const relation of missing) remember(object, relation, split.get(relation) ?? []);
        }
      }
      const parts = relations.map((relation) => readByObject(object, relation));
      return parts.some((part) => part instanceof Promise) ? Promise.all(parts).then((p) => p.flat()) : (parts as TupleKey[][]).flat();
    },
    readByUsers: (users, objectType, relation) => reader.readByUsers(users, objectType, relation),
  };
}
