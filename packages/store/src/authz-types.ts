/** Storage roles of the permission service (OpenFGA-compatible). Times are epoch milliseconds. */

/** A relationship tuple, spelled as OpenFGA's API spells it. */
export interface RelationshipTuple {
  object: string;
  relation: string;
  user: string;
  condition?: { name: string; context?: Record<string, unknown> };
}

export interface StoredTuple extends RelationshipTuple {
  /** When it was written (epoch ms). */
  timestamp: number;
}

export interface FgaStoreRecord {
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  /** Bumped by every tuple write; the consistency token of reads. */
  revision: number;
}

export interface AuthorizationModelRecord {
  id: string;
  store_id: string;
  schema_version: string;
  type_definitions: unknown[];
  conditions: Record<string, unknown>;
  created_at: number;
}

export interface TupleChange {
  tuple_key: RelationshipTuple;
  operation: 'write' | 'delete';
  timestamp: number;
}

/** A page of results; `next` is an opaque cursor, absent on the last page. */
export interface Page<T> {
  items: T[];
  next?: string;
}

export interface FgaStoreStore {
  create(record: { id: string; name: string; created_at: number }): Promise<FgaStoreRecord>;
  /** A live (not deleted) store. */
  get(id: string): Promise<FgaStoreRecord | undefined>;
  /** Live stores in id order. */
  list(options: { pageSize: number; after?: string; name?: string }): Promise<Page<FgaStoreRecord>>;
  /** Marks the store deleted; false when unknown or already deleted. */
  delete(id: string, at: number): Promise<boolean>;
}

export interface AuthorizationModelStore {
  insert(record: AuthorizationModelRecord): Promise<void>;
  get(storeId: string, id: string): Promise<AuthorizationModelRecord | undefined>;
  latest(storeId: string): Promise<AuthorizationModelRecord | undefined>;
  /** Newest first. */
  list(storeId: string, options: { pageSize: number; after?: string }): Promise<Page<AuthorizationModelRecord>>;
}

/** Refused tuple write: a duplicate write or a missing delete, naming the tuple. */
export class TupleWriteConflict extends Error {
  readonly kind: 'duplicate' | 'missing';
  readonly tuple: RelationshipTuple;
  constructor(kind: 'duplicate' | 'missing', tuple: RelationshipTuple) {
    super(
      kind === 'duplicate'
        ? `cannot write a tuple which already exists: user: '${tuple.user}', relation: '${tuple.relation}', object: '${tuple.object}'`
        : `cannot delete a tuple which does not exist: user: '${tuple.user}', relation: '${tuple.relation}', object: '${tuple.object}'`,
    );
    this.name = 'TupleWriteConflict';
    this.kind = kind;
    this.tuple = tuple;
  }
}

export interface TupleWrite {
  writes: RelationshipTuple[];
  deletes: RelationshipTuple[];
  /** `ignore`: an identical existing tuple is not an error. */
  onDuplicate: 'error' | 'ignore';
  /** `ignore`: deleting an absent tuple is not an error. */
  onMissing: 'error' | 'ignore';
  at: number;
}

export interface TupleFilter {
  /** `type:id`, or `type:` for every object of a type. */
  object?: string;
  relation?: string;
  user?: string;
}

export interface TupleStore {
  /** Applies deletes then writes in one transaction; throws `TupleWriteConflict` and changes nothing. */
  write(storeId: string, change: TupleWrite): Promise<{ revision: number }>;
  readByObject(storeId: string, object: string, relation: string): Promise<StoredTuple[]>;
  /**
   * The check engine's hot read: every tuple of the object by any of `relations` (without write
   * times), in one read where the database allows, answered synchronously where it can be (a
   * SQLite file). Sees every write acknowledged before it is called. `wholeObject`: the caller
   * knows the object holds no tuples of other relations worth skipping, so the store may read
   * every tuple of the object in one index range and drop the others.
   */
  readByObjectRelations(
    storeId: string,
    object: string,
    relations: readonly string[],
    wholeObject?: boolean,
  ): RelationshipTuple[] | Promise<RelationshipTuple[]>;
  read(storeId: string, filter: TupleFilter, page: { pageSize: number; after?: string }): Promise<Page<StoredTuple>>;
  /**
   * Tuples whose user is exactly one of `users` (`type:id`, `type:*` or `type:id#relation`) on
   * objects of `objectType` by `relation` (the user → objects index), in no particular order.
   */
  readByUsers(storeId: string, users: readonly string[], objectType: string, relation: string): Promise<RelationshipTuple[]>;
}

/** Where a change sits in a store's changelog: the write's revision, then its place in the write. */
export interface ChangePosition {
  revision: number;
  seq: number;
}

/** A change with its position, for readers that follow the changelog (the in-memory tuple mirror). */
export interface PositionedChange extends ChangePosition {
  operation: 'write' | 'delete';
  tuple: RelationshipTuple;
}

export interface ChangelogStore {
  /** Changes in write order after the cursor; `next` is the cursor of the last change returned. */
  read(storeId: string, options: { pageSize: number; after?: string; objectType?: string; startTime?: number }): Promise<Page<TupleChange>>;
  /** The position of the store's last change, if any. */
  end(storeId: string): Promise<ChangePosition | undefined>;
  /** Up to `limit` changes after `after` (from the first without it), in write order. */
  after(storeId: string, after: ChangePosition | undefined, limit: number): Promise<PositionedChange[]>;
}

export interface AssertionStore {
  get(storeId: string, modelId: string): Promise<unknown[] | undefined>;
  put(storeId: string, modelId: string, assertions: unknown[]): Promise<void>;
}

/** Every permission-service role over one database. */
export interface AuthzStores {
  readonly stores: FgaStoreStore;
  readonly models: AuthorizationModelStore;
  readonly tuples: TupleStore;
  readonly changelog: ChangelogStore;
  readonly assertions: AssertionStore;
}
