import type { TupleKey } from './tuple-key.ts';
import { indexRows, type ObjectTuples, type RowIndex, type TupleReader } from './tuple-reader.ts';

/** Where a change sits in a store's changelog (the write's revision, then its place in the write). */
export interface MirrorPosition {
  revision: number;
  seq: number;
}

/** What the mirror reads from storage; the permission service adapts the store to it. */
export interface MirrorSource {
  /** The position of the store's last change, if any. */
  changelogEnd(storeId: string): Promise<MirrorPosition | undefined>;
  /** A page of the store's tuples in a stable order, and the cursor of the next page (none at the end). */
  scan(storeId: string, after: string | undefined, pageSize: number): Promise<{ tuples: TupleKey[]; next?: string }>;
  /** Up to `limit` changes after `after`, in write order. */
  changes(
    storeId: string,
    after: MirrorPosition | undefined,
    limit: number,
  ): Promise<Array<MirrorPosition & { operation: 'write' | 'delete'; tuple: TupleKey }>>;
}

export interface TupleMirrorOptions {
  /** Tuples held in memory, over every mirrored store; a store that would not fit stays in the database. */
  maxTuples: number;
  /** Tuples per page of a store's first load. */
  scanPageSize?: number;
  /** Changes per read while catching up. */
  changePageSize?: number;
  /**
   * How long a store that did not fit (or failed to load) waits before it is tried again, in ms;
   * each further refusal doubles the wait, up to a day (a store that did not fit rarely fits later,
   * and every try scans up to the limit).
   */
  retryMs?: number;
  now?: () => number;
  /** Told when a store's load or catch-up fails (the store is then read from the database). */
  onError?: (storeId: string, error: unknown) => void;
}

const none: TupleKey[] = [];

/** Row lists at least this long are indexed when read through `rows`; shorter ones are quicker to walk. */
const indexFrom = 8;

/** An object's stored tuples by relation; `object` is the one string its tuples share. */
class ObjectRows implements ObjectTuples {
  readonly object: string;
  readonly byRelation = new Map<string, TupleKey[]>();
  /** Long row lists indexed on first read through `rows`; a change to a list drops its index. */
  indexes: Map<string, RowIndex> | undefined;
  /** Set once its last tuple is deleted and it leaves the store's map: links to it are stale. */
  removed = false;

  constructor(object: string) {
    this.object = object;
  }

  rows(relation: string): readonly TupleKey[] | RowIndex {
    const list = this.byRelation.get(relation);
    if (!list) return none;
    if (list.length < indexFrom) return list;
    const known = this.indexes?.get(relation);
    if (known) return known;
    const index = indexRows(list);
    this.indexes ??= new Map();
    this.indexes.set(relation, index);
    return index;
  }
}

/**
 * A tuple held in memory. It remembers the rows of the object its user names (a parent folder,
 * a group), found on the first walk through it: a walk up a chain then follows references
 * instead of probing the store's map.
 */
class MirrorTuple implements TupleKey {
  readonly object: string;
  readonly relation: string;
  readonly user: string;
  declare condition?: TupleKey['condition'];
  // Private: the link is no part of the tuple (JSON, spreads and comparisons do not see it).
  #link: ObjectRows | undefined;

  constructor(object: string, relation: string, user: string) {
    this.object = object;
    this.relation = relation;
    this.user = user;
  }

  /** The rows of `target` (the object this tuple's user names) in `objects`; kept while they stay there. */
  linkIn(objects: Map<string, ObjectRows>, target: string): ObjectRows | undefined {
    const known = this.#link;
    if (known !== undefined && !known.removed) return known;
    // Only a found object is kept: a missing one may be written later.
    const found = objects.get(target);
    this.#link = found;
    return found;
  }
}

interface MirroredStore {
  state: 'loading' | 'ready' | 'refused';
  objects: Map<string, ObjectRows>;
  tuples: number;
  /** The store revision the mirror has caught up with (it may hold later changes too). */
  revision: number;
  /** The last change applied. */
  position: MirrorPosition | undefined;
  catchingUp?: Promise<void>;
  /** While the first page of the load is out: settles once it is in (and a one-page store is ready). */
  firstPage?: Promise<void>;
  retryAt: number;
  reader?: TupleReader;
}

export interface TupleMirrorStats {
  loading: number;
  ready: number;
  tuples: number;
}

/**
 * Whole stores held in memory and kept current from their changelog (like Zanzibar's Leopard
 * index, for every relation): a check then reads its tuples from maps instead of the database, so
 * its cost no longer depends on how many reads its path takes or how far the database is.
 *
 * A store is loaded on its first read, in pages, while reads still go to the database; from then
 * on a read at revision R waits until the mirror has applied every change up to R (the changes of
 * an acknowledged write are in the changelog by then), so consistency tokens and
 * HIGHER_CONSISTENCY hold as they do in the database. Loading notes where the changelog ends
 * first, then scans, then replays every change after that point: a tuple changed during the scan
 * ends in the state of its last change, one not changed is as scanned.
 *
 * Row arrays are replaced, never changed, when changes arrive: a check that holds one keeps a
 * consistent view. User → object reads (ListObjects) are not mirrored and go to the database.
 */
