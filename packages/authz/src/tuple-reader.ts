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
  /**
   * Optional, for readers over memory: one object's rows, to read relation by relation after a
   * single lookup of the object (undefined when it has none). Answers what `readByObject` would.
   */
  readObject?(object: string): ObjectTuples | undefined;
  /**
   * Optional, with `readObject`: the rows of `object`, the object a row of this reader names as
   * its user (a parent of a tuple-to-userset, the object of a userset). Answers what
   * `readObject(object)` would; a reader over memory keeps the row's way to its object, so a
   * walk follows it instead of looking the object up again.
   */
  readLinked?(row: TupleKey, object: string): ObjectTuples | undefined;
}

/** One object's rows in memory, by relation. */
export interface ObjectTuples {
  /** The rows of `relation`: a long list indexed (see `RowIndex`), a short one as it is. */
  rows(relation: string): readonly TupleKey[] | RowIndex;
}

/** A long row list split for lookups: plain users by name, and the rest to walk. */
export interface RowIndex {
  /** Unconditioned tuples whose user is a plain object or a wildcard (`user:anne`, `user:*`), by user. */
  readonly byUser: ReadonlyMap<string, TupleKey>;
  /** Every other row: usersets (`group:eng#member`) and conditioned tuples. */
  readonly rest: readonly TupleKey[];
}

/** Splits rows into a `RowIndex`. */
export function indexRows(rows: readonly TupleKey[]): RowIndex {
  const byUser = new Map<string, TupleKey>();
  const rest: TupleKey[] = [];
  for (const row of rows) {
    if (row.condition?.name || row.user.includes('#')) rest.push(row);
    else byUser.set(row.user, row);
  }
  return { byUser, rest };
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
 * Where object reads are kept by relation (a request's memo, the shared read cache): what is
 * known of one relation of an object, and how to keep one read of one or more of its relations.
 */
export interface RelationRows {
  /** The rows of `object#relation` (or the read still out), if known. */
  known(object: string, relation: string): MaybePromise<TupleKey[]> | undefined;
  /** Keeps `read`, the rows of `relations` of `object` read at once; answers what the caller gets. */
  keep(object: string, relations: readonly string[], read: MaybePromise<TupleKey[]>): MaybePromise<TupleKey[]>;
}

/**
 * `reader`'s object reads answered from `rows` where they are known, read and kept otherwise:
 * the relations not known yet go in one read when the reader can read several at once.
 */
export function readThrough(reader: TupleReader, rows: RelationRows): TupleReader {
  const readRelations = reader.readByObjectRelations?.bind(reader);
  return {
    readByObject: (object, relation) =>
      rows.known(object, relation) ?? rows.keep(object, [relation], reader.readByObject(object, relation)),
    readByObjectRelations(object, relations, wholeObject) {
      const parts: Array<MaybePromise<TupleKey[]>> = [];
      const missing: string[] = [];
      for (const relation of relations) {
        const hit = rows.known(object, relation);
        if (hit) parts.push(hit);
        else missing.push(relation);
      }
      if (readRelations && (missing.length > 1 || (missing.length === 1 && wholeObject)))
        parts.push(rows.keep(object, missing, readRelations(object, missing, wholeObject)));
      else for (const relation of missing) parts.push(rows.keep(object, [relation], reader.readByObject(object, relation)));
      if (parts.length === 1) return parts[0] as MaybePromise<TupleKey[]>;
      return parts.some((part) => part instanceof Promise) ? Promise.all(parts).then((p) => p.flat()) : (parts as TupleKey[][]).flat();
    },
    readByUsers: (users, objectType, relation) => reader.readByUsers(users, objectType, relation),
  };
}

/** The rows of each of `relations` in one read of them (a relation without rows gets none). */
export function rowsByRelation(relations: readonly string[], tuples: TupleKey[]): Map<string, TupleKey[]> {
  const split = new Map<string, TupleKey[]>(relations.map((relation) => [relation, []]));
  for (const tuple of tuples) split.get(tuple.relation)?.push(tuple);
  return split;
}

/**
 * Each relation's part of a read of `relations`: the rows themselves, or a promise of them. A
 * failing read fails every part; a part nobody awaits does not leave its rejection unhandled.
 */
export function partsByRelation(relations: readonly string[], read: MaybePromise<TupleKey[]>): Map<string, MaybePromise<TupleKey[]>> {
  if (relations.length === 1) return new Map([[relations[0] as string, read]]);
  if (!(read instanceof Promise)) return rowsByRelation(relations, read);
  const split = read.then((tuples) => rowsByRelation(relations, tuples));
  return new Map(
    relations.map((relation) => {
      const part = split.then((s) => s.get(relation) ?? []);
      part.catch(() => {});
      return [relation, part];
    }),
  );
}

/**
 * Remembers object reads for the life of one request: sub-problems often read the same rows.
 * Reads of several relations at once are remembered per relation. A failed read is forgotten.
 * (Reverse expansion visits each user once, so its reads pass through.)
 */
export function memoizedReader(reader: TupleReader): TupleReader {
  // By object, then relation: no `object#relation` string to build and hash on every read.
  const reads = new Map<string, Map<string, MaybePromise<TupleKey[]>>>();
  return readThrough(reader, {
    known: (object, relation) => reads.get(object)?.get(relation),
    keep(object, relations, read) {
      let byRelation = reads.get(object);
      if (!byRelation) {
        byRelation = new Map();
        reads.set(object, byRelation);
      }
      const known = byRelation;
      for (const [relation, part] of partsByRelation(relations, read)) {
        known.set(relation, part);
        if (part instanceof Promise)
          part.catch(() => {
            if (known.get(relation) === part) known.delete(relation);
          });
      }
      return read;
    },
  });
}
