import type { TupleKey } from './tuple-key.ts';
import type { MaybePromise, TupleReader } from './tuple-reader.ts';

export interface ReadCacheOptions {
  /** Tuples kept (about), counting each cached read as one more; the oldest half goes at once when full. */
  maxTuples?: number;
  /** How long a read is reused, in milliseconds (OpenFGA's check-iterator-cache TTL is 10 s). */
  ttlMs?: number;
  /** Reads returning more tuples than this are not kept (they would push out many small ones). */
  maxTuplesPerRead?: number;
  /**
   * Objects remembered as read once (about; default a fifth of `maxTuples`): an object's rows
   * are kept only when it is read again while still remembered. 0 keeps every read.
   */
  admissionWindow?: number;
  /** Injected clock. */
  now?: () => number;
}

/** What is known of one object at one scope: its rows by relation. */
interface Entry {
  scope: string;
  expires: number;
  relations: Map<string, TupleKey[]>;
  /** The same object at another scope (another store or revision), rarely more than one. */
  next: Entry | undefined;
}

/** Object reads shared by every request of one engine, keyed by store revision. */
export interface ReadCache {
  /**
   * `reader` with its object reads (object + relation → users) served from the cache under
   * `scope` (store and revision: a write makes earlier reads unreachable). User reads pass through.
   */
  over(reader: TupleReader, scope: string): TupleReader;
}

/**
 * A cache of tuple reads across requests (OpenFGA's check iterator cache): the rows of an object
 * by relation do not depend on who asks, so the parents and groups many checks climb through
 * (`folder:root#viewer`, `group:eng#member`) are read once per revision instead of once per
 * check. Concurrent misses of one key share the read in flight. Entries live in two generations,
 * weighted by their tuples, like the check cache's.
 *
 * An object's rows are kept from its second read on (a "doorkeeper", as in TinyLFU): a stream of
 * objects checked once each (every document of a listing) would otherwise push out the few
 * parents and groups that nearly every check reads again.
 */
export function createReadCache(options: ReadCacheOptions = {}): ReadCache {
  const generationWeight = Math.max(1, Math.floor((options.maxTuples ?? 100_000) / 2));
  const maxPerRead = options.maxTuplesPerRead ?? 1000;
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  // Keyed by the object string alone, the scope compared in the entry: building and hashing a
  // `scope|object#relation` string for every lookup cost more than the reads it saved.
  let young = new Map<string, Entry>();
  let old = new Map<string, Entry>();
  let youngWeight = 0;
  const window = Math.floor((options.admissionWindow ?? Math.floor((options.maxTuples ?? 100_000) / 5)) / 2);
  let seen = new Set<string>();
  let seenBefore = new Set<string>();
  /** Whether `object` was read recently enough to keep its rows now; remembers it otherwise. */
  const admit = (object: string): boolean => {
    if (window === 0 || seen.has(object) || seenBefore.has(object)) return true;
    if (seen.size >= window) {
      seenBefore = seen;
      seen = new Set();
    }
    seen.add(object);
    return false;
  };
  const inFlight = new Map<string, Promise<TupleKey[]>>();

  const find = (generation: Map<string, Entry>, object: string, scope: string): Entry | undefined => {
    for (let entry = generation.get(object); entry; entry = entry.next) if (entry.scope === scope) return entry;
    return undefined;
  };
  const lookup = (object: string, relation: string, scope: string, at: number): TupleKey[] | undefined => {
    const recent = find(young, object, scope);
    const rows = recent && recent.expires > at ? recent.relations.get(relation) : undefined;
    if (rows) return rows;
    // An object's relations may be split between the generations.
    const older = find(old, object, scope);
    return older && older.expires > at ? older.relations.get(relation) : undefined;
  };
  /** Keeps `rows` of each relation read (none for a relation means it has no tuples). */
  const store = (object: string, scope: string, relations: readonly string[], tuples: TupleKey[]) => {
    if (tuples.length > maxPerRead || !admit(object)) return;
    if (youngWeight >= generationWeight) {
      old = young;
      young = new Map();
      youngWeight = 0;
    }
    let entry = find(young, object, scope);
    const at = now();
    if (!entry || entry.expires <= at) {
      const others = young.get(object);
      // A handful of scopes per object at most: older revisions are dropped as newer ones come.
      entry = { scope, expires: at + ttlMs, relations: new Map(), next: others && others.scope !== scope ? others : undefined };
      if (entry.next) entry.next.next = undefined;
      young.set(object, entry);
    }
    for (const relation of relations) entry.relations.set(relation, []);
    for (const tuple of tuples) entry.relations.get(tuple.relation)?.push(tuple);
    youngWeight += tuples.length + relations.length;
  };

  /**
   * Reads `relations` of `object` from the store and keeps each relation's rows; while the read
   * is out, others asking for the same keys wait for it instead of reading again.
   */
  const readAndKeep = (
    read: MaybePromise<TupleKey[]>,
    scope: string,
    object: string,
    relations: readonly string[],
  ): MaybePromise<TupleKey[]> => {
    if (!(read instanceof Promise)) {
      store(object, scope, relations, read);
      return read;
    }
    const keys = relations.map((relation) => `${scope}|${object}#${relation}`);
    const settled = read.then(
      (tuples) => {
        for (const key of keys) inFlight.delete(key);
        store(object, scope, relations, tuples);
        return tuples;
      },
      (error: unknown) => {
        for (const key of keys) inFlight.delete(key);
        throw error;
      },
    );
    relations.forEach((relation, i) => {
      const one = settled.then((tuples) => tuples.filter((tuple) => tuple.relation === relation));
      one.catch(() => {});
      inFlight.set(keys[i] as string, one);
    });
    return settled;
  };

  return {
    over(reader, scope) {
      const readRelations = reader.readByObjectRelations?.bind(reader);
      const readMany = (object: string, relations: readonly string[], wholeObject?: boolean): MaybePromise<TupleKey[]> => {
        const at = now();
        const parts: Array<MaybePromise<TupleKey[]>> = [];
        const missing: string[] = [];
        for (const relation of relations) {
          const hit =
            lookup(object, relation, scope, at) ?? (inFlight.size > 0 ? inFlight.get(`${scope}|${object}#${relation}`) : undefined);
          if (hit) parts.push(hit);
          else missing.push(relation);
        }
        if (missing.length > 0) {
          if (missing.length > 1 || wholeObject) {
            if (readRelations) parts.push(readAndKeep(readRelations(object, missing, wholeObject), scope, object, missing));
            else for (const relation of missing) parts.push(readAndKeep(reader.readByObject(object, relation), scope, object, [relation]));
          } else parts.push(readAndKeep(reader.readByObject(object, missing[0] as string), scope, object, missing));
        }
        if (parts.length === 0) return [];
        if (parts.length === 1) return parts[0] as MaybePromise<TupleKey[]>;
        return parts.some((part) => part instanceof Promise) ? Promise.all(parts).then((p) => p.flat()) : (parts as TupleKey[][]).flat();
      };
      return {
        readByObject: (object, relation) => readMany(object, [relation]),
        readByObjectRelations: readMany,
        readByUsers: (users, objectType, relation) => reader.readByUsers(users, objectType, relation),
      };
    },
  };
}