export class TupleMirror {
  readonly #source: MirrorSource;
  readonly #maxTuples: number;
  readonly #scanPageSize: number;
  readonly #changePageSize: number;
  readonly #retryMs: number;
  readonly #now: () => number;
  readonly #onError: (storeId: string, error: unknown) => void;
  readonly #stores = new Map<string, MirroredStore>();
  // Refusals in a row per store, for the back-off; forgotten once the store is held.
  readonly #refusals = new Map<string, number>();
  // Users and relations repeat across tuples: one string each instead of one per tuple.
  readonly #strings = new Map<string, string>();

  constructor(source: MirrorSource, options: TupleMirrorOptions) {
    this.#source = source;
    this.#maxTuples = options.maxTuples;
    this.#scanPageSize = options.scanPageSize ?? 5000;
    this.#changePageSize = options.changePageSize ?? 1000;
    this.#retryMs = options.retryMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * A reader of `storeId` that has seen every change up to `revision` (answering object reads
   * synchronously, user reads through `fallback`); a promise of one while it catches up; or
   * undefined when the store is not in memory (yet): the caller reads the database.
   */
  readerAt(storeId: string, revision: number, fallback: TupleReader): TupleReader | Promise<TupleReader | undefined> | undefined {
    const mirrored = this.#stores.get(storeId) ?? this.#load(storeId, revision);
    switch (mirrored.state) {
      case 'refused':
        if (this.#now() >= mirrored.retryAt && this.#stores.get(storeId) === mirrored) this.#stores.delete(storeId);
        return undefined;
      case 'loading':
        // A store that fits in one page is read from memory from its first check on; a larger
        // one is read from the database until it has loaded.
        if (!mirrored.firstPage) return undefined;
        return mirrored.firstPage.then(() => (mirrored.state === 'ready' ? this.readerAt(storeId, revision, fallback) : undefined));
      case 'ready':
        if (mirrored.revision >= revision) return this.#readerOf(mirrored, fallback);
        return this.#catchUp(storeId, mirrored, revision).then(() =>
          this.#stores.get(storeId) === mirrored && mirrored.state === 'ready' ? this.#readerOf(mirrored, fallback) : undefined,
        );
    }
  }

  /** Forgets a store (deleted). */
  drop(storeId: string): void {
    this.#stores.delete(storeId);
    this.#refusals.delete(storeId);
  }

  stats(): TupleMirrorStats {
    const stats = { loading: 0, ready: 0, tuples: 0 };
    for (const store of this.#stores.values()) {
      if (store.state === 'loading') stats.loading++;
      if (store.state === 'ready') stats.ready++;
      if (store.state !== 'refused') stats.tuples += store.tuples;
    }
    return stats;
  }

  #held(except: MirroredStore): number {
    let total = 0;
    for (const store of this.#stores.values()) if (store !== except && store.state !== 'refused') total += store.tuples;
    return total;
  }

