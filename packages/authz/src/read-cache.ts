import { ScopedGenerations } from './scoped-generations.ts';
import type { TupleKey } from './tuple-key.ts';
import { type MaybePromise, partsByRelation, readThrough, rowsByRelation, type TupleReader } from './tuple-reader.ts';

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
  const maxTuples = options.maxTuples ?? 100_000;
  const maxPerRead = options.maxTuplesPerRead ?? 1000;
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  // An object's rows by relation, per store revision.
  const objects = new ScopedGenerations<Map<string, TupleKey[]>>(Math.floor(maxTuples / 2));
  const window = Math.floor((options.admissionWindow ?? Math.floor(maxTuples / 5)) / 2);
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

  const lookup = (object: string, relation: string, scope: string): TupleKey[] | undefined =>
    objects.get(object, scope, now(), (rows) => rows.has(relation))?.get(relation);
  /** Keeps `rows` of each relation read (none for a relation means it has no tuples). */
  const store = (object: string, scope: string, relations: readonly string[], tuples: TupleKey[]) => {
    if (tuples.length > maxPerRead || !admit(object)) return;
    const at = now();
    const weight = tuples.length + relations.length;
    const kept = objects.current(object, scope, at);
    const rows = kept ?? new Map<string, TupleKey[]>();
    for (const [relation, part] of rowsByRelation(relations, tuples)) rows.set(relation, part);
    if (kept) objects.weigh(weight);
    else objects.put(object, scope, rows, at + ttlMs, weight);
  };

  /**
   * Keeps a read of `relations` of `object`; while it is out, others asking for the same keys
   * wait for it instead of reading again. Answers once the rows are kept.
   */
  const keep = (scope: string, object: string, relations: readonly string[], read: MaybePromise<TupleKey[]>): MaybePromise<TupleKey[]> => {
    if (!(read instanceof Promise)) {
      store(object, scope, relations, read);
      return read;
    }
    const keys = relations.map((relation) => `${scope}|${object}#${relation}`);
    const forget = () => {
      for (const key of keys) inFlight.delete(key);
    };
    const settled = read.then(
      (tuples) => {
        forget();
        store(object, scope, relations, tuples);
        return tuples;
      },
      (error: unknown) => {
        forget();
        throw error;
      },
    );
    let i = 0;
    for (const part of partsByRelation(relations, settled).values()) inFlight.set(keys[i++] as string, part as Promise<TupleKey[]>);
    return settled;
  };

  return {
    over(reader, scope) {
      return readThrough(reader, {
        known: (object, relation) =>
          lookup(object, relation, scope) ?? (inFlight.size > 0 ? inFlight.get(`${scope}|${object}#${relation}`) : undefined),
        keep: (object, relations, read) => keep(scope, object, relations, read),
      });
    },
  };
}