  #refuse(storeId: string, mirrored: MirroredStore): void {
    if (this.#stores.get(storeId) !== mirrored) return;
    mirrored.state = 'refused';
    mirrored.objects = new Map();
    mirrored.tuples = 0;
    const refusals = (this.#refusals.get(storeId) ?? 0) + 1;
    if (this.#refusals.size >= 10_000) this.#refusals.clear();
    this.#refusals.set(storeId, refusals);
    mirrored.retryAt = this.#now() + Math.min(this.#retryMs * 2 ** (refusals - 1), 24 * 3_600_000);
    mirrored.reader = undefined;
  }

  #load(storeId: string, revision: number): MirroredStore {
    const mirrored: MirroredStore = { state: 'loading', objects: new Map(), tuples: 0, revision, position: undefined, retryAt: 0 };
    this.#stores.set(storeId, mirrored);
    let firstPageIn = () => {};
    mirrored.firstPage = new Promise((resolve) => {
      firstPageIn = () => {
        mirrored.firstPage = undefined;
        resolve();
      };
    });
    const run = async () => {
      mirrored.position = await this.#source.changelogEnd(storeId);
      let after: string | undefined;
      do {
        if (this.#stores.get(storeId) !== mirrored) return;
        const page = await this.#source.scan(storeId, after, this.#scanPageSize);
        for (const tuple of page.tuples) this.#insertLoaded(mirrored, tuple);
        if (mirrored.tuples + this.#held(mirrored) > this.#maxTuples) return this.#refuse(storeId, mirrored);
        after = page.next;
        if (after) firstPageIn();
      } while (after);
      await this.#applyChanges(storeId, mirrored);
      if (this.#stores.get(storeId) !== mirrored || mirrored.state !== 'loading') return;
      mirrored.state = 'ready';
      this.#refusals.delete(storeId);
    };
    run()
      .catch((error: unknown) => {
        this.#onError(storeId, error);
        this.#refuse(storeId, mirrored);
      })
      .finally(firstPageIn);
    return mirrored;
  }

  /** Applies every change after the mirror's position, then counts it caught up with `revision`. */
  #catchUp(storeId: string, mirrored: MirroredStore, revision: number): Promise<void> {
    const previous = mirrored.catchingUp ?? Promise.resolve();
    // One catch-up at a time per store; a later one starts after it and reads what it left.
    const next = previous
      .then(async () => {
        if (mirrored.revision >= revision || mirrored.state !== 'ready') return;
        await this.#applyChanges(storeId, mirrored);
        mirrored.revision = Math.max(mirrored.revision, revision);
        if (this.#held(mirrored) + mirrored.tuples > this.#maxTuples) this.#refuse(storeId, mirrored);
      })
      .catch((error: unknown) => {
        this.#onError(storeId, error);
        this.#refuse(storeId, mirrored);
      })
      .finally(() => {
        if (mirrored.catchingUp === next) mirrored.catchingUp = undefined;
      });
    mirrored.catchingUp = next;
    return next;
  }

  async #applyChanges(storeId: string, mirrored: MirroredStore): Promise<void> {
    for (;;) {
      const changes = await this.#source.changes(storeId, mirrored.position, this.#changePageSize);
      if (this.#stores.get(storeId) !== mirrored) return;
      if (changes.length === 0) return;
      this.#apply(mirrored, changes);
      const last = changes[changes.length - 1] as MirrorPosition;
      mirrored.position = { revision: last.revision, seq: last.seq };
      if (changes.length < this.#changePageSize) return;
    }
  }

  #intern(value: string): string {
    const known = this.#strings.get(value);
    if (known !== undefined) return known;
    // Strings of tuples long deleted would stay here: start over now and then (sharing is only a saving).
    if (this.#strings.size >= this.#maxTuples) this.#strings.clear();
    this.#strings.set(value, value);
    return value;
  }

  #rowsOf(mirrored: MirroredStore, object: string): ObjectRows {
    let rows = mirrored.objects.get(object);
    if (!rows) {
      rows = new ObjectRows(object);
      mirrored.objects.set(object, rows);
    }
    return rows;
  }

  #tuple(rows: ObjectRows, tuple: TupleKey): TupleKey {
    const kept = new MirrorTuple(rows.object, this.#intern(tuple.relation), this.#intern(tuple.user));
    if (tuple.condition) kept.condition = tuple.condition;
    return kept;
  }

  /** A scanned tuple: no reader sees the store yet, so its arrays grow in place. */
  #insertLoaded(mirrored: MirroredStore, tuple: TupleKey): void {
    const rows = this.#rowsOf(mirrored, tuple.object);
    const kept = this.#tuple(rows, tuple);
    const list = rows.byRelation.get(kept.relation);
    if (list) list.push(kept);
    else rows.byRelation.set(kept.relation, [kept]);
    mirrored.tuples++;
  }

  /** Applies changes in order; each touched row list is replaced once. */
  #apply(mirrored: MirroredStore, changes: ReadonlyArray<{ operation: 'write' | 'delete'; tuple: TupleKey }>): void {
    // object → relation → user → tuple (or null once deleted), in change order.
    const pending = new Map<string, Map<string, Map<string, TupleKey | null>>>();
    for (const { operation, tuple } of changes) {
      let byRelation = pending.get(tuple.object);
      if (!byRelation) {
        byRelation = new Map();
        pending.set(tuple.object, byRelation);
      }
      let byUser = byRelation.get(tuple.relation);
      if (!byUser) {
        byUser = new Map();
        byRelation.set(tuple.relation, byUser);
      }
      byUser.set(tuple.user, operation === 'write' ? tuple : null);
    }
    for (const [object, byRelation] of pending) {
      const rows = this.#rowsOf(mirrored, object);
      for (const [relation, byUser] of byRelation) {
        const current = rows.byRelation.get(relation) ?? none;
        const next: TupleKey[] = [];
        for (const row of current) if (!byUser.has(row.user)) next.push(row);
        for (const tuple of byUser.values()) if (tuple) next.push(this.#tuple(rows, tuple));
        mirrored.tuples += next.length - current.length;
        if (next.length > 0) rows.byRelation.set(relation, next);
        else rows.byRelation.delete(relation);
        rows.indexes?.delete(relation);
      }
      if (rows.byRelation.size === 0) {
        mirrored.objects.delete(object);
        rows.removed = true;
      }
    }
  }

  #readerOf(mirrored: MirroredStore, fallback: TupleReader): TupleReader {
    if (mirrored.reader) return mirrored.reader;
    // No many-relation read: it exists to batch I/O and to fill a request's memo, and here each
    // relation's rows are one map lookup away (building the combined list would only cost).
    const reader: TupleReader = {
      readByObject: (object, relation) => mirrored.objects.get(object)?.byRelation.get(relation) ?? none,
      readObject: (object) => mirrored.objects.get(object),
      readLinked: (row, object) => (row instanceof MirrorTuple ? row.linkIn(mirrored.objects, object) : mirrored.objects.get(object)),
      readByUsers: (users, objectType, relation) => fallback.readByUsers(users, objectType, relation),
    };
    mirrored.reader = reader;
    return reader;
  }
}
